"""password resets held after an e-mail change; notice kind account_changed; no secret link kept in the outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:30:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

RESET_LINK = re.compile(r"https?://[^\s\"'<>]+/auth/reset-password/[A-Za-z0-9_.\-]+")
SHARED_REPORT_LINK = re.compile(r"https?://[^\s\"'<>]+/s/[A-Za-z0-9_\-]+")
SECRET_LINK = "[link removed]"
OLD_KINDS = ('first_notice', 'second_notice', 'expired', 'deferral_ended', 'training_ended', 'competency', 'digest',
             'declined', 'approved', 'notify', 'shared_report', 'password_reset')
NEW_KINDS = (*OLD_KINDS, 'account_changed')


def _allow_kinds(kinds):
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_notices_kind_allowed'), type_='check')
        batch_op.create_check_constraint('kind_allowed', sa.text(f"kind IN ({', '.join(repr(k) for k in kinds)})"))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_reset_held_until', sa.DateTime(timezone=True), nullable=True))
    _allow_kinds(NEW_KINDS)
    # Mail from before keeps its secret links: no reset link stays in the outbox (the sender makes a
    # fresh one for those still to send), nor a shared report link once sent.
    notices = sa.table('notices', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('status', sa.String), sa.column('body_text', sa.Text), sa.column('body_html', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(notices.c.id, notices.c.kind, notices.c.body_text, notices.c.body_html).where(sa.or_(
            notices.c.kind == 'password_reset', sa.and_(notices.c.kind == 'shared_report', notices.c.status == 'sent')))
    ).all()
    for row in rows:
        link = RESET_LINK if row.kind == 'password_reset' else SHARED_REPORT_LINK
        connection.execute(notices.update().where(notices.c.id == row.id).values(
            body_text=link.sub(SECRET_LINK, row.body_text),
            body_html=link.sub(SECRET_LINK, row.body_html) if row.body_html else row.body_html,
        ))


def downgrade():
    op.execute("DELETE FROM notices WHERE kind = 'account_changed'")
    _allow_kinds(OLD_KINDS)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_reset_held_until')
