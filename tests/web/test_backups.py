"""`flask backup` and `flask restore`: every table and every stored file come back in an empty instance."""
import io
import json
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, func, select

from webapp.extensions import db
from webapp.models import Attachment, Submission, User
from webapp.services.demo import load_demo_organisation
from webapp.services.storage import CheckedUpload, store_file

PDF = b"%PDF-1.4 a scanned card"


def _tables(url) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        rows = {name: connection.execute(select(table).order_by(*(table.primary_key.columns or table.columns))).all()
                for name, table in metadata.tables.items()}
    engine.dispose()
    return rows


def _flask(instance, *args):
    """Run a `flask` command on `instance`, inside its app context as the flask command line would."""
    with instance.app_context():
        return instance.test_cli_runner().invoke(args=list(args))


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()}


@pytest.fixture
def organisation(app, factory, frozen_clock):
    load_demo_organisation(date(2026, 6, 15))
    record = db.session.scalars(select(Submission).join(User, Submission.user_id == User.id).where(User.username == "emma")).first()
    db.session.add(Attachment(kind="file", name="card.pdf", submission=record,
                              stored_file=store_file(CheckedUpload(data=PDF, content_type="application/pdf",
                                                                   name="card.pdf"))))
    db.session.commit()


def test_a_backup_restored_into_an_empty_instance_has_every_row_and_file(app, organisation, empty_instance, tmp_path):
    archive = tmp_path / "fieldcert.tar"
    backed_up = _flask(app, "backup", str(archive))
    assert backed_up.exit_code == 0, backed_up.output
    assert "Backed up the" in backed_up.output and archive.is_file()
    restored = _flask(empty_instance, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    source, copy = _tables(app.config["SQLALCHEMY_DATABASE_URI"]), _tables(empty_instance.config["SQLALCHEMY_DATABASE_URI"])
    assert set(copy) == set(source) == {table.name for table in db.metadata.sorted_tables}
    assert copy == source and len(copy["users"]) > 3 and len(copy["attachments"]) >= 1
    assert _files(empty_instance.config["UPLOAD_FOLDER"]) == _files(app.config["UPLOAD_FOLDER"]) != {}
    # The restored instance carries on where the old one stopped: new rows get new ids.
    with empty_instance.app_context():
        db.session.add(User(username="newcomer", email="new@example.test", first_name="New", last_name="Comer",
                            password_hash="x"))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(User)) == len(source["users"]) + 1


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(app, organisation, tmp_path):
    archive = tmp_path / "fieldcert.tar"
    assert _flask(app, "backup", str(archive)).exit_code == 0
    before = _tables(app.config["SQLALCHEMY_DATABASE_URI"])
    refused = _flask(app, "restore", str(archive))
    assert refused.exit_code == 1 and "restore only into an empty database" in refused.output
    assert _tables(app.config["SQLALCHEMY_DATABASE_URI"]) == before


def test_backup_never_overwrites_an_archive_and_restore_refuses_what_is_no_backup(app, empty_instance, tmp_path):
    archive = tmp_path / "old.tar"
    archive.write_bytes(b"last week's backup")
    refused = _flask(app, "backup", str(archive))
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert archive.read_bytes() == b"last week's backup"
    not_a_backup = _flask(empty_instance, "restore", str(archive))
    assert not_a_backup.exit_code == 1 and "is not a backup archive" in not_a_backup.output


def test_restore_refuses_a_cut_off_backup_and_restores_nothing(app, organisation, empty_instance, tmp_path):
    archive = tmp_path / "fieldcert.tar"
    assert _flask(app, "backup", str(archive)).exit_code == 0
    whole = archive.read_bytes()
    for cut in (whole[: len(whole) // 3], whole[: len(whole) // 2]):
        archive.write_bytes(cut)
        refused = _flask(empty_instance, "restore", str(archive))
        assert refused.exit_code == 1 and ("damaged" in refused.output or "incomplete" in refused.output), refused.output
        assert _files(empty_instance.config["UPLOAD_FOLDER"]) == {}
        assert _tables(empty_instance.config["SQLALCHEMY_DATABASE_URI"]) == {}


def test_restore_refuses_a_file_that_does_not_match_its_name(app, empty_instance, tmp_path):
    archive = tmp_path / "forged.tar"
    kind = "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("manifest.json", json.dumps({"format": 1, "database": kind, "files": 1}).encode()),
                           ("database.sqlite3" if kind == "sqlite" else "database.dump", b""),
                           (f"files/aa/{'a' * 64}", b"not what the name promises")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    refused = _flask(empty_instance, "restore", str(archive))
    assert refused.exit_code == 1 and "is damaged" in refused.output
    assert _files(empty_instance.config["UPLOAD_FOLDER"]) == {}
