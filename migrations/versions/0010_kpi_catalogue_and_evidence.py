"""the KPI catalogue, the scorecard's sub-dimensions, evidence and the application portfolio

Revision ID: 0010
Revises: 0009
KPIs get their English unit, amber threshold, dimension, sub-dimension and programme stage;
their values who reported them, and corrections keep the replaced value; indicators their
English unit and weight; agencies and sources their English names; evidence items (documents
and links per section of the evaluators' outline) and the city's application portfolio.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('agencies', sa.Column('name_en', sa.String(length=200), nullable=True))
    op.add_column('sources', sa.Column('name_en', sa.String(length=200), nullable=True))
    op.add_column('kpi_definitions', sa.Column('unit_en', sa.String(length=32), nullable=True))
    op.add_column('kpi_definitions', sa.Column('amber', sa.Float(), nullable=True))
    op.add_column('kpi_definitions', sa.Column('dimension', sa.String(length=16), nullable=True))
    op.add_column('kpi_definitions', sa.Column('sub_dimension', sa.String(length=32), nullable=True))
    op.add_column('kpi_definitions', sa.Column('stage', sa.String(length=12), nullable=True))
    op.add_column('kpi_values', sa.Column('reported_by', sa.String(length=120), nullable=True))
    op.add_column('indicators', sa.Column('unit_en', sa.String(length=32), nullable=True))
    op.add_column('indicators', sa.Column('weight', sa.Float(), server_default='1', nullable=False))
    op.create_table(
        'kpi_value_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kpi_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('reported_at', sa.DateTime(), nullable=False),
        sa.Column('reported_by', sa.String(length=120), nullable=True),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['kpi_id'], ['kpi_definitions.id'], name=op.f('fk_kpi_value_revisions_kpi_id_kpi_definitions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_value_revisions')),
    )
    op.create_index('ix_kpi_value_revisions_kpi_period', 'kpi_value_revisions', ['kpi_id', 'period_start'])
    op.create_table(
        'evidence_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('section', sa.String(length=16), nullable=False),
        sa.Column('indicator_code', sa.String(length=64), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title_id', sa.String(length=300), nullable=False),
        sa.Column('title_en', sa.String(length=300), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('stored_name', sa.String(length=80), nullable=True),
        sa.Column('mime_type', sa.String(length=80), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('details', sa.Text(), nullable=True),
        sa.Column('demo', sa.Boolean(), nullable=False),
        sa.Column('added_by', sa.String(length=120), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_items')),
    )
    op.create_index('ix_evidence_items_city_section', 'evidence_items', ['city_code', 'section'])
    op.create_table(
        'applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('app_group', sa.String(length=16), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=500), nullable=True),
        sa.Column('sso_ready', sa.Boolean(), nullable=False),
        sa.Column('users_last_month', sa.Integer(), nullable=True),
        sa.Column('device_id', sa.Integer(), nullable=True),
        sa.Column('demo', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_applications_agency_id_agencies')),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_applications_device_id_devices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
        sa.UniqueConstraint('city_code', 'code', name=op.f('uq_applications_city_code')),
    )


def downgrade() -> None:
    op.drop_table('applications')
    op.drop_index('ix_evidence_items_city_section', table_name='evidence_items')
    op.drop_table('evidence_items')
    op.drop_index('ix_kpi_value_revisions_kpi_period', table_name='kpi_value_revisions')
    op.drop_table('kpi_value_revisions')
    with op.batch_alter_table('indicators') as batch:
        batch.drop_column('weight')
        batch.drop_column('unit_en')
    with op.batch_alter_table('kpi_values') as batch:
        batch.drop_column('reported_by')
    with op.batch_alter_table('kpi_definitions') as batch:
        for column in ('stage', 'sub_dimension', 'dimension', 'amber', 'unit_en'):
            batch.drop_column(column)
    with op.batch_alter_table('sources') as batch:
        batch.drop_column('name_en')
    with op.batch_alter_table('agencies') as batch:
        batch.drop_column('name_en')
