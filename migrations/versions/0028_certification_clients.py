"""The clients an Employee certification applies to (issue 21 part 7, decision 94)

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certification_clients',
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'], name=op.f('fk_certification_clients_certification_id_certifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['client_id'], ['entities.id'], name=op.f('fk_certification_clients_client_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certification_id', 'client_id', name=op.f('pk_certification_clients')),
    sqlite_autoincrement=True
    )
    op.create_index('ix_certification_clients_client', 'certification_clients', ['client_id'])


def downgrade():
    op.drop_index('ix_certification_clients_client', table_name='certification_clients')
    op.drop_table('certification_clients')
