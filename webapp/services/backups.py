"""Backups: the whole database and every stored file in one archive, and restoring one into an empty instance.

An archive is a tar file holding `manifest.json`, the database (`database.sqlite3`, made with SQLite's
online backup API, or `database.dump`, `pg_dump`'s custom format) and `files/`, the file store as it lies
on disk. Both are safe while the site runs: the database is copied first and the files after, and stored
files are only ever added (content-addressed), so every file a backed-up row names is in the archive.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from webapp.extensions import db
from webapp.models import utcnow
from webapp.services.storage import PARTIAL_SUFFIX, file_store, stored_names, write_content

ARCHIVE_FORMAT = 1
_DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# A stored file's place in the archive: files/<first two hex digits>/<sha256>, as on disk.
_STORED_FILE = re.compile(r"files/([0-9a-f]{2})/(\1[0-9a-f]{62})")


class BackupError(Exception):
    """A backup or restore refused or failed, with a message fit for the operator; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    database: str
    files: int
    schema: list[str]


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in _DATABASE_MEMBERS:
        raise BackupError(f"Backups cover SQLite and PostgreSQL, not {name}.")
    return name


def _sqlite_path() -> Path:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(path)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL pg_dump and pg_restore take, and their environment: the password travels in
    PGPASSWORD, never on a command line that `ps` shows to every user of the machine."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.") from error
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()}")


def _copy_sqlite(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup: a consistent copy page by page, while others read and write the source."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _dump_database(dialect: str, target: Path) -> None:
    if dialect == "sqlite":
        _copy_sqlite(_sqlite_path(), target)
        return
    url, env = _libpq(db.engine.url)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={url}"],
         env, "pg_dump")


def _schema_heads() -> list[str]:
    with db.engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def back_up(archive: Path) -> BackupSummary:
    """Write the database and every stored file to `archive` (a new tar file; an existing one is never
    overwritten). The archive appears whole or not at all."""
    if archive.exists():
        raise BackupError(f"{archive} already exists; choose a new name, so no earlier backup is lost.")
    dialect = _dialect()
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + PARTIAL_SUFFIX)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / _DATABASE_MEMBERS[dialect]
        _dump_database(dialect, dump)
        files = stored_names()
        summary = BackupSummary(database=dialect, files=len(files), schema=_schema_heads())
        manifest = json.dumps({"format": ARCHIVE_FORMAT, "database": dialect, "files": len(files),
                               "schema": summary.schema, "created_at": utcnow().isoformat()}, indent=2).encode()
        try:
            with tarfile.open(partial, "w") as tar:
                info = tarfile.TarInfo("manifest.json")
                info.size = len(manifest)
                tar.addfile(info, io.BytesIO(manifest))
                tar.add(dump, arcname=dump.name)
                for sha256 in files:
                    data = file_store().read(sha256)
                    info = tarfile.TarInfo(f"files/{sha256[:2]}/{sha256}")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
            partial.replace(archive)
        finally:
            partial.unlink(missing_ok=True)
    return summary


def _checked_manifest(tar: tarfile.TarFile, dialect: str) -> dict:
    """The archive's manifest, once the whole archive is read through and holds what it promises; before
    anything is restored, so a cut-off or foreign archive changes nothing."""
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("This is not a FieldCert backup: it has no readable manifest.json.") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')}; this FieldCert reads format {ARCHIVE_FORMAT}.")
    if manifest.get("database") != dialect:
        raise BackupError(f"This backup is of a {manifest.get('database')} database; restore it into "
                          f"{manifest.get('database')}, not {dialect}.")
    names = tar.getnames()
    files = sum(name.startswith("files/") for name in names)
    if _DATABASE_MEMBERS[dialect] not in names or files != manifest.get("files"):
        raise BackupError(f"This backup is incomplete: it should hold the database and {manifest.get('files')} "
                          f"files, and holds {files} files{'' if _DATABASE_MEMBERS[dialect] in names else ' and no database'}.")
    return manifest


def _restore_files(tar: tarfile.TarFile) -> int:
    """Copy the archive's stored files into the store, each checked against its content hash; a file
    already there is the same file (content-addressed) and is left as it is."""
    count = 0
    for member in tar.getmembers():
        if not member.name.startswith("files/"):
            continue
        match = _STORED_FILE.fullmatch(member.name)
        if match is None or not member.isfile():
            raise BackupError(f"The backup holds {member.name!r}, which is not a stored file; nothing restored from it.")
        data = tar.extractfile(member).read()
        if hashlib.sha256(data).hexdigest() != match.group(2):
            raise BackupError(f"{member.name} in the backup is damaged: its content does not match its name.")
        write_content(match.group(2), data)
        count += 1
    return count


def _load_database(dialect: str, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        _copy_sqlite(dump, _sqlite_path())
        return
    url, env = _libpq(db.engine.url)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={url}", str(dump)], env, "pg_restore")


def restore_backup(archive: Path) -> BackupSummary:
    """Restore `archive` into this instance, whose database must be empty (no tables: a new database, not
    migrated) and of the same kind as the backup's. Files go first, so the restored rows never name a file
    that is missing; if the database then fails, the store only gained unreferenced files."""
    if not archive.is_file():
        raise BackupError(f"There is no backup at {archive}.")
    dialect = _dialect()
    tables = inspect(db.engine).get_table_names()
    if tables:
        raise BackupError(f"The database already has {len(tables)} tables; restore only into an empty database, "
                          "so nothing in it is overwritten.")
    try:
        with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory() as work:
            manifest = _checked_manifest(tar, dialect)
            files = _restore_files(tar)
            tar.extract(_DATABASE_MEMBERS[dialect], work, filter="data")
            _load_database(dialect, Path(work) / _DATABASE_MEMBERS[dialect])
    except (tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} is not a backup archive, or is damaged: {error}") from error
    return BackupSummary(database=dialect, files=files, schema=list(manifest.get("schema", [])))
