"""Competency certificates' files

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competency_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['competency_certificates.id'], name=op.f('fk_competency_files_certificate_id_competency_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_competency_files_stored_file_id_stored_files'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_files')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('competency_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_files_certificate_id'), ['certificate_id'], unique=False)


def downgrade():
    with op.batch_alter_table('competency_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_files_certificate_id'))
    op.drop_table('competency_files')
