"""The same Alembic migrations build the models' schema on SQLite and PostgreSQL, and undo it."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from data_sources.migrate import downgrade, upgrade
from data_sources.models import Base

EXPECTED_TABLES = {
    "regions", "agencies", "complaint_categories", "complaints", "complaint_events", "complaint_flags", "devices",
    "device_samples", "device_state_changes", "maintenance_windows", "device_uptime_hourly", "device_uptime_daily",
    "kpi_definitions", "kpi_values", "indicators", "indicator_values", "sources", "source_runs", "rejected_records",
}


def test_upgrade_matches_models_and_downgrade_removes_everything(any_url):
    upgrade(any_url)
    engine = create_engine(any_url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert EXPECTED_TABLES <= tables
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            assert diff == []
            uniques = {tuple(u["column_names"]) for u in inspect(conn).get_unique_constraints("complaints")}
            assert ("source_id", "external_id") in uniques
        upgrade(any_url)  # a second upgrade is a no-op
        downgrade(any_url, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
