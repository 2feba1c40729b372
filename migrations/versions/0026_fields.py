"""Valid When Added (decision 80); forms required to certify as a list (decision 81): the certification's
one form moves into certification_forms at position 1

Revision ID: 0026
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade():
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('valid_when_added', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.alter_column('valid_when_added', server_default=None)
    op.create_table('certification_forms',
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position > 0', name=op.f('ck_certification_forms_position_positive')),
    sa.ForeignKeyConstraint(['certification_id'], ['certifications.id'], name=op.f('fk_certification_forms_certification_id_certifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_certification_forms_form_id_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certification_id', 'form_id', name=op.f('pk_certification_forms')),
    sa.UniqueConstraint('certification_id', 'position', name='uq_certification_forms_position'),
    sqlite_autoincrement=True
    )
    op.execute("INSERT INTO certification_forms (certification_id, form_id, position)"
               " SELECT id, form_id, 1 FROM certifications WHERE form_id IS NOT NULL")
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certifications_form_id_forms'), type_='foreignkey')
        batch_op.drop_column('form_id')


def downgrade():
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('form_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certifications_form_id_forms'), 'forms', ['form_id'], ['id'],
                                    ondelete='SET NULL')
    # The list keeps its first form, the one a certification could hold before.
    op.execute("UPDATE certifications SET form_id = (SELECT form_id FROM certification_forms"
               " WHERE certification_forms.certification_id = certifications.id AND position ="
               " (SELECT MIN(position) FROM certification_forms AS first"
               " WHERE first.certification_id = certifications.id))")
    op.drop_table('certification_forms')
    with op.batch_alter_table('certifications', schema=None, table_kwargs=AUTOINCREMENT) as batch_op:
        batch_op.drop_column('valid_when_added')
