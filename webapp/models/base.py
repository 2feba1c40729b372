"""Column types and helpers shared by every model."""
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, TypeDecorator
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def upsert_insert(dialect_name: str):
    """The dialect's `insert()`, the one with `on_conflict_do_nothing/do_update` (PostgreSQL and SQLite alike)."""
    return postgresql_insert if dialect_name == "postgresql" else sqlite_insert


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps the zone; SQLite drops it, so it is put back on load.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_of(column: str, values, name: str | None = None) -> CheckConstraint:
    """A CHECK constraint keeping a text column within a fixed vocabulary."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_allowed")


PERIOD_UNITS = ("days", "weeks", "months", "years")
TIME_UNITS = ("hours", "days", "weeks", "months", "years")
