"""Demo evidence for the evaluation and the demo city's application portfolio. Everything here is
invented and says so: every title ends in "(data demo)" / "(demo data)", every row has
``demo=True``, and every address is on a reserved ``.example`` host that never resolves.

- Evidence per section of the evaluators' outline: the smart-city Perwal and the masterplan
  (policy), budget lines for every year from 2017 with amounts (budget), awards with their
  year and giver (awards), BSSN's Indeks KAMI assessments of 2024 and 2025 with the scores per
  area, the maturity level and the date (security), and a few items per indicator.
- Applications: 122 for Kota Tangerang (64 for another city), in the five groups, owned by the
  profile's agencies, about 58 % on the single sign-on; each watched as an ``app`` device that
  is push-checked (the simulator writes its heartbeats, as for the cameras), so the demo never
  probes the internet.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import delete, insert, update

from cities import CityProfile
from data_sources import models as m
from data_sources.evidence import Evidence, check_item
from data_sources.portfolio import AppRecord, device_values

APP_COUNTS = {"36.71": 122}  # the demo's portfolio size per city; others get DEFAULT_APPS
DEFAULT_APPS = 64
SSO_SHARE = 71 / 122  # "moving to one single sign-on": most, not all
DOWN_SHARE = 4 / 122  # "118 of 122 up"
BUDGET_YEARS = range(2017, 2026)
DEMO_ID, DEMO_EN = " (data demo)", " (demo data)"

# group -> (name, the agency that owns it) templates; {city} is the city's short name
APPS = {
    "e_government": [
        ("{city} LIVE (super app warga)", "DISKOMINFO"), ("e-Office Naskah Dinas", "DISKOMINFO"),
        ("SIMPEG Kepegawaian", "DISKOMINFO"), ("e-Kinerja ASN", "DISKOMINFO"), ("Portal Satu Data", "DISKOMINFO"),
        ("PPID Online", "DISKOMINFO"), ("JDIH Produk Hukum", "DISKOMINFO"), ("e-Musrenbang", "DISKOMINFO"),
        ("Absensi ASN Daring", "DISKOMINFO"), ("Sistem Arsip Digital", "DISKOMINFO"), ("Dashboard Pimpinan", "DISKOMINFO"),
        ("Layanan Adminduk Daring", "DISDUKCAPIL"), ("Antrean Dukcapil", "DISDUKCAPIL"),
        ("Cetak KIA Mandiri", "DISDUKCAPIL"), ("Aduan Warga", "DISKOMINFO"), ("Penegakan Perda Daring", "SATPOLPP"),
        ("Izin Bangunan (PBG) Daring", "DPUPR"), ("Peta Tata Ruang", "DPUPR"), ("Data Rumah Tidak Layak Huni", "DPERKIM"),
        ("Sertifikasi Aset Tanah", "DPERKIM"), ("Data Terpadu Kesejahteraan Sosial", "DINSOS"),
        ("Bansos Tepat Sasaran", "DINSOS"), ("Peringatan Dini Banjir", "BPBD"), ("Lapor Kebakaran", "DAMKAR"),
        ("Pengaduan Pelanggan Air", "PDAM"), ("Tagihan Air Daring", "PDAM"), ("Perizinan Lingkungan", "DLH"),
    ],
    "e_health": [
        ("SIMRS RSUD", "DINKES"), ("SIMPUS Puskesmas", "DINKES"), ("Antrean Daring Puskesmas", "DINKES"),
        ("e-Rujukan", "DINKES"), ("Rekam Medis Elektronik", "DINKES"), ("Pemantauan Stunting", "DINKES"),
        ("Posyandu Digital", "DINKES"), ("Surveilans DBD", "DINKES"), ("Ambulans Gawat Darurat", "DINKES"),
        ("Jadwal Imunisasi", "DINKES"), ("Gizi Balita", "DINKES"), ("Apotek Puskesmas", "DINKES"),
    ],
    "e_education": [
        ("PPDB Daring", "DISKOMINFO"), ("e-Rapor", "DISKOMINFO"), ("Perpustakaan Digital", "DISKOMINFO"),
        ("Beasiswa Daring", "DINSOS"), ("Kelas Digital", "DISKOMINFO"), ("Literasi Digital Warga", "DISKOMINFO"),
        ("Data Pokok Pendidikan Daerah", "DISKOMINFO"), ("Pelatihan Kerja Daring", "DINSOS"),
        ("Akademi Komunitas Digital", "DISKOMINFO"),
    ],
    "e_logistics": [
        ("Angkutan Kota Terintegrasi", "DISHUB"), ("e-Parkir", "DISHUB"), ("Pengujian Kendaraan (KIR)", "DISHUB"),
        ("ATCS Simpang", "DISHUB"), ("Harga Pangan Harian", "DINSOS"), ("Logistik Kebencanaan", "BPBD"),
        ("Bank Sampah Digital", "DLH"), ("Armada Angkut Sampah", "DLH"), ("Distribusi Air Tangki", "PDAM"),
        ("Gudang Farmasi", "DINKES"), ("Pemeliharaan PJU", "DPUPR"),
    ],
    "e_procurement": [
        ("LPSE", "DISKOMINFO"), ("Rencana Umum Pengadaan", "DISKOMINFO"), ("e-Katalog Lokal", "DISKOMINFO"),
        ("e-Kontrak", "DISKOMINFO"), ("Monitoring Pengadaan", "DISKOMINFO"), ("Toko Daring UMKM", "DISKOMINFO"),
        ("Manajemen Penyedia", "DISKOMINFO"),
    ],
}
# per agency, to fill the portfolio up to its size: (name template, group)
PER_AGENCY = [("Layanan Informasi {agency}", "e_government"), ("Dashboard Kinerja {agency}", "e_government"),
              ("Arsip Digital {agency}", "e_government"), ("Pengadaan Langsung {agency}", "e_procurement"),
              ("Inventaris Barang {agency}", "e_logistics"), ("Survei Kepuasan {agency}", "e_government")]
USERS = {"e_government": (8.0, 1.2), "e_health": (9.0, 1.0), "e_education": (8.5, 1.1), "e_logistics": (7.0, 1.0),
         "e_procurement": (6.0, 0.8)}  # log-normal (mean, sigma) of users last month


def _host(profile: CityProfile) -> str:
    return f"{profile.slug.replace('_', '-')}.demo.example"  # reserved: never resolves


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


def _short(profile: CityProfile) -> str:
    return profile.name.removeprefix("Kota ").removeprefix("Kabupaten ")


# --- evidence ---------------------------------------------------------------------------------------


def evidence_items(profile: CityProfile, rng) -> list[Evidence]:
    """The demo evidence of ``profile``'s city (checked like any other item)."""
    city, host, code = profile.name, _host(profile), profile.code
    link = lambda path: f"https://{host}/{path}"  # noqa: E731
    indicators = {i.code for i in profile.indicators}

    def item(section, kind, title_id, title_en, year, path, details=None, indicator=None) -> Evidence:
        return Evidence(code, section, kind, title_id + DEMO_ID, title_en + DEMO_EN,
                        indicator if indicator in indicators else None, year, link(path), details or {}, demo=True)

    items = [
        item("policy", "regulation", f"Peraturan Wali Kota tentang Penyelenggaraan Kota Cerdas {city}",
             f"Mayor's regulation on the smart city of {city}", 2019, "jdih/perwal-kota-cerdas-2019",
             {"number": "Perwal No. 31 Tahun 2019"}, "gov_regulasi_smart"),
        item("policy", "plan", f"Masterplan Kota Cerdas {city} 2020-2025", f"{city} smart-city masterplan 2020-2025",
             2020, "dokumen/masterplan-kota-cerdas-2020-2025.pdf"),
        item("policy", "regulation", "Peraturan Wali Kota tentang Sistem Pemerintahan Berbasis Elektronik",
             "Mayor's regulation on electronic government (SPBE)", 2022, "jdih/perwal-spbe-2022",
             {"number": "Perwal No. 12 Tahun 2022"}, "gov_regulasi_smart"),
        item("policy", "plan", "Rencana Aksi Kota Cerdas 2025", "Smart-city action plan 2025", 2025,
             "dokumen/rencana-aksi-2025.pdf"),
        item("technology", "report", "Arsitektur SPBE dan pusat data kota", "E-government architecture and the city "
             "data centre", 2024, "dokumen/arsitektur-spbe-2024.pdf", indicator="gov_spbe"),
        item("technology", "plan", "Peta jalan satu SSO untuk seluruh aplikasi", "Roadmap to one single sign-on for "
             "all applications", 2025, "dokumen/peta-jalan-sso.pdf", indicator="gov_aplikasi_sso"),
        item("technology", "link", "Portal Satu Data", "One Data portal", 2025, "satudata",
             indicator="gov_data_terbuka"),
        item("governance", "regulation", "Keputusan Wali Kota tentang Dewan Kota Cerdas", "Mayor's decree on the "
             "smart-city council", 2021, "jdih/kepwal-dewan-kota-cerdas", {"number": "Kepwal No. 100/Kep.45-Diskominfo/2021"}),
        item("governance", "report", "Laporan evaluasi SPBE", "E-government (SPBE) evaluation report", 2024,
             "dokumen/evaluasi-spbe-2024.pdf", indicator="gov_spbe"),
        item("governance", "report", "Laporan Kinerja Instansi Pemerintah (SAKIP)", "Government performance report "
             "(SAKIP)", 2024, "dokumen/lkjip-2024.pdf", indicator="gov_sakip"),
        item("services", "report", "Laporan layanan Mal Pelayanan Publik", "Public service mall report", 2025,
             "dokumen/laporan-mpp-2025.pdf", indicator="gov_mpp"),
        item("services", "report", "Survei Kepuasan Masyarakat", "Citizen satisfaction survey", 2025,
             "dokumen/ikm-2025.pdf", indicator="gov_ikm"),
        item("services", "link", "Antrean daring Puskesmas", "Online queue of the community health centres", 2025,
             "antrean-puskesmas", indicator="liv_puskesmas_daring"),
        item("services", "report", "Program literasi digital warga", "Citizens' digital literacy programme", 2024,
             "dokumen/literasi-digital-2024.pdf", indicator="soc_literasi_digital"),
    ]
    amount = 18.0e9
    for year in BUDGET_YEARS:  # the smart-city budget line, dipping in the pandemic years
        amount *= 0.72 if year == 2020 else 1.0 + float(rng.uniform(0.06, 0.2))
        planned = round(amount, -8)
        realised = round(planned * float(rng.uniform(0.86, 0.97)), -7) if year < 2025 else None
        items.append(item("budget", "budget", f"Anggaran program kota cerdas {year}",
                          f"Smart-city programme budget {year}", year, f"apbd/{year}/kota-cerdas",
                          {"amount": planned} | ({"realised": realised} if realised else {})))
    for year, title_id, title_en, giver in (
            (2019, "Kota Cerdas terbaik kategori tata kelola", "Best smart city, governance category",
             "Kementerian Komunikasi dan Informatika"),
            (2021, "Top 45 Inovasi Pelayanan Publik", "Top 45 public service innovations", "Kementerian PANRB"),
            (2023, "Indeks SPBE predikat sangat baik", "E-government index rated very good", "Kementerian PANRB"),
            (2024, "Penghargaan Kota Layak Anak", "Child-friendly city award",
             "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak")):
        items.append(item("awards", "award", title_id, title_en, year, f"penghargaan/{year}", {"giver": giver}))
    scores = {2024: {"governance": 86, "risk": 44, "framework": 97, "assets": 118, "technology": 82,
                     "data_protection": 31, "third_party": 52},
              2025: {"governance": 101, "risk": 53, "framework": 116, "assets": 131, "technology": 95,
                     "data_protection": 42, "third_party": 61}}
    for year, maturity, assessed in ((2024, "II+", "2024-08-20"), (2025, "III", "2025-09-11")):
        areas = scores[year]
        total = sum(areas[a] for a in ("governance", "risk", "framework", "assets", "technology"))
        items.append(item("security", "assessment", f"Penilaian Indeks KAMI oleh BSSN {year}",
                          f"BSSN information-security index (Indeks KAMI) assessment {year}", year,
                          f"keamanan/indeks-kami-{year}.pdf",
                          {"scores": areas, "maturity": maturity, "assessed_on": assessed, "assessor": "BSSN",
                           "category": "Tinggi", "total": total}))
    items.append(item("security", "regulation", "Kebijakan keamanan informasi pemerintah kota",
                      "The city government's information-security policy", 2024, "jdih/kebijakan-keamanan-informasi",
                      {"number": "Perwal No. 8 Tahun 2024"}))
    return [check_item(i, indicators) for i in items]


# --- the application portfolio -------------------------------------------------------------------------


def app_records(profile: CityProfile, agency_ids: dict[str, int], rng) -> list[AppRecord]:
    """The demo portfolio: names, groups and owners from the templates, users and SSO drawn."""
    total = APP_COUNTS.get(profile.code, DEFAULT_APPS)
    owners = [a.code for a in profile.agencies]
    fallback = "DISKOMINFO" if "DISKOMINFO" in agency_ids else owners[0]
    named = [(name.format(city=_short(profile)), group, owner if owner in agency_ids else fallback)
             for group, entries in APPS.items() for name, owner in entries]
    named += [(name.format(agency=agency), group, agency) for name, group in PER_AGENCY for agency in owners]
    seen, chosen = set(), []
    for name, group, owner in named:
        if name not in seen:
            seen.add(name)
            chosen.append((name, group, owner))
    chosen = chosen[:total]
    sso = set(rng.permutation(len(chosen))[:round(len(chosen) * SSO_SHARE)].tolist())
    host = _host(profile)
    records = []
    for i, (name, group, owner) in enumerate(chosen):
        slug = _slug(name)
        mean, sigma = USERS[group]
        url = f"https://{slug}.{host}/"
        records.append(AppRecord(f"APP-{i + 1:03d}", name, group, agency_ids[owner], url, url + "health",
                                 i in sso, int(rng.lognormal(mean, sigma))))
    return records


def seed(conn, profile: CityProfile, ids: dict, now: datetime, seed_value: int) -> dict[str, int]:
    """Write the demo evidence and portfolio of ``profile``'s city (after ``clear_demo``)."""
    rng = np.random.default_rng([seed_value, 14])
    items = evidence_items(profile, rng)
    conn.execute(insert(m.EvidenceItem), [
        dict(city_code=i.city_code, section=i.section, indicator_code=i.indicator_code, kind=i.kind, title_id=i.title_id,
             title_en=i.title_en, year=i.year, url=i.url, details=json.dumps(i.details) if i.details else None,
             demo=True, added_by="demo", added_at=now) for i in items])
    records = app_records(profile, ids["agency"], rng)
    source_id = ids["source"].get(profile.applications.source) if profile.applications else None
    down = set(rng.permutation(len(records))[:round(len(records) * DOWN_SHARE)].tolist())
    degraded = set(rng.permutation(len(records))[:2].tolist()) - down
    for i, record in enumerate(records):
        device_id = None
        if source_id is not None:
            state = "offline" if i in down else "degraded" if i in degraded else "online"
            since = now - timedelta(minutes=int(rng.integers(20, 600))) if i in down else now
            device_id = conn.execute(insert(m.Device).values(**(device_values(
                profile, record, source_id, since, check_method="push") | dict(
                state=state, state_since=since, last_sample_at=now, last_seen_at=since)))
                .returning(m.Device.id)).scalar_one()
        conn.execute(insert(m.Application).values(
            city_code=profile.code, code=record.code, name=record.name, app_group=record.group,
            agency_id=record.agency_id, url=record.url, sso_ready=record.sso_ready,
            users_last_month=record.users_last_month, device_id=device_id, demo=True))
    return {"evidence_items": len(items), "applications": len(records)}


def clear_demo(conn, city_code: str) -> None:
    """Remove the demo evidence and applications of a city, and unhook the others from their
    devices (the demo's reset deletes every device of the city)."""
    conn.execute(delete(m.EvidenceItem).where(m.EvidenceItem.city_code == city_code, m.EvidenceItem.demo.is_(True)))
    conn.execute(delete(m.Application).where(m.Application.city_code == city_code, m.Application.demo.is_(True)))
    conn.execute(update(m.Application).where(m.Application.city_code == city_code).values(device_id=None))
