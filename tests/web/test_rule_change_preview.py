"""Editing a certification's tracking settings previews who it affects (issue 19, part 8): each person whose
expiration or status changes, from and to, and the notice it sends; saving applies exactly the preview."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Certification, Submission

HX = {"HX-Request": "true"}
YEARLY = {"name": "Forklift", "type": "employee", "activity_type": "none", "duration_amount": "1",
          "duration_unit": "years", "first_notice_amount": "1", "first_notice_unit": "months",
          "second_notice_amount": "1", "second_notice_unit": "weeks"}
OVERDUE_SOONER = {**YEARLY, "first_notice_amount": "2", "second_notice_amount": "4"}


@pytest.fixture
def admin(factory, sign_in, frozen_clock):
    return sign_in(factory.user("Administrator", first_name="Ada", last_name="Admin"))


@pytest.fixture
def forklift(factory, admin):
    """Due Dan (expires 07/10/2026, due since 06/10) and valid Vera (expires 01/10/2027), both required."""
    certification = factory.yearly_certification(name="Forklift")
    for first, completed_on in (("Dan", date(2025, 7, 10)), ("Vera", date(2026, 1, 10))):
        person = factory.user(first_name=first, last_name="Driver")
        factory.require(person, certification)
        factory.record(person, certification, completed_on)
    return certification


def _preview(client, csrf, certification, **fields):
    response = client.post(f"/certifications/{certification.id}/recalculate-preview", headers=HX,
                           data={"csrf_token": csrf(), **fields})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _digest(page):
    return re.search(r'name="preview_digest" value="([0-9a-f]{64})"', page).group(1)


def _rows(page):
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&rarr;", " ", row)).strip()
            for row in re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)]


def test_the_preview_lists_each_person_whose_status_changes_and_the_notice_it_sends(client, csrf, forklift):
    page = _preview(client, csrf, forklift, **OVERDUE_SOONER)
    assert "Saving changes 1 person on 06/15/2026" in page
    assert _rows(page) == ["Dan Driver 07/10/2026 (unchanged) Due to Overdue 2nd notice to the person and their supervisors"]
    assert "Vera" not in page
    assert db.session.get(Certification, forklift.id).second_notice_amount == 1


def test_the_preview_with_recalculate_lists_expirations_from_and_to(client, csrf, forklift):
    page = _preview(client, csrf, forklift, **{**YEARLY, "duration_amount": "2"}, recalculate="y")
    assert "<strong>2</strong> existing records would get a new expiration date when saved." in page
    assert _rows(page) == [
        "Dan Driver 07/10/2026 to 07/10/2027 Due to Valid none",
        "Vera Driver 01/10/2027 to 01/10/2028 Valid (unchanged) none",
    ]
    unchanged = _preview(client, csrf, forklift, **YEARLY)
    assert "Saving changes no one's expiration or status today." in unchanged


def test_saving_applies_exactly_the_preview_and_refuses_a_stale_one(client, csrf, factory, forklift):
    fields = {**YEARLY, "duration_amount": "2", "recalculate": "y"}
    seen = _digest(_preview(client, csrf, forklift, **fields))
    # Meanwhile a third person is recorded: the preview the administrator saw no longer tells everything.
    late = factory.user(first_name="Lena", last_name="Late")
    factory.require(late, forklift)
    factory.record(late, forklift, date(2026, 2, 1))
    refused = client.post(f"/certifications/{forklift.id}/edit", data={"csrf_token": csrf(), **fields,
                                                                     "preview_digest": seen})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Who this change affects has changed since the preview" in page and "Lena Late" in page
    db.session.expire_all()
    assert db.session.get(Certification, forklift.id).duration_amount == 1
    assert {r.expires_on.year for r in db.session.scalars(select(Submission))} == {2026, 2027}
    saved = client.post(f"/certifications/{forklift.id}/edit", data={"csrf_token": csrf(), **fields,
                                                                   "preview_digest": _digest(page)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certification, forklift.id).duration_amount == 2
    assert sorted(r.expires_on for r in db.session.scalars(select(Submission))) == [
        date(2027, 7, 10), date(2028, 1, 10), date(2028, 2, 1)]
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.recalculate"))
    assert len(audit.after) == 3


def test_a_save_that_changes_no_one_needs_no_preview(client, csrf, forklift):
    response = client.post(f"/certifications/{forklift.id}/edit",
                           data={"csrf_token": csrf(), **YEARLY, "information": "Counterbalance trucks"})
    assert response.status_code == 302
    assert db.session.get(Certification, forklift.id).information == "Counterbalance trucks"


def test_the_edit_page_shows_the_saved_settings_preview(client, forklift):
    page = client.get(f"/certifications/{forklift.id}/edit").get_data(as_text=True)
    assert "Saving changes no one's expiration or status today." in page and 'name="preview_digest"' in page


def test_the_preview_runs_a_fixed_number_of_queries_for_2_and_12_people(client, csrf, factory, admin, count_queries):
    certification = factory.yearly_certification(name="Forklift")
    counts = []
    for people in (2, 12):
        while len(db.session.scalars(select(Submission)).all()) < people:
            person = factory.user()
            factory.require(person, certification)
            factory.record(person, certification, date(2025, 7, 10))
        with count_queries() as queries:
            page = _preview(client, csrf, certification, **OVERDUE_SOONER)
        assert f"Saving changes {people} people" in page
        counts.append(len(queries))
    assert counts[0] == counts[1]
