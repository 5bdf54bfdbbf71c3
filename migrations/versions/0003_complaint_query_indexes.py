"""complaint query indexes

Revision ID: 0003
Revises: 0002
The /complaints page at a million complaints: a covering index for the period queries
(replacing the plain city/received, agency/received and kecamatan/received indexes, which
tempted the planner into table lookups) and a partial index of open complaints.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN = "status IN ('received', 'assigned', 'responded', 'in_progress', 'reopened')"


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_city_received')
        batch_op.drop_index('ix_complaints_agency_received')
        batch_op.drop_index('ix_complaints_kecamatan_received')
        batch_op.create_index('ix_complaints_period', ['city_code', 'received_at', 'kecamatan_id', 'category_id',
                                                       'agency_id', 'status', 'first_response_at', 'response_due_at',
                                                       'reopened_at', 'lat', 'lon'], unique=False)
        batch_op.create_index('ix_complaints_open_state', ['city_code', 'kecamatan_id', 'category_id', 'agency_id',
                                                           'first_response_at', 'response_due_at', 'response_amber_at',
                                                           'status'], unique=False,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_open_state')
        batch_op.drop_index('ix_complaints_period')
        batch_op.create_index('ix_complaints_city_received', ['city_code', 'received_at'], unique=False)
        batch_op.create_index('ix_complaints_agency_received', ['agency_id', 'received_at'], unique=False)
        batch_op.create_index('ix_complaints_kecamatan_received', ['kecamatan_id', 'received_at'], unique=False)
