"""complaint roll-ups by local day

Revision ID: 0011
Revises: 0010
A year of complaints at a million rows cannot be counted from the raw rows within a page's
time; whole days are read from daily roll-ups (``rules.complaint_rollups``). The roll-ups
start empty: ``make rollups-rebuild`` (or the first ``make prepare`` / ``make run``) builds
them, and until then the pages count the raw rows.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'complaint_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kecamatan_id', sa.Integer(), nullable=True),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('answered_on_time', sa.Integer(), nullable=False),
        sa.Column('unanswered_due', sa.Integer(), nullable=False),
        sa.Column('resolved', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_daily')),
    )
    op.create_index('ix_complaint_daily_city_day', 'complaint_daily', ['city_code', 'day'])
    op.create_table(
        'complaint_daily_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('bin', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_daily_response')),
    )
    op.create_index('ix_complaint_daily_response_city_day', 'complaint_daily_response', ['city_code', 'day'])
    op.create_table(
        'complaint_rollup_marks',
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('city_code', name=op.f('pk_complaint_rollup_marks')),
    )
    op.create_index('ix_complaints_unanswered_due', 'complaints', ['city_code', 'response_due_at'],
                    sqlite_where=sa.text('first_response_at IS NULL'),
                    postgresql_where=sa.text('first_response_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_complaints_unanswered_due', table_name='complaints')
    op.drop_table('complaint_rollup_marks')
    op.drop_index('ix_complaint_daily_response_city_day', table_name='complaint_daily_response')
    op.drop_table('complaint_daily_response')
    op.drop_index('ix_complaint_daily_city_day', table_name='complaint_daily')
    op.drop_table('complaint_daily')
