"""activities: the learning system and course reference of an external course

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learning_integration_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('external_course_ref', sa.String(length=120), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certifications_learning_integration_id_learning_integrations'),
            'learning_integrations', ['learning_integration_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_certifications_learning_integration_id_learning_integrations'), type_='foreignkey'
        )
        batch_op.drop_column('external_course_ref')
        batch_op.drop_column('learning_integration_id')
