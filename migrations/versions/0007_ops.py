"""ids are never reused on SQLite: every table with an integer id gets AUTOINCREMENT

Without it SQLite hands the highest id out again once its row is deleted, so a deleted
certification's audit trail, notices and saved links would attach to the next one created.
PostgreSQL's sequences never reuse ids, so this changes nothing there.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _tables_with_integer_ids(connection) -> list[str]:
    inspector = sa.inspect(connection)
    names = []
    for name in inspector.get_table_names():
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        columns = {column["name"]: column for column in inspector.get_columns(name)}
        referencing = {c for fk in inspector.get_foreign_keys(name) for c in fk["constrained_columns"]}
        if name != "alembic_version" and len(key) == 1 and isinstance(columns[key[0]]["type"], sa.Integer) \
                and key[0] not in referencing:
            names.append(name)
    return names


def _rebuild(autoincrement: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for name in _tables_with_integer_ids(connection):
        # Batch mode copies the table with its rows, indexes and named constraints (every constraint
        # is named by the metadata's naming convention), then swaps it in.
        with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _rebuild(autoincrement=True)


def downgrade():
    _rebuild(autoincrement=False)
