"""complaint flags by time

Revision ID: 0006
Revises: 0005
The briefing counts red flags raised in a period (level and flagged_at); without an index
that is a scan of every flag ever raised.

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_complaint_flags_level_flagged', 'complaint_flags', ['level', 'flagged_at'])


def downgrade() -> None:
    op.drop_index('ix_complaint_flags_level_flagged', table_name='complaint_flags')
