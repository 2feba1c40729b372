"""Entity notices (kinds entity_first_notice, entity_second_notice, entity_expired, keyed on the entity);
what a job location requires of the people working there, and who works there (issue 21 parts 6 and 8)

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset', 'account_changed', 'invitation',
             'revoked', 'restored', 'scheduled_report')
ENTITY_KINDS = ('entity_first_notice', 'entity_second_notice', 'entity_expired')
NEW_KINDS = (*OLD_KINDS, *ENTITY_KINDS)
ENTITY_KINDS_SQL = f"kind IN ({', '.join(repr(k) for k in ENTITY_KINDS)})"


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    _allow_kinds(NEW_KINDS)
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column('entity_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notices_entity_id_entities'), 'entities', ['entity_id'], ['id'],
                                    ondelete='CASCADE')
    op.create_index('uq_notices_entity_stage_recipient', 'notices',
                    ['kind', 'entity_id', 'certification_id', 'expiration_date', 'recipient_email'], unique=True,
                    sqlite_where=sa.text(ENTITY_KINDS_SQL), postgresql_where=sa.text(ENTITY_KINDS_SQL))
    op.create_table('job_location_certifications',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'], name=op.f('fk_job_location_certifications_certification_id_certifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['entities.id'], name=op.f('fk_job_location_certifications_location_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'certification_id', name=op.f('pk_job_location_certifications')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_job_location_certifications_certification', 'job_location_certifications', ['certification_id'])
    op.create_table('job_location_workers',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['entities.id'], name=op.f('fk_job_location_workers_location_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_job_location_workers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'user_id', name=op.f('pk_job_location_workers')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_job_location_workers_user', 'job_location_workers', ['user_id'])


def downgrade():
    op.drop_index('ix_job_location_workers_user', table_name='job_location_workers')
    op.drop_table('job_location_workers')
    op.drop_index('ix_job_location_certifications_certification', table_name='job_location_certifications')
    op.drop_table('job_location_certifications')
    op.drop_index('uq_notices_entity_stage_recipient', table_name='notices')
    with op.batch_alter_table('notices', schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notices_entity_id_entities'), type_='foreignkey')
        batch_op.drop_column('entity_id')
    op.execute(f"DELETE FROM notices WHERE {ENTITY_KINDS_SQL}")
    _allow_kinds(OLD_KINDS)
