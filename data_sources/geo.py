"""Region geometry: real boundary files when a directory is set, approximate areas otherwise.

Boundary files are read with geopandas in any format it reads (GeoJSON, GeoPackage,
Shapefile). They join to the profile by the official Kemendagri code. Without them, areas
are Voronoi cells around the kelurahan centroids clipped to a buffered hull, and kecamatan
are the union of their kelurahan cells: good enough to place and count, labelled approximate.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint

from cities import CityProfile

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
METRIC_CRS = "EPSG:32748"  # UTM 48S covers the Jabodetabek cities
READABLE_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".fgb")
HULL_BUFFER_M = 900.0


class BoundaryError(ValueError):
    """A boundary file is missing, unreadable, or does not match the profile's codes."""


@dataclass(frozen=True)
class RegionGeometry:
    kecamatan: gpd.GeoDataFrame  # columns: code, geometry (EPSG:4326)
    kelurahan: gpd.GeoDataFrame
    approximate: bool


def _expected_codes(profile: CityProfile, level: str) -> set[str]:
    if level == "kecamatan":
        return {k.code for k in profile.kecamatan}
    return {kel.code for _, kel in profile.kelurahan}


def _candidate_files(profile: CityProfile, directory: Path, level: str) -> list[Path]:
    named = profile.boundary_files.get(level)
    files = [directory / named] if named and (directory / named).exists() else []
    files += sorted(p for p in directory.iterdir() if p.suffix.lower() in READABLE_SUFFIXES and p not in files)
    return files


def load_boundaries(profile: CityProfile, directory: Path, level: str) -> gpd.GeoDataFrame:
    """Read the ``level`` polygons of ``profile`` from ``directory``; raise BoundaryError if
    no readable file there holds every expected code."""
    if not directory.is_dir():
        raise BoundaryError(f"Boundary directory {directory} does not exist")
    key = profile.boundary_files.get("code_property", "code")
    expected = _expected_codes(profile, level)
    problems = []
    for path in _candidate_files(profile, directory, level):
        try:
            frame = gpd.read_file(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, the next is tried
            problems.append(f"{path.name}: {exc}")
            continue
        if key not in frame.columns:
            continue
        frame = frame[frame[key].astype(str).isin(expected)]
        if frame.empty:
            continue
        missing = expected - set(frame[key].astype(str))
        if missing:
            problems.append(f"{path.name}: missing {len(missing)} codes, e.g. {sorted(missing)[:3]}")
            continue
        frame = frame.to_crs(WGS84) if frame.crs is not None else frame.set_crs(WGS84)
        frame = frame.rename(columns={key: "code"})[["code", "geometry"]]
        frame["geometry"] = shapely.make_valid(frame.geometry.values)
        return frame.dissolve(by="code", as_index=False)[["code", "geometry"]]
    detail = "; ".join(problems) or "no file with a matching code column"
    raise BoundaryError(f"No {level} boundaries for {profile.name} in {directory}: {detail}")


def approximate_regions(profile: CityProfile) -> RegionGeometry:
    """Voronoi cells around kelurahan centroids, clipped to the buffered hull of all centroids."""
    codes = [kel.code for _, kel in profile.kelurahan]
    points = gpd.GeoSeries(
        gpd.points_from_xy([k.centroid[1] for _, k in profile.kelurahan], [k.centroid[0] for _, k in profile.kelurahan]),
        crs=WGS84,
    ).to_crs(METRIC_CRS)
    hull = MultiPoint(list(points.values)).convex_hull.buffer(HULL_BUFFER_M)
    cells = shapely.voronoi_polygons(MultiPoint(list(points.values)), extend_to=hull)
    cells = gpd.GeoSeries(list(cells.geoms), crs=METRIC_CRS)
    # voronoi_polygons does not keep input order: match each cell to the point inside it
    order = cells.sindex.query(points, predicate="within")
    cell_for_point = dict(zip(order[0], order[1]))
    kel = gpd.GeoDataFrame(
        {"code": codes}, geometry=[cells.iloc[cell_for_point[i]].intersection(hull) for i in range(len(codes))], crs=METRIC_CRS
    )
    kel["kecamatan_code"] = kel["code"].str.slice(0, 8)
    kec = kel.dissolve(by="kecamatan_code", as_index=False)[["kecamatan_code", "geometry"]].rename(
        columns={"kecamatan_code": "code"}
    )
    return RegionGeometry(kecamatan=kec.to_crs(WGS84), kelurahan=kel[["code", "geometry"]].to_crs(WGS84), approximate=True)


def region_geometries(profile: CityProfile, directory: Path | None) -> RegionGeometry:
    """Real boundaries when ``directory`` holds them for both levels, else approximate ones."""
    if directory is not None:
        try:
            return RegionGeometry(
                kecamatan=load_boundaries(profile, Path(directory), "kecamatan"),
                kelurahan=load_boundaries(profile, Path(directory), "kelurahan"),
                approximate=False,
            )
        except BoundaryError as exc:
            log.warning("%s; using approximate areas instead", exc)
    return approximate_regions(profile)


def assign_points(lats, lons, regions: gpd.GeoDataFrame) -> np.ndarray:
    """The code of the region containing each point (None outside every region)."""
    points = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=WGS84)
    point_idx, region_idx = regions.sindex.query(points, predicate="within")
    result = np.full(len(points), None, dtype=object)
    result[point_idx] = regions["code"].to_numpy()[region_idx]
    return result


def random_points_in(geometry, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` uniformly random (lat, lon) points inside a polygon, by rejection sampling."""
    minx, miny, maxx, maxy = geometry.bounds
    shapely.prepare(geometry)
    lats, lons = np.empty(0), np.empty(0)
    while len(lats) < count:
        need = max(16, int((count - len(lats)) * 2.5))
        xs = rng.uniform(minx, maxx, need)
        ys = rng.uniform(miny, maxy, need)
        inside = shapely.contains_xy(geometry, xs, ys)
        lons = np.concatenate([lons, xs[inside]])
        lats = np.concatenate([lats, ys[inside]])
    return lats[:count], lons[:count]


def neighbours(geometries: dict[int, object], tolerance_degrees: float = 0.0005) -> dict[int, set[int]]:
    """Which regions border which: regions whose areas touch or lie within ``tolerance_degrees``
    (about 50 m; boundary files drawn separately leave slivers between neighbours)."""
    ids = list(geometries)
    shapes = [geometries[i] for i in ids]
    tree = shapely.STRtree(shapes)
    found: dict[int, set[int]] = {i: set() for i in ids}
    for position, geometry in enumerate(shapes):
        for other in tree.query(geometry.buffer(tolerance_degrees), predicate="intersects"):
            if int(other) != position:
                found[ids[position]].add(ids[int(other)])
    return found
