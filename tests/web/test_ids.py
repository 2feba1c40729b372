"""Ids are never reused after a delete (issue 16): on SQLite through AUTOINCREMENT, built by migration 0007."""
import re
import sqlite3

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from webapp import create_app
from webapp.extensions import db
from webapp.models import Certification


def test_a_new_object_never_gets_a_deleted_objects_id(factory):
    first = factory.certification(name="Forklift")
    deleted_id = first.id
    db.session.delete(first)
    db.session.commit()
    assert factory.certification(name="Crane").id > deleted_id
    assert db.session.scalar(select(Certification.id).where(Certification.id == deleted_id)) is None


def _clauses(sql: str) -> frozenset[str]:
    """A CREATE TABLE's columns and constraints, in any order."""
    body = re.sub(r"\s+", " ", sql).replace('"', "").partition("(")[2].rsplit(")", 1)[0]
    clauses, depth, current = [], 0, ""
    for character in body:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            clauses.append(current.strip())
            current = ""
        else:
            current += character
    return frozenset([*clauses, current.strip()])


def _schema(path) -> dict:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version'").fetchall()
    return {(kind, name): _clauses(sql) if kind == "table" else sql for kind, name, sql in rows}


def test_migrations_rebuild_sqlite_tables_with_autoincrement_keeping_rows_and_constraints(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's ids only: PostgreSQL's sequences never reuse one")
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    with migrated.app_context():
        upgrade(revision="0004")
        db.session.execute(text("INSERT INTO companies (id, name) VALUES (1, 'Acme'), (2, 'Bolt')"))
        db.session.commit()
        upgrade()
        db.session.execute(text("DELETE FROM companies WHERE id = 2"))
        db.session.execute(text("INSERT INTO companies (name) VALUES ('Crane Co')"))
        db.session.commit()
        assert db.session.execute(text("SELECT id, name FROM companies ORDER BY id")).all() == [
            (1, "Acme"), (3, "Crane Co")]
        db.engine.dispose()
    created = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'created.sqlite3'}")
    with created.app_context():
        db.create_all()
        db.engine.dispose()
    migrated_schema = _schema(tmp_path / "migrated.sqlite3")
    assert migrated_schema == _schema(tmp_path / "created.sqlite3")
    assert "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT" in migrated_schema[("table", "users")]
    with migrated.app_context():
        downgrade(revision="0004")
        assert db.session.execute(text("SELECT name FROM companies ORDER BY id")).scalars().all() == ["Acme", "Crane Co"]
        db.engine.dispose()
    assert "id INTEGER NOT NULL" in _schema(tmp_path / "migrated.sqlite3")[("table", "users")]
