"""Privacy (ASVS 8.2.2, 8.2.3): shared reports show only what their creator may see, and a certification
hidden from a module level (or only its files) is hidden on every people page and file download."""
from datetime import date

import pytest

from webapp.extensions import db
from webapp.models import Attachment, Notice, SharedReport
from webapp.services.storage import CheckedUpload, store_file

PDF = b"%PDF-1.4 confined space permit"


def _file(submission, name: str) -> Attachment:
    stored = store_file(CheckedUpload(data=PDF, content_type="application/pdf", name=name))
    attachment = Attachment(kind="file", name=name, stored_file=stored, submission=submission)
    db.session.add(attachment)
    db.session.commit()
    return attachment


@pytest.fixture
def teams(factory, frozen_clock):
    """Two teams under one role, each with its own supervisor; each worker has a record with a file
    and a pending submission of "Confined Space"."""
    certification = factory.yearly_certification(name="Confined Space")
    company = factory.company(name="Acme")
    role = factory.role(certification, companies=[company], name="Rigger")
    team = {}
    for name in ("North", "South"):
        supervisor = factory.user("Supervisor", last_name=f"{name}Boss")
        worker = factory.user(supervisors=[supervisor], last_name=f"{name}Worker", company=company)
        factory.assign(worker, role)
        record = factory.record(worker, certification, date(2026, 1, 10))
        pending = factory.record(worker, certification, date(2026, 6, 1), status="pending")
        team[name] = {
            "supervisor": supervisor, "worker": worker, "record": record, "pending": pending,
            "file": _file(record, f"{name.lower()}-permit.pdf"), "pending_file": _file(pending, f"{name.lower()}-new.pdf"),
        }
    return certification, role, team


def _share(factory, creator, **choices) -> SharedReport:
    report = SharedReport(title="For the client", created_by=creator, **choices)
    db.session.add(report)
    db.session.commit()
    return report


# ---- 1. Shared reports show only what their creator may see ------------------------------------


def test_a_shared_report_by_role_shows_only_the_people_its_creator_supervises(client, factory, teams):
    _, role, team = teams
    report = _share(factory, team["North"]["supervisor"], roles=[role])
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "NorthWorker" in page and "north-permit.pdf" in page
    assert "SouthWorker" not in page and "south-permit.pdf" not in page
    assert client.get(f"/s/{report.token}/attachments/{team['North']['file'].id}").status_code == 200
    assert client.get(f"/s/{report.token}/attachments/{team['South']['file'].id}").status_code == 404


def test_a_shared_report_is_checked_again_when_opened(client, factory, teams):
    _, role, team = teams
    north = team["North"]
    report = _share(factory, north["supervisor"], users=[north["worker"]])
    assert "NorthWorker" in client.get(f"/s/{report.token}").get_data(as_text=True)
    north["worker"].supervisors = []
    db.session.commit()
    assert "NorthWorker" not in client.get(f"/s/{report.token}").get_data(as_text=True)
    assert client.get(f"/s/{report.token}/attachments/{north['file'].id}").status_code == 404
    north["worker"].supervisors = [north["supervisor"]]
    north["supervisor"].active = False
    db.session.commit()
    assert "NorthWorker" not in client.get(f"/s/{report.token}").get_data(as_text=True)


def test_a_shared_report_hides_what_its_creators_module_levels_hide(client, factory, teams):
    certification, role, team = teams
    report = _share(factory, team["North"]["supervisor"], roles=[role])
    certification.attachments_hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "Confined Space" in page and "north-permit.pdf" not in page
    assert client.get(f"/s/{report.token}/attachments/{team['North']['file'].id}").status_code == 404
    certification.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    assert "Confined Space" not in client.get(f"/s/{report.token}").get_data(as_text=True)


def test_a_shared_report_by_an_administrator_shows_everyone_on_it(client, factory, teams):
    _, role, _ = teams
    report = _share(factory, factory.user("Administrator"), roles=[role])
    page = client.get(f"/s/{report.token}").get_data(as_text=True)
    assert "NorthWorker" in page and "SouthWorker" in page


# ---- 6. Module-level privacy on the people pages -------------------------------------------------


def _people_pages(north) -> list[str]:
    """The pages that show a supervised person's certifications; the first three show their files too."""
    worker, certification_id = north["worker"], north["record"].certification_id
    return [
        "/submissions/pending",
        f"/people/{worker.id}/certifications",
        f"/people/{worker.id}/history/{certification_id}",
        "/people/supervisor-report",
        f"/people/{worker.id}/record",
    ]


def test_a_certification_hidden_from_the_supervisor_level_is_on_no_people_page(client, factory, sign_in, teams):
    certification, _, team = teams
    north = team["North"]
    sign_in(north["supervisor"])
    pages = _people_pages(north)
    assert all("Confined Space" in client.get(url).get_data(as_text=True) for url in pages[:-1])
    certification.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    for url in pages:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert "Confined Space" not in page and "north-" not in page, url
    assert client.get(f"/files/{north['file'].id}").status_code == 404
    assert client.get(f"/files/{north['pending_file'].id}").status_code == 404


def test_hidden_certifications_cannot_be_recorded_approved_or_commented(client, factory, sign_in, csrf, teams):
    certification, _, team = teams
    north = team["North"]
    certification.hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    sign_in(north["supervisor"])
    worker_id = north["worker"].id
    assert client.post(f"/submissions/{north['pending'].id}/approve", data={"csrf_token": csrf()}).status_code == 404
    selected = client.post(f"/people/{worker_id}/approve-selected",
                           data={"submission_id": [north["pending"].id], "csrf_token": csrf()})
    assert selected.status_code == 302
    db.session.refresh(north["pending"])
    assert north["pending"].status == "pending"
    recorded = client.post(f"/people/{worker_id}/record", data={
        "certification": certification.id, "completed_on": "06/10/2026", "csrf_token": csrf()})
    assert recorded.status_code == 422 and "Confined Space" not in recorded.get_data(as_text=True)
    assert client.post(f"/people/{worker_id}/records/{north['record'].id}/comments",
                       data={"body": "Looks fine", "csrf_token": csrf()}).status_code == 404
    assert client.post(f"/people/{worker_id}/requirements/{certification.id}/notify",
                       data={"message": "Renew", "csrf_token": csrf()}).status_code == 404


def test_attachments_hidden_from_the_supervisor_level_hide_only_the_files(client, factory, sign_in, teams):
    certification, _, team = teams
    north = team["North"]
    certification.attachments_hidden_from_levels = [factory.levels["Supervisor"]]
    db.session.commit()
    sign_in(north["supervisor"])
    for url in _people_pages(north)[:-1]:
        page = client.get(url).get_data(as_text=True)
        assert "Confined Space" in page and "north-" not in page, url
    assert client.get(f"/files/{north['file'].id}").status_code == 404
    assert client.get(f"/files/{north['pending_file'].id}").status_code == 404


def test_a_viewer_with_another_level_still_sees_it(client, factory, sign_in, teams):
    certification, _, team = teams
    north = team["North"]
    certification.hidden_from_levels = [factory.levels["Supervisor"]]
    north["supervisor"].module_levels = [factory.levels["Supervisor"], factory.levels["Employee"]]
    db.session.commit()
    sign_in(north["supervisor"])
    for url in _people_pages(north)[:-1]:
        assert "Confined Space" in client.get(url).get_data(as_text=True), url
    for url in _people_pages(north)[:3]:
        assert "north-" in client.get(url).get_data(as_text=True), url
    assert client.get(f"/files/{north['file'].id}").status_code == 200


# ---- E-mail to one person ------------------------------------------------------------------------


def _mail_to(user) -> str:
    return " ".join(f"{n.subject} {n.body_text} {n.body_html or ''} {n.attachment_ids or ''}"
                    for n in db.session.scalars(db.select(Notice).where(Notice.recipient_user_id == user.id)))


def test_mail_never_names_what_the_recipients_levels_hide(client, factory, sign_in, csrf, teams):
    certification, _, team = teams
    north, south = team["North"], team["South"]
    certification.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    sign_in(north["supervisor"])
    assert client.post(f"/submissions/{north['pending'].id}/approve", data={"csrf_token": csrf()}).status_code == 302
    client.post(f"/people/{north['worker'].id}/requirements/{certification.id}/notify",
                data={"message": "Renew soon", "csrf_token": csrf()})
    sign_in(south["supervisor"])
    client.post(f"/submissions/{south['pending'].id}/decline", data={"comment": "Blurry", "csrf_token": csrf()})
    for worker in (north["worker"], south["worker"]):
        assert "Confined Space" not in _mail_to(worker)
    assert "Renew soon" in _mail_to(north["worker"]) and "Blurry" not in _mail_to(south["worker"])


def test_approval_mail_leaves_out_files_the_recipients_levels_hide(client, factory, sign_in, csrf, teams):
    certification, _, team = teams
    north = team["North"]
    certification.attach_files_to_approval_emails = True
    certification.attachments_hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    sign_in(north["supervisor"])
    client.post(f"/submissions/{north['pending'].id}/approve", data={"csrf_token": csrf()})
    mail = _mail_to(north["worker"])
    assert "Confined Space" in mail and "north-new.pdf" not in mail
