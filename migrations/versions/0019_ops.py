"""Scale: indexes for the status, expiration and pending lookups; the data version of the kept public pages

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

RECORD_ON_FILE = "status = 'approved' AND revoked_at IS NULL"
PENDING = "status = 'pending'"


def upgrade():
    # Status alone tells a planner too little (most rows are approved): the indexes below lead with what narrows.
    op.drop_index('ix_submissions_status', table_name='submissions')
    op.create_index('ix_submissions_user_status_certification', 'submissions', ['user_id', 'status', 'certification_id'])
    op.create_index('ix_submissions_pending', 'submissions', ['certification_id', 'user_id'],
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    op.create_index('ix_submissions_records_expiring', 'submissions', ['expires_on', 'certification_id'],
                    sqlite_where=sa.text(RECORD_ON_FILE), postgresql_where=sa.text(RECORD_ON_FILE))
    op.create_index('ix_role_assignments_role', 'role_assignments', ['role_id'])
    op.create_index('ix_direct_requirements_certification', 'direct_requirements', ['certification_id'])
    op.create_table('data_versions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('data_versions')
    op.drop_index('ix_direct_requirements_certification', table_name='direct_requirements')
    op.drop_index('ix_role_assignments_role', table_name='role_assignments')
    op.drop_index('ix_submissions_records_expiring', table_name='submissions')
    op.drop_index('ix_submissions_pending', table_name='submissions')
    op.drop_index('ix_submissions_user_status_certification', table_name='submissions')
    op.create_index('ix_submissions_status', 'submissions', ['status'])
