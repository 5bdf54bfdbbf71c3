"""complaint flag cycle

Revision ID: 0002
Revises: 0001
Adds the amber threshold and the reopen cycle used by data_sources.rules.flags.

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_amber_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_complaints_city_updated', ['city_code', 'updated_at'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_city_updated')
        batch_op.drop_column('reopen_count')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('response_amber_at')


