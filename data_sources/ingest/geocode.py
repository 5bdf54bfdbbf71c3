"""Where a record is: its kecamatan and kelurahan, from its point (point in polygon against the
city's regions, vectorised with shapely's STRtree, a batch at a time) or from the names it
gives (matched without case, spaces, punctuation or a "Kec."/"Kel." prefix).

A point outside the city is refused unless the record names a kecamatan of the city: it is then
placed by that kecamatan and marked ``located_by = "name"`` (the reporting app had a wrong
GPS fix, but the citizen said where). A record with names and no point is placed by its names.
The regions come from the ``regions`` table (``ingest.profile_sync`` wrote them); each process
keeps the polygons of the regions it last read, and reads them again when the table changes.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import Connection, func, select

from data_sources.models import Region

_PREFIX = re.compile(r"^(kecamatan|kelurahan|kec|kel|desa|ds)\b\.?\s*")
_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    """A place name as it is compared: 'Kec. Karang Tengah' -> 'karangtengah'."""
    text = _PREFIX.sub("", str(name).strip().lower())
    return _NOT_LETTERS.sub("", text)


@dataclass(frozen=True)
class Place:
    kecamatan_id: int | None
    kelurahan_id: int | None
    located_by: str | None  # point | name | None (not placed)
    lat: float | None = None
    lon: float | None = None


class Gazetteer:
    """One city's kecamatan and kelurahan: polygons for points, names for the rest."""

    def __init__(self, rows: list) -> None:
        self.kecamatan = {r.id: r for r in rows if r.level == "kecamatan"}
        self.kelurahan = {r.id: r for r in rows if r.level == "kelurahan"}
        by_code = {r.code: r.id for r in rows}
        self.parent = {r.id: by_code.get(r.parent_code) for r in self.kelurahan.values()}
        self._kec_names = {name_key(r.name): r.id for r in self.kecamatan.values()} | {
            r.code: r.id for r in self.kecamatan.values()}
        self._kel_names: dict[str, list[int]] = {}
        for r in self.kelurahan.values():
            for key in (name_key(r.name), r.code):
                self._kel_names.setdefault(key, []).append(r.id)
        shaped = [r for r in self.kelurahan.values() if r.geometry]
        self._kel_ids = np.array([r.id for r in shaped], dtype=np.int64)
        self._tree = shapely.STRtree(shapely.from_geojson([r.geometry for r in shaped])) if shaped else None

    def kecamatan_named(self, name: str | None) -> int | None:
        return self._kec_names.get(name_key(name)) if name else None

    def kelurahan_named(self, name: str | None, kecamatan_id: int | None = None) -> int | None:
        """A kelurahan by name or code; within ``kecamatan_id`` when given (names repeat across kecamatan)."""
        candidates = self._kel_names.get(name_key(name), []) if name else []
        if kecamatan_id is not None:
            candidates = [c for c in candidates if self.parent.get(c) == kecamatan_id]
        return candidates[0] if len(candidates) == 1 else None

    def kelurahan_at(self, lats, lons) -> np.ndarray:
        """The kelurahan id of each point (0 where it is in none), for whole arrays at once."""
        lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        found = np.zeros(len(lats), dtype=np.int64)
        usable = np.isfinite(lats) & np.isfinite(lons)
        if self._tree is None or not usable.any():
            return found
        points = shapely.points(lons[usable], lats[usable])
        point_index, polygon_index = self._tree.query(points, predicate="within")
        hits = found[usable]
        hits[point_index] = self._kel_ids[polygon_index]  # on a shared border, the last polygon wins
        found[usable] = hits
        return found

    def place(self, records: list[dict]) -> list[Place | str]:
        """The place of each record (keys ``lat``, ``lon``, ``kecamatan``, ``kelurahan``; any may be
        None), or the reason it cannot be placed, as text."""
        at = self.kelurahan_at([r.get("lat") if r.get("lat") is not None else np.nan for r in records],
                               [r.get("lon") if r.get("lon") is not None else np.nan for r in records])
        places: list[Place | str] = []
        for record, kelurahan in zip(records, at):
            lat, lon = record.get("lat"), record.get("lon")
            named_kec = self.kecamatan_named(record.get("kecamatan"))
            if record.get("kecamatan") and named_kec is None:
                places.append(f"kecamatan: {record['kecamatan']!r} is not a kecamatan of the city")
                continue
            if kelurahan:
                places.append(Place(self.parent[int(kelurahan)], int(kelurahan), "point", lat, lon))
            elif lat is not None and lon is not None:
                if named_kec is None:
                    places.append(f"lat/lon: the point ({lat}, {lon}) is outside the city")
                    continue
                places.append(self._by_name(record, named_kec))
            else:
                places.append(self._by_name(record, named_kec))
        return places

    def _by_name(self, record: dict, kecamatan_id: int | None) -> Place:
        kelurahan_id = self.kelurahan_named(record.get("kelurahan"), kecamatan_id)
        if kecamatan_id is None and kelurahan_id is not None:
            kecamatan_id = self.parent.get(kelurahan_id)
        if kecamatan_id is None:
            return Place(None, None, None)
        region = self.kelurahan.get(kelurahan_id) or self.kecamatan[kecamatan_id]
        return Place(kecamatan_id, kelurahan_id, "name", region.centroid_lat, region.centroid_lon)


_lock = threading.Lock()
_loaded: dict[tuple, Gazetteer] = {}


def gazetteer(conn: Connection, city_code: str) -> Gazetteer:
    """The city's gazetteer, read from the regions table again only when that table changed
    (reference data, the same for every user of the process: nothing per request is kept)."""
    signature = conn.execute(select(func.count(), func.max(Region.id), func.sum(func.length(Region.geometry)))
                             .where(Region.city_code == city_code)).one()
    key = (str(conn.engine.url), city_code, *signature)
    with _lock:
        if key not in _loaded:
            rows = conn.execute(select(Region.id, Region.code, Region.name, Region.level, Region.parent_code,
                                       Region.geometry, Region.centroid_lat, Region.centroid_lon)
                                .where(Region.city_code == city_code)).all()
            _loaded.clear()  # one city's regions at a time per process is what the app uses
            _loaded[key] = Gazetteer(rows)
        return _loaded[key]
