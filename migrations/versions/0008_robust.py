"""certification group names unique in any case within their folder, top level included

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02 06:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_certification_groups_folder_name', 'certification_groups',
                    [sa.text('coalesce(parent_id, 0)'), sa.text('lower(name)')], unique=True)


def downgrade():
    op.drop_index('uq_certification_groups_folder_name', table_name='certification_groups')
