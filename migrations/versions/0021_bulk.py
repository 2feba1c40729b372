"""Scheduled reports (with one run per report and period) and the notice kind scheduled_report

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed', 'invitation',
             'revoked', 'restored')
NEW_KINDS = (*OLD_KINDS, 'scheduled_report')


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    op.create_table('scheduled_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.CheckConstraint("frequency IN ('weekly', 'monthly')", name=op.f('ck_scheduled_reports_frequency_allowed')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_scheduled_reports_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_reports')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_scheduled_reports_idempotency_key')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('scheduled_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_reports_owner_id'), ['owner_id'], unique=False)

    op.create_table('scheduled_report_recipients',
    sa.Column('scheduled_report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheduled_report_id'], ['scheduled_reports.id'], name=op.f('fk_scheduled_report_recipients_scheduled_report_id_scheduled_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scheduled_report_recipients_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('scheduled_report_id', 'user_id', name=op.f('pk_scheduled_report_recipients')),
    sqlite_autoincrement=True
    )
    op.create_table('scheduled_report_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('sent', 'not_sent')", name=op.f('ck_scheduled_report_runs_outcome_allowed')),
    sa.ForeignKeyConstraint(['report_id'], ['scheduled_reports.id'], name=op.f('fk_scheduled_report_runs_report_id_scheduled_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_report_runs')),
    sa.UniqueConstraint('report_id', 'period', name='uq_scheduled_report_runs_report_period'),
    sqlite_autoincrement=True
    )
    _allow_kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM notices WHERE kind = 'scheduled_report'")
    _allow_kinds(OLD_KINDS)
    op.drop_table('scheduled_report_runs')
    op.drop_table('scheduled_report_recipients')
    with op.batch_alter_table('scheduled_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_reports_owner_id'))
    op.drop_table('scheduled_reports')
