"""complaint roll-ups by month, and by category and hour

Revision ID: 0013
Revises: 0012
A year of daily roll-ups is still hundreds of thousands of rows at a million complaints; a
period's whole months are read from monthly roll-ups, and the trends by hour and the early
warning's city-wide rhythm from counts per category and local hour. The marks are dropped so
that the next ``make prepare`` (or ``make rollups-rebuild``) rebuilds every level; until then
the pages read the raw rows.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FIGURES = ('received', 'answered', 'answered_on_time', 'unanswered_due', 'resolved')


def _table(name: str, date_column: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column(date_column, sa.Date(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    )
    op.create_index(f'ix_{name}_city_{date_column}', name, ['city_code', date_column])


def upgrade() -> None:
    _table('complaint_monthly', 'month',
           sa.Column('kecamatan_id', sa.Integer(), nullable=True), sa.Column('category_id', sa.Integer(), nullable=False),
           sa.Column('agency_id', sa.Integer(), nullable=True), sa.Column('status', sa.String(length=16), nullable=False),
           *[sa.Column(figure, sa.Integer(), nullable=False) for figure in FIGURES])
    _table('complaint_monthly_response', 'month', sa.Column('agency_id', sa.Integer(), nullable=True),
           sa.Column('bin', sa.Integer(), nullable=False), sa.Column('n', sa.Integer(), nullable=False))
    for name, date_column in (('complaint_daily_hour', 'day'), ('complaint_monthly_hour', 'month')):
        _table(name, date_column, sa.Column('category_id', sa.Integer(), nullable=False),
               sa.Column('hour', sa.Integer(), nullable=False), sa.Column('n', sa.Integer(), nullable=False))
    op.execute("DELETE FROM complaint_rollup_marks")


def downgrade() -> None:
    for name, date_column in (('complaint_monthly_hour', 'month'), ('complaint_daily_hour', 'day'),
                              ('complaint_monthly_response', 'month'), ('complaint_monthly', 'month')):
        op.drop_index(f'ix_{name}_city_{date_column}', table_name=name)
        op.drop_table(name)
