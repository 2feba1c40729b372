"""certification group names unique in any case within their folder, top level included;
one-time keys on comments and shared reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_certification_groups_folder_name', 'certification_groups',
                    [sa.text('coalesce(parent_id, 0)'), sa.text('lower(name)')], unique=True)
    for table in ('comments', 'shared_reports'):
        # SQLite rebuilds the table for the constraint: it keeps AUTOINCREMENT (0007) only when told.
        with op.batch_alter_table(table, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.add_column(sa.Column('idempotency_key', sa.String(length=80), nullable=True))
            batch_op.create_unique_constraint(f'uq_{table}_idempotency_key', ['idempotency_key'])


def downgrade():
    for table in ('comments', 'shared_reports'):
        with op.batch_alter_table(table, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.drop_constraint(f'uq_{table}_idempotency_key', type_='unique')
            batch_op.drop_column('idempotency_key')
    op.drop_index('uq_certification_groups_folder_name', table_name='certification_groups')
