"""What the card says: issuer, card number and printed expiry on records, card photos, expiry as printed;
competency certificates

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certifications', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('expiry_as_printed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint('printed_expiry_needs_expiry', sa.text('NOT expiry_as_printed OR expires'))
    with op.batch_alter_table('certifications', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column('expiry_as_printed', server_default=None)
    with op.batch_alter_table('submissions', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('card_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('printed_expiration', sa.Date(), nullable=True))
    with op.batch_alter_table('attachments', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('card_side', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint('card_side_allowed', sa.text("card_side IN ('front', 'back')"))
        batch_op.create_check_constraint(
            'card_photo_on_record', sa.text("card_side IS NULL OR (kind = 'file' AND submission_id IS NOT NULL)"))
    op.create_table('competency_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_on IS NULL OR expires_on > completed_on', name=op.f('ck_competency_certificates_expires_after_completion')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_competency_certificates_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_competency_certificates_role_id_roles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competency_certificates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_certificates')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_competency_certificates_user_role', 'competency_certificates', ['user_id', 'role_id'], unique=False)


def downgrade():
    op.drop_index('ix_competency_certificates_user_role', table_name='competency_certificates')
    op.drop_table('competency_certificates')
    with op.batch_alter_table('attachments', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_card_photo_on_record'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_attachments_card_side_allowed'), type_='check')
        batch_op.drop_column('card_side')
    with op.batch_alter_table('submissions', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_column('printed_expiration')
        batch_op.drop_column('card_number')
    with op.batch_alter_table('certifications', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certifications_printed_expiry_needs_expiry'), type_='check')
        batch_op.drop_column('expiry_as_printed')
