"""Revoke and restore records (notice kinds revoked and restored); the audit trail page: each entry's
person and certification; archived certifications, roles and companies

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed', 'invitation')
NEW_KINDS = (*OLD_KINDS, 'revoked', 'restored')

ARCHIVABLE = ('certifications', 'roles', 'companies')

# Entries written before this migration: the person and certification their object names.
BACKFILL = (
    "UPDATE audit_entries SET subject_user_id = CAST(entity_id AS INTEGER)"
    " WHERE entity_type = 'User' AND entity_id <> '' AND EXISTS (SELECT 1 FROM users WHERE CAST(users.id AS VARCHAR(60)) = audit_entries.entity_id)",
    "UPDATE audit_entries SET certification_id = CAST(entity_id AS INTEGER)"
    " WHERE entity_type = 'Certification' AND entity_id <> '' AND EXISTS (SELECT 1 FROM certifications WHERE CAST(certifications.id AS VARCHAR(60)) = audit_entries.entity_id)",
    "UPDATE audit_entries SET"
    " subject_user_id = (SELECT user_id FROM submissions WHERE CAST(submissions.id AS VARCHAR(60)) = audit_entries.entity_id),"
    " certification_id = (SELECT certification_id FROM submissions WHERE CAST(submissions.id AS VARCHAR(60)) = audit_entries.entity_id)"
    " WHERE entity_type = 'Submission'",
)


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    _allow_kinds(NEW_KINDS)
    with op.batch_alter_table('audit_entries', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('subject_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('certification_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_subject_user_id'), ['subject_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_certification_id'), ['certification_id'], unique=False)
    for statement in BACKFILL:
        op.execute(statement)
    for table in ARCHIVABLE:
        with op.batch_alter_table(table, schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in ARCHIVABLE:
        with op.batch_alter_table(table, schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.drop_column('archived_at')
    with op.batch_alter_table('audit_entries', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_certification_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_subject_user_id'))
        batch_op.drop_column('certification_id')
        batch_op.drop_column('subject_user_id')
    op.execute("DELETE FROM notices WHERE kind IN ('revoked', 'restored')")
    _allow_kinds(OLD_KINDS)
