"""Job-location clearance (issue 21 part 8, decisions 76-77): a job location requires certifications of the
people working there; a person's page, their QR report and the site's page say whether they are cleared."""
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Entity, job_location_certifications, job_location_workers


@pytest.fixture
def site(factory, frozen_clock):
    """Harbour Terminal requires Site Induction and Manual Handling; Emma holds both, Sam has no Manual Handling."""
    induction = factory.certification(name="Site Induction")
    handling = factory.yearly_certification(name="Manual Handling")
    location = Entity(kind="location", name="Harbour Terminal", identifier="JL-HT1")
    db.session.add(location)
    emma = factory.user(first_name="Emma", last_name="Employee", username="emma")
    sam = factory.user(first_name="Sam", last_name="Supervisor", username="sam")
    for person in (emma, sam):
        factory.record(person, induction, date(2025, 1, 10))
    factory.record(emma, handling, date(2026, 3, 1))
    db.session.flush()
    db.session.execute(job_location_certifications.insert(), [
        {"location_id": location.id, "certification_id": c.id} for c in (induction, handling)])
    db.session.execute(job_location_workers.insert(), [
        {"location_id": location.id, "user_id": p.id} for p in (emma, sam)])
    db.session.commit()
    return location, emma, sam, induction, handling


@pytest.fixture
def admin(factory, sign_in, frozen_clock):
    return sign_in(factory.user("Administrator", username="ada"))


def test_a_site_requires_its_certifications_of_the_people_working_there(client, site, admin):
    location, emma, sam, *_ = site
    page = client.get(f"/people/{sam.id}/certifications").get_data(as_text=True)
    assert "Job Location Harbour Terminal (JL-HT1)" in page  # required by, on the person's requirements
    assert "Manual Handling" in page and "Nothing on File" in page


def test_the_persons_page_says_whether_they_are_cleared_for_each_site(client, site, admin):
    location, emma, sam, *_ = site
    emma_page = client.get(f"/people/{emma.id}/certifications").get_data(as_text=True)
    assert 'id="sites-title">Job Locations' in emma_page and "Cleared for Harbour Terminal" in emma_page
    sam_page = client.get(f"/people/{sam.id}/certifications").get_data(as_text=True)
    assert "Not cleared for Harbour Terminal" in sam_page
    blocking = sam_page[sam_page.index("Blocking Harbour Terminal"):]
    assert "Manual Handling</strong> nothing on file" in blocking[:blocking.index("</ul>")]


def test_the_qr_report_answers_cleared_for_this_site_as_for_a_role(client, site):
    location, emma, sam, *_ = site
    emma_report = client.get(f"/r/{emma.qr_token}").get_data(as_text=True)
    assert 'id="sites-title">Job Locations' in emma_report and "Cleared for Harbour Terminal" in emma_report
    sam_report = client.get(f"/r/{sam.qr_token}").get_data(as_text=True)
    assert "Not cleared for Harbour Terminal" in sam_report and "Manual Handling</strong> nothing on file" in sam_report


def test_a_hidden_blocking_certification_is_counted_not_named(client, site, factory):
    location, emma, sam, induction, handling = site
    handling.hide_from_qr_reports = True
    db.session.commit()
    report = client.get(f"/r/{sam.qr_token}").get_data(as_text=True)
    assert "Not cleared for Harbour Terminal" in report and "Manual Handling" not in report
    assert "1 more requirement not shown on this report" in report


def test_the_site_page_lists_each_worker_cleared_or_not(client, site, admin):
    location, emma, sam, *_ = site
    page = client.get(f"/job-locations/{location.id}/clearance").get_data(as_text=True)
    assert "Emma Employee</a>: cleared for this site" in page and "Sam Supervisor</a>: not cleared for this site" in page
    assert 'checked' in page and "Site Induction" in page


def test_an_administrator_sets_the_required_certifications(client, site, admin, csrf, factory):
    location, emma, sam, induction, handling = site
    other = factory.certification(name="H2S Awareness")
    asset_only = factory.certification(name="Crane Inspection", type="asset")
    url = f"/job-locations/{location.id}/clearance/certifications"
    response = client.post(url, data={"csrf_token": csrf(), "certifications": [str(induction.id), str(other.id)]})
    assert response.status_code == 302
    required = set(db.session.scalars(select(job_location_certifications.c.certification_id)
                                      .where(job_location_certifications.c.location_id == location.id)))
    assert required == {induction.id, other.id}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "job_location.certifications"))
    refused = client.post(url, data={"csrf_token": csrf(), "certifications": [str(asset_only.id)]})
    assert refused.status_code == 422 and "Choose employee certifications in use" in refused.get_data(as_text=True)
    assert set(db.session.scalars(select(job_location_certifications.c.certification_id)
                                  .where(job_location_certifications.c.location_id == location.id))) == required


def test_an_administrator_adds_and_removes_people_working_there(client, site, admin, csrf, factory):
    location, emma, sam, *_ = site
    newcomer = factory.user(username="nia", email="nia@example.test", first_name="Nia", last_name="New")
    url = f"/job-locations/{location.id}/clearance/workers"
    assert client.post(url, data={"csrf_token": csrf(), "who": "NIA@example.test"}).status_code == 302
    for who, message in (("", "Enter the username or e-mail"), ("nobody", "No active person"),
                         ("emma", "Emma Employee already works at Harbour Terminal")):
        refused = client.post(url, data={"csrf_token": csrf(), "who": who})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    workers = lambda: set(db.session.scalars(select(job_location_workers.c.user_id)  # noqa: E731
                                             .where(job_location_workers.c.location_id == location.id)))
    assert workers() == {emma.id, sam.id, newcomer.id}
    assert client.post(f"{url}/{sam.id}/remove", data={"csrf_token": csrf()}).status_code == 302
    assert client.post(f"{url}/{sam.id}/remove", data={"csrf_token": csrf()}).status_code == 404
    assert workers() == {emma.id, newcomer.id}


def test_only_administrators_of_certifications_reach_a_site(client, site, factory, sign_in, csrf):
    location, emma, *_ = site
    sign_in(emma)
    assert client.get(f"/job-locations/{location.id}/clearance").status_code == 404  # not hers: as if none
    asset = Entity(kind="asset", name="Crane", identifier="C-1")
    db.session.add(asset)
    db.session.commit()
    sign_in(factory.user("Administrator"))
    assert client.get(f"/job-locations/{asset.id}/clearance").status_code == 404  # not a job location
    assert client.get("/job-locations/999999/clearance").status_code == 404


def test_the_site_page_loads_in_a_fixed_number_of_queries(client, site, admin, factory, count_queries):
    location, emma, sam, induction, handling = site

    def queries():
        with count_queries() as statements:
            assert client.get(f"/job-locations/{location.id}/clearance").status_code == 200
        return len(statements)

    two = queries()
    for _ in range(10):
        person = factory.user()
        factory.record(person, induction, date(2025, 5, 1))
        db.session.execute(job_location_workers.insert(), [{"location_id": location.id, "user_id": person.id}])
    db.session.commit()
    assert queries() == two


def test_the_job_locations_page_links_its_site_clearance(client, site, admin):
    location, *_ = site
    page = client.get(f"/job-locations/{location.id}").get_data(as_text=True)
    assert f'href="/job-locations/{location.id}/clearance"' in page


def test_the_responsible_user_reads_the_site_clearance_without_changing_it(client, site, factory, sign_in, csrf):
    """Decision 96: the job location's responsible user sees who is cleared, read only; others get 404."""
    location, emma, sam, induction, handling = site
    secret = factory.certification(name="Secret Vetting", hidden_from_levels=[factory.levels["Employee"]])
    db.session.execute(job_location_certifications.insert(), [{"location_id": location.id, "certification_id": secret.id}])
    owner = factory.user(first_name="Olga", last_name="Owner")
    location.owner_id = owner.id
    db.session.commit()
    sign_in(owner)
    url = f"/job-locations/{location.id}/clearance"
    page = client.get(url).get_data(as_text=True)
    assert "Emma Employee: cleared for this site" not in page  # Secret Vetting blocks everyone
    assert "Sam Supervisor" in page and "not cleared for this site" in page and "Manual Handling" in page
    assert "Secret Vetting" not in page and "1 more certification you may not see" in page
    assert 'name="certifications"' not in page and 'name="who"' not in page and "/remove" not in page
    assert f'href="/people/{sam.id}/certifications"' not in page
    assert f'href="{url}"' in client.get(f"/job-locations/{location.id}").get_data(as_text=True)
    # Changing it stays the administrators'.
    assert client.post(f"{url}/workers", data={"csrf_token": csrf(), "who": "emma"}).status_code == 403
    assert client.post(f"{url}/certifications", data={"csrf_token": csrf()}).status_code == 403
    assert client.post(f"{url}/workers/{sam.id}/remove", data={"csrf_token": csrf()}).status_code == 403
    sign_in(factory.user("Supervisor", last_name="Stranger"))
    assert client.get(url).status_code == 404
