"""initial schema

Revision ID: 0001
Revises: 
Timestamps are naive UTC (see data_sources.types.UTCDateTime).

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""

    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('city_code', 'code', name=op.f('uq_agencies_city_code'))
    )
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('sub_dimension', sa.String(length=120), nullable=False),
    sa.Column('name_id', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('city_code', 'code', name=op.f('uq_indicators_city_code'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('centroid_lat', sa.Float(), nullable=False),
    sa.Column('centroid_lon', sa.Float(), nullable=False),
    sa.Column('geometry', sa.Text(), nullable=True),
    sa.Column('geometry_approximate', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_city_code'), ['city_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('freshness_budget_seconds', sa.Integer(), nullable=False),
    sa.Column('config', sa.Text(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('city_code', 'key', name=op.f('uq_sources_city_code'))
    )
    op.create_table('complaint_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_id', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('response_hours', sa.Float(), nullable=False),
    sa.Column('resolution_hours', sa.Float(), nullable=False),
    sa.Column('working_hours_only', sa.Boolean(), nullable=False),
    sa.Column('open311_service_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_complaint_categories_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_categories')),
    sa.UniqueConstraint('city_code', 'code', name=op.f('uq_complaint_categories_city_code'))
    )
    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('site_type', sa.String(length=32), nullable=True),
    sa.Column('kecamatan_id', sa.Integer(), nullable=True),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('host', sa.String(length=200), nullable=True),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('check_url', sa.String(length=500), nullable=True),
    sa.Column('check_method', sa.String(length=8), nullable=False),
    sa.Column('expected_interval_seconds', sa.Integer(), nullable=False),
    sa.Column('uptime_target', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('state_since', sa.DateTime(), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.Column('installed_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['kecamatan_id'], ['regions.id'], name=op.f('fk_devices_kecamatan_id_regions')),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['regions.id'], name=op.f('fk_devices_kelurahan_id_regions')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_devices_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('source_id', 'external_id', name=op.f('uq_devices_source_id'))
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index('ix_devices_city_kind_state', ['city_code', 'kind', 'state'], unique=False)

    op.create_table('indicator_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_values_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_indicator_values_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_values')),
    sa.UniqueConstraint('indicator_id', 'year', name=op.f('uq_indicator_values_indicator_id'))
    )
    op.create_table('kpi_definitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_id', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_kpi_definitions_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_definitions')),
    sa.UniqueConstraint('city_code', 'code', name=op.f('uq_kpi_definitions_city_code'))
    )
    op.create_table('source_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rows_received', sa.Integer(), nullable=False),
    sa.Column('rows_accepted', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_runs_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_runs'))
    )
    with op.batch_alter_table('source_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_runs_source_id'), ['source_id'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_code', sa.String(length=8), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('kecamatan_id', sa.Integer(), nullable=True),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('media_url', sa.String(length=500), nullable=True),
    sa.Column('reporter_name', sa.String(length=200), nullable=True),
    sa.Column('reporter_phone', sa.String(length=32), nullable=True),
    sa.Column('reporter_email', sa.String(length=200), nullable=True),
    sa.Column('reporter_nik', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('first_response_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('response_due_at', sa.DateTime(), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_complaints_agency_id_agencies')),
    sa.ForeignKeyConstraint(['category_id'], ['complaint_categories.id'], name=op.f('fk_complaints_category_id_complaint_categories')),
    sa.ForeignKeyConstraint(['kecamatan_id'], ['regions.id'], name=op.f('fk_complaints_kecamatan_id_regions')),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['regions.id'], name=op.f('fk_complaints_kelurahan_id_regions')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_complaints_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('source_id', 'external_id', name=op.f('uq_complaints_source_id'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index('ix_complaints_agency_received', ['agency_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_complaints_city_received', ['city_code', 'received_at'], unique=False)
        batch_op.create_index('ix_complaints_city_status_due', ['city_code', 'status', 'response_due_at'], unique=False)
        batch_op.create_index('ix_complaints_kecamatan_received', ['kecamatan_id', 'received_at'], unique=False)

    op.create_table('device_samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_samples_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_samples'))
    )
    with op.batch_alter_table('device_samples', schema=None) as batch_op:
        batch_op.create_index('ix_device_samples_at', ['at'], unique=False)
        batch_op.create_index('ix_device_samples_device_at', ['device_id', 'at'], unique=False)

    op.create_table('device_state_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=True),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_state_changes_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_state_changes'))
    )
    with op.batch_alter_table('device_state_changes', schema=None) as batch_op:
        batch_op.create_index('ix_device_state_changes_device_at', ['device_id', 'at'], unique=False)

    op.create_table('device_uptime_daily',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('samples', sa.Integer(), nullable=False),
    sa.Column('up_seconds', sa.Float(), nullable=False),
    sa.Column('degraded_seconds', sa.Float(), nullable=False),
    sa.Column('known_seconds', sa.Float(), nullable=False),
    sa.Column('maintenance_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_uptime_daily_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id', 'day', name=op.f('pk_device_uptime_daily'))
    )
    with op.batch_alter_table('device_uptime_daily', schema=None) as batch_op:
        batch_op.create_index('ix_device_uptime_daily_day', ['day'], unique=False)

    op.create_table('device_uptime_hourly',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('samples', sa.Integer(), nullable=False),
    sa.Column('up_seconds', sa.Float(), nullable=False),
    sa.Column('degraded_seconds', sa.Float(), nullable=False),
    sa.Column('known_seconds', sa.Float(), nullable=False),
    sa.Column('maintenance_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_device_uptime_hourly_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id', 'hour', name=op.f('pk_device_uptime_hourly'))
    )
    with op.batch_alter_table('device_uptime_hourly', schema=None) as batch_op:
        batch_op.create_index('ix_device_uptime_hourly_hour', ['hour'], unique=False)

    op.create_table('kpi_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_kpi_values_kpi_id_kpi_definitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_kpi_values_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_values')),
    sa.UniqueConstraint('kpi_id', 'period_start', name=op.f('uq_kpi_values_kpi_id'))
    )
    op.create_table('maintenance_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_maintenance_windows_device_id_devices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_windows'))
    )
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_windows_device_id'), ['device_id'], unique=False)

    op.create_table('rejected_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['source_runs.id'], name=op.f('fk_rejected_records_run_id_source_runs')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_rejected_records_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejected_records'))
    )
    with op.batch_alter_table('rejected_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rejected_records_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rejected_records_source_id'), ['source_id'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_complaint_events_agency_id_agencies')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_events_complaint_at', ['complaint_id', 'at'], unique=False)

    op.create_table('complaint_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('flagged_at', sa.DateTime(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_flags_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_flags'))
    )
    with op.batch_alter_table('complaint_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_flags_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index('ix_complaint_flags_open', ['level', 'cleared_at'], unique=False)




def downgrade() -> None:
    """Downgrade schema."""

    with op.batch_alter_table('complaint_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_flags_open')
        batch_op.drop_index(batch_op.f('ix_complaint_flags_complaint_id'))

    op.drop_table('complaint_flags')
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_events_complaint_at')

    op.drop_table('complaint_events')
    with op.batch_alter_table('rejected_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejected_records_source_id'))
        batch_op.drop_index(batch_op.f('ix_rejected_records_run_id'))

    op.drop_table('rejected_records')
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_windows_device_id'))

    op.drop_table('maintenance_windows')
    op.drop_table('kpi_values')
    with op.batch_alter_table('device_uptime_hourly', schema=None) as batch_op:
        batch_op.drop_index('ix_device_uptime_hourly_hour')

    op.drop_table('device_uptime_hourly')
    with op.batch_alter_table('device_uptime_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_device_uptime_daily_day')

    op.drop_table('device_uptime_daily')
    with op.batch_alter_table('device_state_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_device_state_changes_device_at')

    op.drop_table('device_state_changes')
    with op.batch_alter_table('device_samples', schema=None) as batch_op:
        batch_op.drop_index('ix_device_samples_device_at')
        batch_op.drop_index('ix_device_samples_at')

    op.drop_table('device_samples')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_kecamatan_received')
        batch_op.drop_index('ix_complaints_city_status_due')
        batch_op.drop_index('ix_complaints_city_received')
        batch_op.drop_index(batch_op.f('ix_complaints_category_id'))
        batch_op.drop_index('ix_complaints_agency_received')

    op.drop_table('complaints')
    with op.batch_alter_table('source_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_runs_source_id'))

    op.drop_table('source_runs')
    op.drop_table('kpi_definitions')
    op.drop_table('indicator_values')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index('ix_devices_city_kind_state')

    op.drop_table('devices')
    op.drop_table('complaint_categories')
    op.drop_table('sources')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))
        batch_op.drop_index(batch_op.f('ix_regions_city_code'))

    op.drop_table('regions')
    op.drop_table('indicators')
    op.drop_table('agencies')

