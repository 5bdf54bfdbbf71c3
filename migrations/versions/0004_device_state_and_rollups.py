"""device state and roll-ups

Revision ID: 0004
Revises: 0003
Columns the device state rules keep (the newest sample of any state, flapping), and the
mark that makes uptime roll-ups incremental.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sample_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('flapping', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'device_rollup_marks',
        sa.Column('city_code', sa.String(length=8), nullable=False),
        sa.Column('rolled_until', sa.DateTime(), nullable=True),
        sa.Column('dirty_from', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('city_code', name=op.f('pk_device_rollup_marks')),
    )


def downgrade() -> None:
    op.drop_table('device_rollup_marks')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('flapping')
        batch_op.drop_column('last_sample_at')
