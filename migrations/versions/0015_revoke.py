"""Revoke and restore records: notice kinds revoked and restored

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed', 'invitation')
NEW_KINDS = (*OLD_KINDS, 'revoked', 'restored')


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    _allow_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notices WHERE kind IN ('revoked', 'restored')")
    _allow_kinds(OLD_KINDS)
