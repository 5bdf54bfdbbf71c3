"""red-flag lists in order of receipt

Revision ID: 0015
Revises: 0014
The wall's and the page's red-flag lists take the oldest open, unanswered complaints past
their deadline; at a million complaints with 35,000 red flags, sorting them all for the first
twelve took most of the list's time. A partial index of open, unanswered complaints by
receipt time gives them in order.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WHERE = sa.text("status IN ('received', 'assigned', 'responded', 'in_progress', 'reopened') "
                "AND first_response_at IS NULL")


def upgrade() -> None:
    op.create_index('ix_complaints_open_unanswered', 'complaints', ['city_code', 'received_at'],
                    sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index('ix_complaints_open_unanswered', table_name='complaints')
