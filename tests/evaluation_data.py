"""The evaluation's test data: a copy of the test city whose evidence and application portfolio
are replaced by a known set (one or more items for every section of the evaluators' outline,
budget lines, awards, two BSSN assessments, evidence for one indicator, five applications)."""
from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest
from sqlalchemy import create_engine, delete, insert, select

from data_sources.models import Application, Device, EvidenceItem, Source

CITY = "36.71"
ADDED = datetime(2026, 11, 1, 3, 0)
INDICATOR = "eco_umkm_digital"  # the indicator with evidence of its own (Economy > public welfare)
KAMI_2024 = {"governance": 38, "risk": 30, "framework": 42, "assets": 60, "technology": 48, "data_protection": 20,
             "third_party": 18}
KAMI_2023 = {"governance": 30, "risk": 24, "framework": 33, "assets": 52, "technology": 41, "data_protection": 12,
             "third_party": 10}


def _item(section, kind, title_id, title_en, year=None, url=None, stored=None, details=None, indicator=None):
    return {"city_code": CITY, "section": section, "kind": kind, "title_id": title_id, "title_en": title_en,
            "year": year, "url": url, "stored_name": stored, "file_name": "dokumen.pdf" if stored else None,
            "mime_type": "application/pdf" if stored else None, "size_bytes": 1234 if stored else None,
            "details": json.dumps(details) if details else None, "indicator_code": indicator, "demo": False,
            "added_by": "test", "added_at": ADDED}


ITEMS = [
    _item("policy", "regulation", "Peraturan Wali Kota tentang Kota Cerdas", "Mayor Regulation on the Smart City", 2019,
          url="https://jdih.example.go.id/perwal-31-2019", details={"number": "Perwal No. 31 Tahun 2019"}),
    _item("policy", "plan", "Rencana Induk Kota Cerdas 2018\u20132027", "Smart City Masterplan 2018\u20132027", 2018,
          stored="4f1c2a.pdf"),
    _item("technology", "report", "Arsitektur SPBE Kota", "The city's e-government architecture", 2023,
          url="https://example.go.id/spbe"),
    _item("governance", "regulation", "Keputusan Wali Kota tentang Dewan Kota Cerdas", "Mayor's Decree on the Smart City "
          "Council", 2021, details={"number": "Kepwal No. 100/Kep.12 Tahun 2021"}),
    _item("services", "report", "Laporan program unggulan Tangerang LIVE", "Report on the Tangerang LIVE programmes",
          2024, url="https://example.go.id/live"),
    _item("services", "report", "Laporan UMKM go digital", "Report on small businesses going digital", 2025,
          url="https://example.go.id/umkm", indicator=INDICATOR),
    *[_item("budget", "budget", f"Belanja kota cerdas APBD {y}", f"Smart-city spending, city budget {y}", y,
            details={"amount": amount, "realised": amount * 0.9}) for y, amount in
      ((2021, 18.5e9), (2022, 22e9), (2023, 26.4e9), (2024, 31e9), (2025, 35.2e9))],
    _item("awards", "award", "Kota Cerdas Terbaik kategori Tata Kelola", "Best smart city, governance category", 2023,
          details={"giver": "Kementerian Komunikasi dan Informatika", "category": "Tata kelola"}),
    _item("awards", "award", "Penghargaan Pelayanan Publik", "Public service award", 2024,
          details={"giver": "Kementerian PANRB"}),
    _item("security", "assessment", "Penilaian Indeks KAMI 2024", "KAMI index assessment 2024", 2024,
          details={"scores": KAMI_2024, "maturity": "III+", "assessed_on": "2024-09-12", "assessor": "BSSN",
                   "total": sum(KAMI_2024.values())}),
    _item("security", "assessment", "Penilaian Indeks KAMI 2023", "KAMI index assessment 2023", 2023,
          details={"scores": KAMI_2023, "maturity": "II+", "assessed_on": "2023-08-30", "assessor": "BSSN",
                   "total": sum(KAMI_2023.values())}),
]
APPS = (("sipd", "e_government", True, "online"), ("simpus", "e_health", True, "online"),
        ("ppdb", "e_education", False, "online"), ("lpse", "e_procurement", True, "degraded"),
        ("silog", "e_logistics", False, "offline"))


def seed(url: str) -> None:
    """Replace the evidence and the applications of ``url``'s city by the known set."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(delete(EvidenceItem))
            conn.execute(delete(Application))
            conn.execute(insert(EvidenceItem), ITEMS)
            source = conn.execute(select(Source.id).where(Source.city_code == CITY)).scalars().first()
            for code, group, sso, state in APPS:
                device = conn.execute(insert(Device).values(
                    city_code=CITY, kind="app", source_id=source, external_id=f"app-{code}", name=code,
                    check_method="http", expected_interval_seconds=60, uptime_target=99.0, state=state,
                    state_since=ADDED).returning(Device.id)).scalar_one()
                conn.execute(insert(Application).values(city_code=CITY, code=code, name=code.upper(), app_group=group,
                                                        sso_ready=sso, device_id=device, demo=False))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def evaluation_db(tmp_path_factory, city_template_sqlite) -> str:
    """A private copy of the test city (SQLite) with the known evidence and applications."""
    path = tmp_path_factory.mktemp("evaluation") / "city.db"
    shutil.copy(city_template_sqlite.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    seed(url)
    return url


def evidence_id(url: str, title_id: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(EvidenceItem.id).where(EvidenceItem.title_id == title_id)).scalar_one()
    finally:
        engine.dispose()
