"""The demo's evidence and portfolio: labelled as demo, every section of the outline covered, the
budget since 2017, awards with their givers, the Indeks KAMI assessments of 2024 and 2025; a
smaller portfolio for the second city; a new demo replaces its own entries and keeps the city's."""
from __future__ import annotations

import json

from cities import load_profile
from data_sources.db import make_engine
from data_sources.demo import SIZES, generate
from data_sources.demo.evidence import app_records, evidence_items
from data_sources.evidence import KAMI_AREAS
from data_sources.queries.evidence import SECTIONS
from tests.helpers import FIXED_NOW, TEST_SEED, execute
from tests.sql import frame, rows, scalar


def test_every_section_has_labelled_demo_evidence(city_db):
    items = frame(city_db, "SELECT * FROM evidence_items")
    assert items["demo"].astype(bool).all() and items["stored_name"].isna().all()
    assert items["title_id"].str.endswith(" (data demo)").all() and items["title_en"].str.endswith(" (demo data)").all()
    assert items["url"].str.match(r"^https://kota-tangerang\.demo\.example/").all()
    per_section = items.groupby("section").size()
    assert set(per_section.index) == set(SECTIONS)
    assert all(2 <= per_section[s] <= 4 for s in SECTIONS if s != "budget")
    budget = items[items["section"] == "budget"].sort_values("year")
    assert budget["year"].tolist() == list(range(2017, 2026))
    amounts = [json.loads(d)["amount"] for d in budget["details"]]
    assert all(a > 1e9 for a in amounts) and amounts[3] < amounts[2]  # 2020: the pandemic's cut
    awards = items[items["section"] == "awards"]
    assert awards["year"].notna().all() and all(json.loads(d)["giver"] for d in awards["details"])
    kami = items[items["kind"] == "assessment"].sort_values("year")
    assert kami["year"].tolist() == [2024, 2025] and (kami["section"] == "security").all()
    for details in map(json.loads, kami["details"]):
        assert set(details["scores"]) == set(KAMI_AREAS) and details["maturity"] and details["assessed_on"]
    policy = items[items["section"] == "policy"]
    assert policy["title_id"].str.contains("Peraturan Wali Kota").any() and policy["title_id"].str.contains(
        "Masterplan").any()
    assert items["indicator_code"].notna().sum() >= 8  # a few per indicator


def test_the_second_city_gets_its_own_smaller_portfolio():
    import numpy as np

    profile = load_profile("kota_tangerang_selatan")
    records = app_records(profile, {a.code: i for i, a in enumerate(profile.agencies, 1)}, np.random.default_rng(1))
    assert 40 <= len(records) < 122 and len({r.name for r in records}) == len(records)
    assert all(".kota-tangerang-selatan.demo.example/" in r.url for r in records)
    assert {i.section for i in evidence_items(profile, np.random.default_rng(1))} == set(SECTIONS)


def test_a_new_demo_replaces_its_entries_and_keeps_the_citys_own(writable_city):
    execute(writable_city, """INSERT INTO applications (city_code, code, name, app_group, sso_ready, demo, device_id)
                              SELECT '36.71', 'OWN-1', 'Aplikasi kota sendiri', 'e_government', true, false,
                                     min(id) FROM devices WHERE kind = 'app'""")
    execute(writable_city, """INSERT INTO evidence_items (city_code, section, kind, title_id, title_en, url, demo, added_at)
                              VALUES ('36.71', 'policy', 'link', 'Bukti asli', 'Real evidence', 'https://x.go.id', false,
                                      '2026-11-01 00:00:00')""")
    engine = make_engine(writable_city)
    try:
        generate(engine, load_profile("kota_tangerang"), size=SIZES["test"], seed=TEST_SEED, now=FIXED_NOW)
    finally:
        engine.dispose()
    assert scalar(writable_city, "SELECT count(*) FROM applications WHERE demo") == 122
    assert rows(writable_city, "SELECT device_id FROM applications WHERE code = 'OWN-1'") == [(None,)]  # to be re-imported
    assert scalar(writable_city, "SELECT count(*) FROM evidence_items WHERE NOT demo") == 1
    assert scalar(writable_city, "SELECT count(*) FROM evidence_items WHERE demo") == \
        scalar(writable_city, "SELECT count(*) FROM evidence_items WHERE demo AND title_id LIKE '%(data demo)'")
    assert scalar(writable_city, "SELECT count(*) FROM devices WHERE kind = 'app'") == 122
