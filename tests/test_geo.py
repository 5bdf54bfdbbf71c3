"""Real boundary files load, join to the codes and place points; without them, approximate areas."""
import json

import geopandas as gpd
import numpy as np
import pytest

from cities import load_profile
from data_sources import geo


@pytest.mark.parametrize("slug", ["kota_tangerang", "kota_tangerang_selatan"])
def test_real_boundaries_load_and_join_every_code(shared_geo, slug):
    profile = load_profile(slug)
    shapes = geo.region_geometries(profile, shared_geo)
    assert not shapes.approximate
    assert set(shapes.kecamatan["code"]) == {k.code for k in profile.kecamatan}
    assert set(shapes.kelurahan["code"]) == {kel.code for _, kel in profile.kelurahan}
    assert shapes.kecamatan.crs.to_epsg() == 4326
    assert shapes.kecamatan.geometry.is_valid.all()


def test_points_are_assigned_to_the_right_kecamatan_and_kelurahan(shared_geo):
    profile = load_profile("kota_tangerang")
    shapes = geo.region_geometries(profile, shared_geo)
    # representative points of the official kelurahan polygons must land in that kelurahan and its kecamatan
    official = gpd.read_file(shared_geo / "tangerang_kelurahan.geojson")
    official = official[official["city_code"] == "36.71"]
    points = official.geometry.representative_point()
    kel = geo.assign_points(points.y.to_numpy(), points.x.to_numpy(), shapes.kelurahan)
    kec = geo.assign_points(points.y.to_numpy(), points.x.to_numpy(), shapes.kecamatan)
    assert list(kel) == list(official["code"])
    assert list(kec) == list(official["kecamatan_code"])
    # a point in Jakarta Bay is in no region
    assert geo.assign_points([-6.05], [106.70], shapes.kecamatan)[0] is None


def test_known_landmarks_fall_in_their_kecamatan(shared_geo):
    profile = load_profile("kota_tangerang")
    shapes = geo.region_geometries(profile, shared_geo)
    centroids = {k.code: k.centroid for k in profile.kecamatan}
    # Kecamatan Tangerang (36.71.01) and Cipondoh (36.71.05): their area centroids lie inside them
    for code in ("36.71.01", "36.71.05"):
        lat, lon = centroids[code]
        assert geo.assign_points([lat], [lon], shapes.kecamatan)[0] == code


def test_boundaries_in_another_format_load_too(shared_geo, tmp_path):
    """Any format geopandas reads: here a GeoPackage written from the reference GeoJSON."""
    profile = load_profile("kota_tangerang_selatan")
    for level in ("kecamatan", "kelurahan"):
        frame = gpd.read_file(shared_geo / f"tangerang_{level}.geojson")
        frame.to_file(tmp_path / f"batas_{level}.gpkg", driver="GPKG")
    shapes = geo.region_geometries(profile, tmp_path)
    assert not shapes.approximate
    assert len(shapes.kecamatan) == 7 and len(shapes.kelurahan) == 54


def test_missing_codes_are_reported_clearly(shared_geo, tmp_path):
    profile = load_profile("kota_tangerang")
    data = json.loads((shared_geo / "tangerang_kecamatan.geojson").read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["code"] != "36.71.01"]
    (tmp_path / "tangerang_kecamatan.geojson").write_text(json.dumps(data))
    with pytest.raises(geo.BoundaryError, match="missing 1 codes"):
        geo.load_boundaries(profile, tmp_path, "kecamatan")
    # and the app falls back to approximate areas instead of failing
    assert geo.region_geometries(profile, tmp_path).approximate


def test_approximate_areas_without_boundary_files(tmp_path):
    profile = load_profile("kota_tangerang")
    shapes = geo.region_geometries(profile, None)
    assert shapes.approximate
    assert len(shapes.kecamatan) == 13 and len(shapes.kelurahan) == 104
    lats = np.array([kel.centroid[0] for _, kel in profile.kelurahan])
    lons = np.array([kel.centroid[1] for _, kel in profile.kelurahan])
    assert list(geo.assign_points(lats, lons, shapes.kelurahan)) == [kel.code for _, kel in profile.kelurahan]
    assert list(geo.assign_points(lats, lons, shapes.kecamatan)) == [kec.code for kec, _ in profile.kelurahan]
    # the cells tile the hull without overlapping
    total = shapes.kelurahan.to_crs(geo.METRIC_CRS).area.sum()
    union = shapes.kelurahan.to_crs(geo.METRIC_CRS).union_all().area
    assert total == pytest.approx(union, rel=1e-6)
    assert geo.region_geometries(profile, tmp_path / "nowhere").approximate


def test_random_points_stay_inside(shared_geo):
    profile = load_profile("kota_tangerang")
    shapes = geo.region_geometries(profile, shared_geo)
    polygon = shapes.kelurahan.geometry.iloc[0]
    lats, lons = geo.random_points_in(polygon, 500, np.random.default_rng(1))
    assert len(lats) == 500
    assert (geo.assign_points(lats, lons, shapes.kelurahan.iloc[[0]]) == shapes.kelurahan["code"].iloc[0]).all()
