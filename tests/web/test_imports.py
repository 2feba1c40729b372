"""The import pages every kind shares: upload, preview with errors by row and column, confirm once,
all or nothing, progress while a job runs, downloads. A small kind (tags) stands in for the real ones."""
import io
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, ImportJob, Tag
from webapp.permissions import Permission
from webapp.services import import_kinds
from webapp.services.imports import ImportKind, ImportOption, ImportPlan, PlannedRow, RowError

written_after_commit = []


def _plan_tags(rows, by, day, progress):
    known = set(db.session.scalars(select(Tag.name)))
    plan, seen = ImportPlan(work=[]), set()
    for done, row in enumerate(rows, start=1):
        name = row["Tag"]
        if not name:
            plan.errors.append(RowError(row.line, "Tag", "A tag needs a name."))
        elif name.casefold() in seen:
            plan.errors.append(RowError(row.line, "Tag", f"{name} is in the file twice."))
        elif name in known:
            plan.rows.append(PlannedRow(row.line, "unchanged", name))
        else:
            plan.rows.append(PlannedRow(row.line, "create", name))
            plan.work.append(name)
        seen.add(name.casefold())
        progress(done)
    return plan


def _write_tags(plan, by, day):
    db.session.add_all(Tag(name=name) for name in plan.work)
    return list(plan.work)


TAGS = ImportKind(
    name="tags", title="Tags", headers=("Tag",), permissions=frozenset({Permission.MANAGE_COMPANIES}),
    plan=_plan_tags, write=_write_tags, export_rows=lambda by: ((tag,) for tag in db.session.scalars(
        select(Tag.name).order_by(Tag.name))),
    column_help={"Tag": "The tag's name; required, once per file."}, template_rows=(("Crane",),),
    options=(ImportOption("announce", "Announce the new tags"),),
    after_commit=lambda outcome, by, options: written_after_commit.append((outcome, options)),
)


@pytest.fixture
def tags_kind(monkeypatch):
    monkeypatch.setitem(import_kinds.IMPORT_KINDS, "tags", TAGS)
    written_after_commit.clear()
    return TAGS


@pytest.fixture
def administrator(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def upload(client, csrf, data: bytes, filename="tags.csv", **options):
    return client.post("/data/tags/import", data={"csrf_token": csrf(), "file": (io.BytesIO(data), filename),
                                                  **options}, content_type="multipart/form-data")


def tag_names():
    return sorted(db.session.scalars(select(Tag.name)))


def latest_job() -> ImportJob:
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def test_a_file_is_previewed_then_imported_once_confirmed(client, csrf, tags_kind, administrator, factory):
    db.session.add(Tag(name="Welding"))
    db.session.commit()
    response = upload(client, csrf, b"Tag\r\nWelding\r\nCrane\r\nRigging\r\n", announce="y")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "To create" in page and ">2<" in page and "Crane" in page and "Import 2 rows" in page
    assert tag_names() == ["Welding"]  # the preview writes nothing

    job = latest_job()
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert response.status_code == 303
    assert tag_names() == ["Crane", "Rigging", "Welding"]
    db.session.refresh(job)
    assert job.state == "imported" and job.content is None
    assert written_after_commit == [(["Crane", "Rigging"], {"announce": True})]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.tags")).one()
    assert entry.summary == "Imported tags from tags.csv: 2 created, 0 updated, 1 unchanged"
    assert "Imported</strong>: 2 created" in client.get(f"/data/imports/{job.id}").get_data(as_text=True)


def test_errors_are_listed_by_row_and_column_and_nothing_can_be_imported(client, csrf, tags_kind, administrator):
    response = upload(client, csrf, b"Tag\nCrane\n\xef\xbb\xbf\n=cmd|' /C calc'!A0\ncrane\n,extra\n")
    page = client.get(response.location).get_data(as_text=True)
    assert "Errors: nothing is imported until every row is right" in page
    for line, message in ((4, "looks like a spreadsheet formula"), (5, "crane is in the file twice"),
                          (6, "The row has 2 cells but the header only 1 columns")):
        assert f'<td data-label="Row">{line}</td>' in page and message in page
    assert "Import 1 row" not in page
    job = latest_job()
    response = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert response.status_code == 409 and "Fix the errors" in response.get_data(as_text=True)
    assert tag_names() == []


@pytest.mark.parametrize("data, filename, message", [
    (b"Name\nCrane\n", "tags.csv", "The header row does not match (missing: Tag; not known: Name)"),
    (b"", "tags.csv", "The file is empty."),
    (b"PK\x03\x04junk", "tags.xlsx", "not an Excel workbook"),
])
def test_a_file_that_cannot_be_read_says_why(client, csrf, tags_kind, administrator, data, filename, message):
    response = upload(client, csrf, data, filename)
    assert message in client.get(response.location).get_data(as_text=True)
    assert tag_names() == []


@pytest.mark.parametrize("filename, data, message", [
    ("tags.exe", b"Tag\nx\n", "Choose a CSV (.csv) or Excel (.xlsx) file."),
    ("tags.xlsx", b"Tag\nx\n", "is named .xlsx but is not an Excel workbook"),
])
def test_an_upload_that_is_no_spreadsheet_is_refused_on_the_form(client, csrf, tags_kind, administrator, filename,
                                                                 data, message):
    response = upload(client, csrf, data, filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_a_file_over_the_size_limit_is_refused(app, client, csrf, tags_kind, administrator, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_MB", 1)
    response = upload(client, csrf, b"Tag\n" + b"x" * (1024 * 1024 + 1))
    assert response.status_code == 422 and "larger than 1 MB" in response.get_data(as_text=True)


def test_confirming_twice_imports_once(client, csrf, tags_kind, administrator):
    upload(client, csrf, b"Tag\nCrane\n")
    job = latest_job()
    assert client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()}).status_code == 303
    again = client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    assert again.status_code == 409 and "already being imported, or was imported" in again.get_data(as_text=True)
    assert tag_names() == ["Crane"]


def test_when_the_data_changed_since_the_preview_nothing_is_imported_and_the_new_preview_shows(
        client, csrf, tags_kind, administrator):
    upload(client, csrf, b"Tag\nCrane\nRigging\n")
    db.session.add(Tag(name="Crane"))  # someone else added it meanwhile
    db.session.commit()
    job = latest_job()
    client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    db.session.refresh(job)
    assert job.state == "checked" and job.preview["create"] == 1 and job.preview["unchanged"] == 1
    page = client.get(f"/data/imports/{job.id}").get_data(as_text=True)
    assert "The data changed since the preview, so nothing was imported" in page and "Import 1 row" in page
    assert tag_names() == ["Crane"]


def test_a_write_that_fails_leaves_nothing_half_imported(client, csrf, tags_kind, administrator, monkeypatch):
    def write_then_fail(plan, by, day):
        _write_tags(plan, by, day)
        db.session.flush()
        raise RuntimeError("the database went away")

    monkeypatch.setitem(import_kinds.IMPORT_KINDS, "tags", replace(TAGS, write=write_then_fail))
    upload(client, csrf, b"Tag\nCrane\nRigging\n")
    job = latest_job()
    client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()})
    db.session.refresh(job)
    assert job.state == "failed" and job.message == "The import failed; nothing was imported."
    assert tag_names() == []
    assert "Upload the file again" in client.get(f"/data/imports/{job.id}").get_data(as_text=True)


def test_a_running_job_is_polled_by_htmx_until_it_ends(client, csrf, tags_kind, administrator):
    upload(client, csrf, b"Tag\nCrane\n")
    job = latest_job()
    job.state, job.rows_done, job.rows_total = "importing", 500, 20000
    db.session.commit()
    fragment = client.get(f"/data/imports/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="import-job"') and 'hx-trigger="load delay:1s"' in fragment
    assert "Importing the file: 500 of 20,000 rows." in fragment and "<html" not in fragment


def test_a_job_whose_server_stopped_shows_as_stopped(frozen_clock, client, csrf, tags_kind, administrator):
    upload(client, csrf, b"Tag\nCrane\n")
    job = latest_job()
    job.state = "importing"
    db.session.commit()
    frozen_clock.shift(16 * 60)
    page = client.get(f"/data/imports/{job.id}").get_data(as_text=True)
    assert "stopped before it finished" in page and "hx-trigger" not in page


def test_someone_elses_job_is_not_found(client, csrf, tags_kind, administrator, factory, sign_in):
    upload(client, csrf, b"Tag\nCrane\n")
    job = latest_job()
    sign_in(factory.user("Administrator"))
    assert client.get(f"/data/imports/{job.id}").status_code == 404
    assert client.post(f"/data/imports/{job.id}/confirm", data={"csrf_token": csrf()}).status_code == 404


def test_a_kind_needs_its_own_permission_besides_import_export(client, tags_kind, factory, sign_in):
    sign_in(factory.user("Employee"))
    assert client.get("/data/").status_code == 403
    assert client.get("/data/tags/export.csv").status_code == 403


def test_exports_and_templates_download_as_csv_and_excel_with_formulas_neutralised(client, tags_kind, administrator):
    db.session.add_all([Tag(name="Crane"), Tag(name="=HYPERLINK(\"http://x\")")])
    db.session.commit()
    response = client.get("/data/tags/export.csv")
    assert response.mimetype == "text/csv" and 'filename="tags.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == '\ufeffTag\r\n"\'=HYPERLINK(""http://x"")"\r\nCrane\r\n'
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "export.tags")) == 1
    workbook = client.get("/data/tags/export.xlsx")
    assert workbook.mimetype.endswith("spreadsheetml.sheet") and workbook.data.startswith(b"PK\x03\x04")
    template = client.get("/data/tags/template.csv").get_data(as_text=True)
    assert template == "\ufeffTag\r\nCrane\r\n"
    assert client.get("/data/tags/export.pdf").status_code == 404


def test_the_index_lists_the_kinds_the_user_may_use(client, tags_kind, administrator):
    page = client.get("/data/").get_data(as_text=True)
    assert "Import Tags" in page and "/data/tags/export.xlsx" in page
