"""Write a city profile's reference data into the database (idempotent).

Regions (with geometry), agencies, complaint categories, sources, KPI definitions and
indicators are upserted by their natural keys, so running it again after editing the
profile updates rows in place and never duplicates them.
"""
from __future__ import annotations

from pathlib import Path

import shapely
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cities import CityProfile
from data_sources import geo
from data_sources.models import Agency, ComplaintCategory, Indicator, KpiDefinition, Region, Source


def _upsert(session: Session, model, keys: dict, values: dict):
    row = session.scalars(select(model).filter_by(**keys)).one_or_none()
    if row is None:
        row = model(**keys, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def _geojson(geometry) -> str:
    return shapely.to_geojson(shapely.set_precision(geometry, 1e-6))


def sync_profile(engine: Engine, profile: CityProfile, boundaries_dir: Path | None = None) -> geo.RegionGeometry:
    """Upsert the profile's reference data; return the region geometry that was stored."""
    shapes = geo.region_geometries(profile, boundaries_dir)
    kec_geom = dict(zip(shapes.kecamatan["code"], shapes.kecamatan.geometry))
    kel_geom = dict(zip(shapes.kelurahan["code"], shapes.kelurahan.geometry))
    city = profile.code
    with Session(engine) as session, session.begin():
        for kec in profile.kecamatan:
            _upsert(session, Region, {"code": kec.code}, dict(
                city_code=city, name=kec.name, level="kecamatan", parent_code=city, population=kec.population,
                area_km2=kec.area_km2, centroid_lat=kec.centroid[0], centroid_lon=kec.centroid[1],
                geometry=_geojson(kec_geom[kec.code]), geometry_approximate=shapes.approximate))
            for kel in kec.kelurahan:
                _upsert(session, Region, {"code": kel.code}, dict(
                    city_code=city, name=kel.name, level="kelurahan", parent_code=kec.code, population=None,
                    area_km2=None, centroid_lat=kel.centroid[0], centroid_lon=kel.centroid[1],
                    geometry=_geojson(kel_geom[kel.code]), geometry_approximate=shapes.approximate))
        agencies = {
            a.code: _upsert(session, Agency, {"city_code": city, "code": a.code}, {"name": a.name, "name_en": a.name_en})
            for a in profile.agencies
        }
        session.flush()
        for c in profile.complaint_categories:
            _upsert(session, ComplaintCategory, {"city_code": city, "code": c.code}, dict(
                name_id=c.name_id, name_en=c.name_en, agency_id=agencies[c.agency].id,
                response_hours=c.response_hours, resolution_hours=c.resolution_hours,
                working_hours_only=c.working_hours_only, open311_service_code=c.code))
        for s in profile.sources:
            _upsert(session, Source, {"city_code": city, "key": s.key}, dict(
                name=s.name, name_en=s.name_en, kind=s.kind, feed=s.feed,
                freshness_budget_seconds=s.freshness_budget_seconds))
        for k in profile.kpis:
            _upsert(session, KpiDefinition, {"city_code": city, "code": k.code}, dict(
                name_id=k.name_id, name_en=k.name_en, unit=k.unit, unit_en=k.unit_en, target=k.target,
                direction=k.direction, period=k.period, agency_id=agencies[k.agency].id,
                amber=k.thresholds.amber if k.thresholds else None, dimension=k.dimension,
                sub_dimension=k.sub_dimension, stage=k.stage))
        for i in profile.indicators:
            _upsert(session, Indicator, {"city_code": city, "code": i.code}, dict(
                dimension=i.dimension, sub_dimension=i.sub_dimension, name_id=i.name_id, name_en=i.name_en,
                unit=i.unit, unit_en=i.unit_en, target=i.target, direction=i.direction, weight=i.weight))
    return shapes


def lookup_ids(engine: Engine, model, city_code: str, key: str = "code") -> dict[str, int]:
    """Map natural key -> id for one city's rows of a reference table."""
    with engine.connect() as conn:
        rows = conn.execute(select(getattr(model, key), model.id).where(model.city_code == city_code))
        return {k: i for k, i in rows}

