"""complaint alerts: bursts found by the early-warning detector

Revision ID: 0012
Revises: 0011

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'complaint_alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('region_ids', sa.String(length=200), nullable=False),
        sa.Column('window_hours', sa.Float(), nullable=False),
        sa.Column('observed', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Float(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('last_score', sa.Float(), nullable=False),
        sa.Column('raised_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('cleared_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['category_id'], ['complaint_categories.id'],
                                name=op.f('fk_complaint_alerts_category_id_complaint_categories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_alerts')),
    )
    op.create_index('ix_complaint_alerts_city_cleared', 'complaint_alerts', ['city_code', 'cleared_at'])
    op.create_index('ix_complaint_alerts_city_raised', 'complaint_alerts', ['city_code', 'raised_at'])


def downgrade() -> None:
    op.drop_index('ix_complaint_alerts_city_raised', table_name='complaint_alerts')
    op.drop_index('ix_complaint_alerts_city_cleared', table_name='complaint_alerts')
    op.drop_table('complaint_alerts')
