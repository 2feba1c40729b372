"""A person's own time zone (users.time_zone, '' = the organisation's) and the notice kind
activity_required (a required-at-login activity, pushed to the person's phone)

Revision ID: 0025
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed', 'invitation',
             'revoked', 'restored', 'scheduled_report', 'entity_first_notice', 'entity_second_notice', 'entity_expired')
NEW_KINDS = (*OLD_KINDS, 'activity_required')


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    with op.batch_alter_table('users', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='', nullable=False))
    _allow_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notices WHERE kind = 'activity_required'")
    _allow_kinds(OLD_KINDS)
    with op.batch_alter_table('users', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('time_zone')
