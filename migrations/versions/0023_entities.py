"""Assets, clients and job locations: entities, their certification associations, records and files (issue 21)

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('identifier', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('qr_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('asset', 'client', 'location')", name=op.f('ck_entities_kind_allowed')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_entities_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities')),
    sa.UniqueConstraint('qr_token', name=op.f('uq_entities_qr_token')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index('ix_entities_kind_name', ['kind', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_owner_id'), ['owner_id'], unique=False)
    op.create_index('uq_entities_kind_identifier', 'entities', ['kind', sa.text('lower(identifier)')], unique=True)

    op.create_table('entity_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoked_reason IS NULL)', name=op.f('ck_entity_requirements_revocation_has_reason')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_entity_requirements_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'], name=op.f('fk_entity_requirements_certification_id_certifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_requirements_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_entity_requirements_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_requirements')),
    sa.UniqueConstraint('entity_id', 'certification_id', name='uq_entity_requirements_entity_certification'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('entity_requirements', schema=None) as batch_op:
        batch_op.create_index('ix_entity_requirements_certification', ['certification_id', 'entity_id'], unique=False)

    op.create_table('entity_tags',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_tags_entity_id_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_entity_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', 'tag_id', name=op.f('pk_entity_tags')),
    sqlite_autoincrement=True
    )
    op.create_table('entity_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('expiration_explanation', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_on IS NULL OR expires_on >= completed_on', name=op.f('ck_entity_records_expires_after_completion')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_entity_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requirement_id'], ['entity_requirements.id'], name=op.f('fk_entity_records_requirement_id_entity_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_records')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('entity_records', schema=None) as batch_op:
        batch_op.create_index('ix_entity_records_requirement_completed', ['requirement_id', 'completed_on'], unique=False)

    op.create_table('entity_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_entity_attachments_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['entity_records.id'], name=op.f('fk_entity_attachments_record_id_entity_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_entity_attachments_stored_file_id_stored_files'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_attachments')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('entity_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_attachments_record_id'), ['record_id'], unique=False)



def downgrade():
    with op.batch_alter_table('entity_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_attachments_record_id'))

    op.drop_table('entity_attachments')
    with op.batch_alter_table('entity_records', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_records_requirement_completed')

    op.drop_table('entity_records')
    op.drop_table('entity_tags')
    with op.batch_alter_table('entity_requirements', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_requirements_certification')

    op.drop_table('entity_requirements')
    op.drop_index('uq_entities_kind_identifier', table_name='entities')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_owner_id'))
        batch_op.drop_index('ix_entities_kind_name')

    op.drop_table('entities')
