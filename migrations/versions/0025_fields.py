"""Valid When Added (decision 80)

Revision ID: 0025
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0021'
branch_labels = None
depends_on = None


AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('valid_when_added', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.alter_column('valid_when_added', server_default=None)


def downgrade():
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_column('valid_when_added')
