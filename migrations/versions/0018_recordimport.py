"""Records remember the import that brought them in

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('import_job_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_import_job_id'), ['import_job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_import_job_id_import_jobs'), 'import_jobs',
                                    ['import_job_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('submissions', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_import_job_id_import_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submissions_import_job_id'))
        batch_op.drop_column('import_job_id')
