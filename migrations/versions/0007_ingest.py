"""ingest: source keys, feeds, pull state, located_by

Revision ID: 0007
Revises: 0006
Each source says what it carries (``feed``: complaints, devices, kpis, indicators), which
decides the ingest endpoints its API keys may use; keys are stored hashed. A pulling
connector keeps how far it got in ``pull_state``. Complaints and devices say whether their
place came from their point or from a kecamatan's name. A refused record says what kind of
record it was, so the data steward can correct it and send it again.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FEEDS_BY_KIND = {"nvr_json": "devices", "probe": "devices", "zoneminder": "devices", "heartbeat": "devices"}


def upgrade() -> None:
    with op.batch_alter_table('sources') as batch:
        batch.add_column(sa.Column('feed', sa.String(length=16), server_default='complaints', nullable=False))
        batch.add_column(sa.Column('pull_state', sa.Text(), nullable=True))
    sources = sa.table('sources', sa.column('kind', sa.String), sa.column('key', sa.String), sa.column('feed', sa.String))
    for kind, feed in FEEDS_BY_KIND.items():
        op.execute(sources.update().where(sources.c.kind == kind).values(feed=feed))
    op.execute(sources.update().where(sources.c.kind == 'spreadsheet').values(
        feed=sa.case((sources.c.key.like('indicator%'), 'indicators'), else_='kpis')))
    op.create_table(
        'source_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_keys_source_id_sources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_source_keys')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_source_keys_key_hash')),
    )
    op.create_index(op.f('ix_source_keys_source_id'), 'source_keys', ['source_id'])
    for table in ('complaints', 'devices'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('located_by', sa.String(length=8), nullable=True))
    with op.batch_alter_table('rejected_records') as batch:
        batch.add_column(sa.Column('record_kind', sa.String(length=24), nullable=True))
        batch.add_column(sa.Column('resubmitted_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rejected_records') as batch:
        batch.drop_column('resubmitted_at')
        batch.drop_column('record_kind')
    for table in ('devices', 'complaints'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('located_by')
    op.drop_index(op.f('ix_source_keys_source_id'), table_name='source_keys')
    op.drop_table('source_keys')
    with op.batch_alter_table('sources') as batch:
        batch.drop_column('pull_state')
        batch.drop_column('feed')
