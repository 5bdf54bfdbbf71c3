"""Both shipped profiles hold exactly the official codes and names of the reference list."""
import csv
import json

import pytest
from pydantic import ValidationError

from cities import CITIES_DIR, DIMENSIONS, CityProfile, available_profiles, load_profile


def _reference(shared_geo, city_code):
    rows = list(csv.DictReader(open(shared_geo / "tangerang_wilayah_kemendagri.csv", encoding="utf-8")))
    kec = {r["code"]: r["name"] for r in rows if r["level"] == "kecamatan" and r["parent_code"] == city_code}
    kel = {r["code"]: (r["name"], r["parent_code"]) for r in rows if r["level"] == "kelurahan" and r["parent_code"] in kec}
    return kec, kel


@pytest.mark.parametrize("slug, code, name, n_kec, n_kel", [
    ("kota_tangerang", "36.71", "Kota Tangerang", 13, 104),
    ("kota_tangerang_selatan", "36.74", "Kota Tangerang Selatan", 7, 54),
])
def test_profile_matches_official_code_list(shared_geo, slug, code, name, n_kec, n_kel):
    profile = load_profile(slug)
    assert (profile.code, profile.name) == (code, name)
    assert load_profile(code).slug == slug
    kec_ref, kel_ref = _reference(shared_geo, code)
    assert len(profile.kecamatan) == n_kec == len(kec_ref)
    assert len(profile.kelurahan) == n_kel == len(kel_ref)
    assert {k.code: k.name for k in profile.kecamatan} == kec_ref
    assert {kel.code: (kel.name, kec.code) for kec, kel in profile.kelurahan} == kel_ref


@pytest.mark.parametrize("slug", available_profiles())
def test_profile_catalogues_are_complete(slug):
    profile = load_profile(slug)
    assert {i.dimension for i in profile.indicators} == set(DIMENSIONS)
    codes = {c.code for c in profile.complaint_categories}
    assert {"pju", "macet", "sampah", "banjir", "jalan"} <= codes
    assert all(c.resolution_hours >= c.response_hours for c in profile.complaint_categories)
    assert {s.key for s in profile.sources} >= {"complaints", "cctv_nvr", "wifi_probe"}
    assert set(profile.devices) == {"cctv", "wifi"}
    for kec in profile.kecamatan:  # centroids inside the city's bounds
        assert -6.4 < kec.centroid[0] < -6.0 and 106.5 < kec.centroid[1] < 106.8


def test_profile_with_unknown_agency_is_refused():
    data = json.loads((CITIES_DIR / "kota_tangerang.json").read_text(encoding="utf-8"))
    data["complaint_categories"][0]["agency"] = "NOPE"
    with pytest.raises(ValidationError, match="unknown agency 'NOPE'"):
        CityProfile.model_validate(data)


def test_kelurahan_outside_its_kecamatan_is_refused():
    data = json.loads((CITIES_DIR / "kota_tangerang.json").read_text(encoding="utf-8"))
    data["kecamatan"][0]["kelurahan"][0]["code"] = "36.71.99.1001"
    with pytest.raises(ValidationError, match="not in kecamatan"):
        CityProfile.model_validate(data)


def test_unknown_profile_names_the_available_ones():
    with pytest.raises(LookupError, match="kota_tangerang"):
        load_profile("kota_atlantis")
