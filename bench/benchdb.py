"""The database a benchmark runs in: DATABASE_URL (must be empty) or a temporary SQLite file."""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, inspect, select  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import User  # noqa: E402


@contextmanager
def bench_app():
    """An app context on a fresh schema, dropped afterwards."""
    url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{tmp}/bench.sqlite3")
        app.extensions["fieldcert_schema_checked"] = True
        with app.app_context():
            if inspect(db.engine).has_table("users") and db.session.scalar(select(func.count()).select_from(User)):
                sys.exit("The database is not empty; point DATABASE_URL at an empty benchmark database.")
            db.create_all()
            try:
                yield app
            finally:
                db.session.remove()
                db.drop_all()
