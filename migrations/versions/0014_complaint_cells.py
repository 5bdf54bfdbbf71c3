"""complaint roll-ups per map cell

Revision ID: 0014
Revises: 0013
The /complaints map of a year counts a million located complaints on a grid; whole days and
months are read from counts per cell. The marks are dropped so that the next ``make
prepare`` (or ``make rollups-rebuild``) rebuilds every level.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    for name, date_column in (('complaint_daily_cell', 'day'), ('complaint_monthly_cell', 'month')):
        op.create_table(
            name,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('city_code', sa.String(length=8), nullable=False),
            sa.Column(date_column, sa.Date(), nullable=False),
            sa.Column('row', sa.Integer(), nullable=False),
            sa.Column('col', sa.Integer(), nullable=False),
            sa.Column('n', sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        )
        op.create_index(f'ix_{name}_city_{date_column}', name, ['city_code', date_column])
    op.execute("DELETE FROM complaint_rollup_marks")


def downgrade() -> None:
    for name, date_column in (('complaint_monthly_cell', 'month'), ('complaint_daily_cell', 'day')):
        op.drop_index(f'ix_{name}_city_{date_column}', table_name=name)
        op.drop_table(name)
