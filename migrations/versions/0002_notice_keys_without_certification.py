"""notices: a unique key for competency notices and digests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

WHERE = sa.text("kind IN ('competency', 'digest')")


def upgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('uq_notices_without_certification', ['kind', 'user_id', 'expiration_date', 'recipient_email'],
                              unique=True, sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('uq_notices_without_certification', sqlite_where=WHERE, postgresql_where=WHERE)
