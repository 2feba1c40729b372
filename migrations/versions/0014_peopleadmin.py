"""People administration: phone, employee number, invitations (notice kind invitation), erasure, photos

Revision ID: 0014
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed')
NEW_KINDS = (*OLD_KINDS, 'invitation')


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    # The unique employee number makes SQLite copy the table: keep its AUTOINCREMENT (migration 0007).
    with op.batch_alter_table('users', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('employee_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_employee_number'), ['employee_number'])

    op.create_table('user_photos',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=20), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_photos_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_photos'))
    )
    _allow_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notices WHERE kind = 'invitation'")
    _allow_kinds(OLD_KINDS)
    op.drop_table('user_photos')
    with op.batch_alter_table('users', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_employee_number'), type_='unique')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('employee_number')
        batch_op.drop_column('phone')
