"""device uptime groups

Revision ID: 0005
Revises: 0004
Roll-ups per kind, kecamatan and site type (hourly and daily), which the device pages read,
filled from the existing device roll-ups.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TOTALS = ("samples", "up_seconds", "degraded_seconds", "known_seconds", "maintenance_seconds")


def _columns(time_column: sa.Column) -> list:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        time_column,
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('kecamatan_id', sa.Integer(), nullable=True),
        sa.Column('site_type', sa.String(length=32), nullable=True),
        sa.Column('devices', sa.Integer(), nullable=False),
        sa.Column('samples', sa.Integer(), nullable=False),
        sa.Column('up_seconds', sa.Float(), nullable=False),
        sa.Column('degraded_seconds', sa.Float(), nullable=False),
        sa.Column('known_seconds', sa.Float(), nullable=False),
        sa.Column('maintenance_seconds', sa.Float(), nullable=False),
    ]


def _backfill(table: str, source: str, time_column: str, extra: str = "") -> None:
    sums = ", ".join(f"sum(r.{name})" for name in TOTALS)
    op.execute(f"""
        INSERT INTO {table} (city_code, kind, kecamatan_id, site_type, {time_column}, devices, {", ".join(TOTALS)}
                             {", devices_mostly_down" if extra else ""})
        SELECT d.city_code, d.kind, d.kecamatan_id, d.site_type, r.{time_column}, count(*), {sums} {extra}
        FROM {source} r JOIN devices d ON d.id = r.device_id
        GROUP BY d.city_code, d.kind, d.kecamatan_id, d.site_type, r.{time_column}""")


def upgrade() -> None:
    op.create_table('device_uptime_group_hourly', *_columns(sa.Column('hour', sa.DateTime(), nullable=False)),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_uptime_group_hourly')))
    op.create_index('ix_device_uptime_group_hourly_city_hour', 'device_uptime_group_hourly',
                    ['city_code', 'hour', 'kind'], unique=False)
    op.create_table('device_uptime_group_daily', *_columns(sa.Column('day', sa.Date(), nullable=False)),
                    sa.Column('devices_mostly_down', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_uptime_group_daily')))
    op.create_index('ix_device_uptime_group_daily_city_day', 'device_uptime_group_daily',
                    ['city_code', 'day', 'kind'], unique=False)
    _backfill('device_uptime_group_hourly', 'device_uptime_hourly', 'hour')
    _backfill('device_uptime_group_daily', 'device_uptime_daily', 'day',
              ", sum(CASE WHEN r.known_seconds > 0 AND r.up_seconds < r.known_seconds * 0.5 THEN 1 ELSE 0 END)")


def downgrade() -> None:
    op.drop_index('ix_device_uptime_group_daily_city_day', table_name='device_uptime_group_daily')
    op.drop_table('device_uptime_group_daily')
    op.drop_index('ix_device_uptime_group_hourly_city_hour', table_name='device_uptime_group_hourly')
    op.drop_table('device_uptime_group_hourly')
