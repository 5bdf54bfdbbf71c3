"""complaint flag lookup by complaint

Revision ID: 0009
Revises: 0008
The flag refresh of an ingest batch asks "is this flag already raised?" and "which of these
complaints' flags are still open?" by complaint; with only (level, flagged_at) and
(level, cleared_at) indexes that look-up grows with the flag table.

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_complaint_flags_complaint_level_flagged', 'complaint_flags',
                    ['complaint_id', 'level', 'flagged_at'])


def downgrade() -> None:
    op.drop_index('ix_complaint_flags_complaint_level_flagged', table_name='complaint_flags')
