"""People in name order: an index for the paged lists (Matrix, Reports, Users), so their first screen reads
the first rows of the index instead of sorting everyone in reach

Revision ID: 0031
Revises: 0028
"""
from alembic import op


revision = '0031'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_name_order', 'users', ['last_name', 'first_name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_users_name_order', table_name='users')
