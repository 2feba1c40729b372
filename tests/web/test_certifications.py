"""Certifications page: table, Add/Edit form validation (one test per documented rule), details tabs, delete."""
import re
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, Certification, CertificationGroup, DirectRequirement, RoleRequirement, Submission


@pytest.fixture
def admin(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def _post(client, csrf, url, **fields):
    data = {"name": "Forklift", "type": "employee", "never_expires": "y", "activity_type": "none", "csrf_token": csrf()}
    data.update(fields)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def _previewed_post(client, csrf, certification, **fields):
    """Save the edit form as a browser does: with the digest of the rule-change preview it shows."""
    url = f"/certifications/{certification.id}"
    data = {"name": "Forklift", "type": "employee", "never_expires": "y", "activity_type": "none", "csrf_token": csrf(),
            **fields}
    preview = client.post(f"{url}/recalculate-preview", headers={"HX-Request": "true"},
                          data={k: v for k, v in data.items() if v is not None})
    digest = re.search(r'name="preview_digest" value="([0-9a-f]{64})"', _page(preview)).group(1)
    return _post(client, csrf, f"{url}/edit", **fields, preview_digest=digest)


EXPIRING = dict(never_expires=None, duration_amount="1", duration_unit="years", first_notice_amount="1",
                first_notice_unit="months", second_notice_amount="1", second_notice_unit="weeks")


def _page(response):
    return response.get_data(as_text=True)


# --- access ---

@pytest.mark.parametrize("path", ["/certifications/", "/certifications/new", "/certifications/{id}", "/certifications/groups",
                                  "/certifications/{id}/edit", "/certifications/{id}/roles",
                                  "/certifications/{id}/users", "/certifications/{id}/delete"])
def test_supervisor_cannot_reach_certification_pages(client, factory, sign_in, path):
    certification = factory.certification()
    sign_in(factory.user("Supervisor"))
    assert client.get(path.format(id=certification.id)).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, app):
    assert client.get("/certifications/").status_code == 302


def test_unknown_certification_is_404(client, admin):
    assert client.get("/certifications/999").status_code == 404
    assert client.get("/certifications/999/edit").status_code == 404


# --- table ---

def test_table_searches_and_filters_by_tag(client, csrf, admin):
    _post(client, csrf, "/certifications/new", name="Forklift", tags="Warehouse")
    _post(client, csrf, "/certifications/new", name="First Aid", tags="Medical")
    page = _page(client.get("/certifications/?q=fork"))
    assert ">Forklift</a>" in page and ">First Aid</a>" not in page
    tag_id = db.session.scalar(select(Certification).where(Certification.name == "First Aid")).tags[0].id
    page = _page(client.get(f"/certifications/?tag={tag_id}", headers={"HX-Request": "true", "HX-Target": "certification-results"}))
    assert ">First Aid</a>" in page and ">Forklift</a>" not in page and "<h1>" not in page


def test_table_loads_in_a_fixed_number_of_queries(client, admin, factory, count_queries):
    def count():
        with count_queries() as queries:
            assert client.get("/certifications/").status_code == 200
        return len(queries)

    factory.certification()
    factory.certification()
    two = count()
    for _ in range(8):
        factory.certification()
    assert count() == two


# --- create and the documented rules ---

def test_create_with_defaults_never_expires(client, csrf, admin):
    page = _page(client.get("/certifications/new"))
    assert 'id="never_expires" name="never_expires" type="checkbox" value="y" checked' in page or (
        'name="never_expires"' in page and "checked" in page)
    response = _post(client, csrf, "/certifications/new")
    certification = db.session.scalar(select(Certification))
    assert response.status_code == 302 and response.location.endswith(f"/certifications/{certification.id}")
    assert certification.expires is False and certification.duration_amount is None


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("parent_id", "There is no certification with the id 999999"),
        ("group_id", "There is no certification group with the id 999999"),
        ("child_ids", "There is no certification with the id 999999"),
        ("hidden_level_ids", "There is no module level with the id 999999"),
        ("attachments_hidden_level_ids", "There is no module level with the id 999999"),
        ("batch_role_ids", "There is no role with the id 999999"),
    ],
)
def test_unknown_ids_are_refused_and_nothing_is_stored(client, csrf, admin, field, message):
    response = _post(client, csrf, "/certifications/new", **{field: "999999"})
    assert response.status_code == 422 and message in _page(response)
    assert db.session.scalar(select(Certification)) is None


def test_an_unknown_id_on_edit_changes_nothing(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    response = _post(client, csrf, f"/certifications/{certification.id}/edit", parent_id="2147483648")
    assert response.status_code == 422 and "There is no certification with the id 2147483648" in _page(response)
    db.session.expire_all()
    assert db.session.get(Certification, certification.id).parent_id is None


def test_name_is_required(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", name="")
    assert response.status_code == 422 and "Enter the certification name." in _page(response)
    assert db.session.scalar(select(Certification)) is None


@pytest.mark.parametrize("character", list(";<>\\/"))
def test_name_cannot_contain_forbidden_characters(client, csrf, admin, character):
    response = _post(client, csrf, "/certifications/new", name=f"Fork{character}lift")
    assert response.status_code == 422 and "cannot contain the characters" in _page(response)


def test_name_must_be_unique(client, csrf, admin, factory):
    factory.certification(name="Forklift")
    response = _post(client, csrf, "/certifications/new", name="forklift")
    assert response.status_code == 422 and "Another certification already has this name." in _page(response)


@pytest.mark.parametrize("missing, message", [
    ("duration_amount", "The duration is required"),
    ("first_notice_amount", "The 1st notice is required"),
    ("second_notice_amount", "The 2nd notice is required"),
])
def test_expiring_certification_requires_duration_and_both_notices(client, csrf, admin, missing, message):
    response = _post(client, csrf, "/certifications/new", **{**EXPIRING, missing: ""})
    page = _page(response)
    assert response.status_code == 422 and message in page
    # The message sits on the right field.
    assert f'id="{missing}-error"' in page


def test_second_notice_must_be_shorter_than_first(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **{**EXPIRING, "second_notice_unit": "months", "second_notice_amount": "2"})
    page = _page(response)
    assert response.status_code == 422 and "The 2nd notice must be shorter than the 1st notice" in page
    assert 'id="second_notice_amount-error"' in page


def test_first_notice_must_be_shorter_than_duration(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **{**EXPIRING, "first_notice_amount": "2", "first_notice_unit": "years"})
    assert response.status_code == 422 and "The 1st notice must be shorter than the duration" in _page(response)


@pytest.mark.parametrize(("fields", "spanish"), [
    ({"first_notice_amount": "2", "first_notice_unit": "years"}, "El 1.er aviso debe ser más corto que la duración"),
    ({"duration_amount": "101"}, "Debe ser como máximo de 100 años"),
])
def test_a_rules_refusal_is_in_the_readers_language(client, csrf, admin, fields, spanish):
    admin.language = "es"
    db.session.commit()
    page = _page(response := _post(client, csrf, "/certifications/new", **{**EXPIRING, **fields}))
    assert response.status_code == 422 and spanish in page
    assert "must be" not in page.replace("Must be", "must be").split("<main", 1)[1]


def test_period_amount_must_be_whole(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **{**EXPIRING, "duration_amount": "1.5"})
    assert response.status_code == 422 and "must be a positive whole number" in _page(response)


@pytest.mark.parametrize(
    ("field", "amount", "message"),
    [
        ("duration_amount", "100000000000000000000", "Must be at most 100 years"),
        ("duration_amount", "101", "Must be at most 100 years"),
        ("first_notice_amount", "100000000000000000000", "Must be at most 1200 months (100 years)"),
        ("second_notice_amount", "-1", "must be a positive whole number"),
    ],
)
def test_huge_periods_are_refused_on_the_form_and_its_live_example(frozen_clock, client, csrf, admin, field, amount,
                                                                    message):
    response = _post(client, csrf, "/certifications/new", **{**EXPIRING, field: amount})
    assert response.status_code == 422 and message in _page(response)
    assert db.session.scalar(select(Certification)) is None
    example = client.post("/certifications/example", headers={"HX-Request": "true"},
                          data={"csrf_token": csrf(), **{k: v for k, v in EXPIRING.items() if v}, field: amount})
    assert example.status_code in (200, 422) and message in _page(example)


@pytest.mark.parametrize(("typed", "message"), [("12/31/9999", "Enter a date from 01/01/1950 to 12/31/2100."),
                                                ("07/01/25", "Enter the year with four digits, as MM/DD/YYYY.")])
def test_forced_expiration_needs_a_sane_year(frozen_clock, client, csrf, admin, typed, message):
    response = _post(client, csrf, "/certifications/new", **EXPIRING, force_expiration="y", forced_expiration=typed)
    assert response.status_code == 422 and message in _page(response)
    assert db.session.scalar(select(Certification)) is None


def test_forced_expiration_needs_a_date(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **EXPIRING, force_expiration="y")
    assert response.status_code == 422 and "Enter the date to force expirations to." in _page(response)


def test_refresher_requires_its_own_duration_and_notices(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **EXPIRING, has_refresher="y")
    page = _page(response)
    assert response.status_code == 422 and 'id="refresher_duration_amount-error"' in page


def test_create_expiring_with_forced_date_and_refresher(client, csrf, admin):
    response = _post(client, csrf, "/certifications/new", **EXPIRING, force_expiration="y", forced_expiration="2025-07-01",
                     use_existing_rule="y", existing_window_opens="first_notice", existing_grace_amount="2",
                     existing_grace_unit="weeks", has_refresher="y", refresher_cost="50", refresher_duration_amount="2",
                     refresher_duration_unit="years", refresher_first_notice_amount="2", refresher_first_notice_unit="months",
                     refresher_second_notice_amount="2", refresher_second_notice_unit="weeks", cost="120.50",
                     time_to_complete="8", time_to_complete_unit="hours")
    assert response.status_code == 302
    certification = db.session.scalar(select(Certification))
    assert certification.forced_expiration == date(2025, 7, 1) and certification.existing_window_opens == "first_notice"
    assert certification.existing_grace_amount == 2 and certification.refresher_duration_amount == 2
    assert str(certification.cost) == "120.50"
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.create"))
    assert audit.actor_id == admin.id and audit.after["name"] == "Forklift"


def test_never_expires_drops_expiring_settings(client, csrf, admin):
    _post(client, csrf, "/certifications/new", **{**EXPIRING, "never_expires": "y"})
    certification = db.session.scalar(select(Certification))
    assert certification.expires is False and certification.first_notice_amount is None


def test_required_at_login_forces_auto_approve(client, csrf, admin):
    _post(client, csrf, "/certifications/new", activity_type="document", required_at_login="y",
          document_file=(BytesIO(b"%PDF-1.4 policy"), "policy.pdf"), document_title="Safety policy",
          document_revision="1", document_revision_date="2026-06-01")
    certification = db.session.scalar(select(Certification))
    assert certification.required_at_login and certification.auto_approve_on_activity


def test_hiding_certification_hides_its_attachments(client, csrf, admin, factory):
    employee = factory.levels["Employee"]
    _post(client, csrf, "/certifications/new", hidden_level_ids=str(employee.id), hide_from_qr_reports="y")
    certification = db.session.scalar(select(Certification))
    assert certification.attachments_hidden_from_levels == [employee]
    assert certification.hide_attachments_from_qr_reports


def test_parent_or_children_never_both(client, csrf, admin, factory):
    parent, child = factory.certification(name="Parent"), factory.certification(name="Child")
    response = _post(client, csrf, "/certifications/new", parent_id=str(parent.id), child_ids=str(child.id))
    assert response.status_code == 422 and "a parent or children, not both" in _page(response)


def test_certification_cannot_be_its_own_parent(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    response = _post(client, csrf, f"/certifications/{certification.id}/edit", parent_id=str(certification.id))
    assert response.status_code == 422 and "cannot be its own parent" in _page(response)


def test_child_cannot_become_a_parent_of_its_own(client, csrf, admin, factory):
    grand = factory.certification(name="Grand")
    middle = factory.certification(name="Middle", parent_id=grand.id)
    response = _post(client, csrf, "/certifications/new", parent_id=str(middle.id))
    assert response.status_code == 422 and "is itself a child" in _page(response)


def test_type_cannot_change_once_records_exist(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    factory.record(factory.user(), certification, date(2026, 1, 1))
    response = _post(client, csrf, f"/certifications/{certification.id}/edit", type="asset")
    assert response.status_code == 422 and "The type cannot change" in _page(response)


def test_type_can_change_without_records(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    assert _post(client, csrf, f"/certifications/{certification.id}/edit", type="asset").status_code == 302
    assert db.session.get(Certification, certification.id).type == "asset"


def test_editing_tracking_settings_keeps_stored_expirations_and_changes_status(frozen_clock, client, csrf, admin, factory):
    certification = factory.yearly_certification(name="Forklift")
    worker = factory.user()
    factory.require(worker, certification)
    record = factory.record(worker, certification, date(2025, 7, 1))
    assert record.expires_on == date(2026, 7, 1)
    before = _page(client.get(f"/certifications/{certification.id}?tab=users"))
    assert "status-due" in before  # 1st notice of 1 month: blue from 06/01/2026
    response = _previewed_post(client, csrf, certification,
                               **{**EXPIRING, "first_notice_amount": "1", "first_notice_unit": "weeks",
                                  "second_notice_amount": "1", "second_notice_unit": "days"})
    assert response.status_code == 302
    assert db.session.get(Submission, record.id).expires_on == date(2026, 7, 1)
    after = _page(client.get(f"/certifications/{certification.id}?tab=users"))
    assert "status-valid" in after and "status-due" not in after
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.update"))
    assert audit.before["first_notice_unit"] == "months" and audit.after["first_notice_unit"] == "weeks"


def test_edit_form_shows_saved_values(client, admin, factory):
    certification = factory.yearly_certification(name="Forklift")
    page = _page(client.get(f"/certifications/{certification.id}/edit"))
    assert 'value="Forklift"' in page and 'name="duration_amount" size="4" type="text" value="1"' in page


def test_periods_of_one_are_singular_on_the_list_and_details(client, admin, factory):
    certification = factory.yearly_certification(name="Forklift", has_refresher=True, refresher_duration_amount=1,
                                                 refresher_duration_unit="years", refresher_first_notice_amount=1,
                                                 refresher_first_notice_unit="months", refresher_second_notice_amount=2,
                                                 refresher_second_notice_unit="weeks")
    listing = _page(client.get("/certifications/"))
    details = _page(client.get(f"/certifications/{certification.id}"))
    assert "1 year" in listing and "1 years" not in listing
    assert "<dd>1 year</dd>" in details and "1 month before expiration" in details and "1 week before" in details
    assert "valid 1 year; notices 1 month and 2 weeks" in details
    assert not any(f"1 {unit}s" in details for unit in ("day", "week", "month", "year"))


# --- live example ---

def test_live_example_uses_the_rules(frozen_clock, client, csrf, admin):
    response = client.post("/certifications/example", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), "activity_type": "none", "name": "x", **{k: v for k, v in EXPIRING.items() if v}})
    page = _page(response)
    assert "Completed today (06/15/2026): expires 06/15/2027" in page
    assert "turns blue on 05/15/2027, yellow on 06/08/2027" in page and "<h1>" not in page


def test_live_example_reports_rule_errors(frozen_clock, client, csrf, admin):
    response = client.post("/certifications/example", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), **{k: v for k, v in EXPIRING.items() if v}, "second_notice_amount": "2",
                                 "second_notice_unit": "months"})
    assert "The 2nd notice must be shorter than the 1st notice" in _page(response)


# --- details tabs ---

def test_detail_tabs(client, admin, factory):
    certification = factory.yearly_certification(name="Forklift")
    company = factory.company(name="Acme")
    factory.role(certification, companies=[company], name="Driver")
    assert "Certification Info" in _page(client.get(f"/certifications/{certification.id}"))
    roles = _page(client.get(f"/certifications/{certification.id}?tab=roles"))
    assert "Driver" in roles and "Acme" in roles
    assert client.get(f"/certifications/{certification.id}?tab=nope").status_code == 404


def test_associated_roles_and_users_refuse_unknown_ids(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    acme = factory.company(name="Acme")
    driver = factory.role(certification, companies=[acme], name="Driver")
    worker = factory.user(company=acme)
    cells = client.post(f"/certifications/{certification.id}/roles",
                        data={"csrf_token": csrf(), "cell": [f"{driver.id}:{acme.id}", f"{driver.id}:999999"]})
    assert cells.status_code == 422 and f"There is no role and company {driver.id}:999999" in _page(cells)
    assert {(r.role_id, r.company_id) for r in db.session.scalars(select(RoleRequirement))} == {(driver.id, acme.id)}
    users = client.post(f"/certifications/{certification.id}/users",
                        data={"csrf_token": csrf(), "user_id": [str(worker.id), "999999"]})
    assert users.status_code == 422 and "not among the people you manage" in _page(users)
    assert db.session.scalar(select(func.count()).select_from(DirectRequirement)) == 0


def test_edit_associated_roles_grid(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    acme, beta = factory.company(name="Acme"), factory.company(name="Beta")
    driver = factory.role(certification, companies=[acme], name="Driver")
    response = client.post(f"/certifications/{certification.id}/roles",
                           data={"csrf_token": csrf(), "cell": [f"{driver.id}:{beta.id}"]})
    assert response.status_code == 302
    cells = {(r.role_id, r.company_id) for r in db.session.scalars(select(RoleRequirement))}
    assert cells == {(driver.id, beta.id)}


def test_associated_users_and_other_required_assignment(frozen_clock, client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    worker = factory.user(first_name="Wanda", last_name="Worker")
    response = client.post(f"/certifications/{certification.id}/users", data={"csrf_token": csrf(), "user_id": [str(worker.id)]})
    assert response.status_code == 302
    assert db.session.scalar(select(DirectRequirement)).user_id == worker.id
    page = _page(client.get(f"/certifications/{certification.id}?tab=users"))
    assert "Worker, Wanda" in page and "Nothing on File" in page


def test_associated_users_page_in_fixed_queries(frozen_clock, client, admin, factory, count_queries):
    certification = factory.yearly_certification(name="Forklift")

    def count():
        with count_queries() as queries:
            client.get(f"/certifications/{certification.id}?tab=users")
        return len(queries)

    for _ in range(2):
        factory.require(factory.user(), certification)
    two = count()
    for _ in range(8):
        factory.require(factory.user(), certification)
    assert count() == two


# --- delete ---

def test_delete_asks_for_confirmation_and_deletes_a_certification_without_records(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    page = _page(client.get(f"/certifications/{certification.id}/delete"))
    assert "Nobody has a record of Forklift" in page and "Permanently Delete Certification" in page
    response = client.post(f"/certifications/{certification.id}/delete", data={"csrf_token": csrf()})
    assert response.status_code == 302
    assert db.session.scalar(select(Certification)) is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.delete")).before["name"] == "Forklift"


def test_delete_without_csrf_changes_nothing(client, admin, factory):
    certification = factory.certification(name="Forklift")
    assert client.post(f"/certifications/{certification.id}/delete").status_code == 400
    assert db.session.get(Certification, certification.id) is not None


# --- certification groups ---

def test_groups_nest_and_filter_includes_subgroups(client, csrf, admin, factory):
    assert client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Safety"}).status_code == 302
    safety = db.session.scalar(select(CertificationGroup))
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Lifting", "parent_id": str(safety.id)})
    lifting = db.session.scalar(select(CertificationGroup).where(CertificationGroup.name == "Lifting"))
    assert lifting.parent_id == safety.id
    factory.certification(name="Crane", group_id=lifting.id)
    factory.certification(name="Loose")
    page = _page(client.get(f"/certifications/?group={safety.id}"))
    assert ">Crane</a>" in page and ">Loose</a>" not in page


def test_group_name_required_and_unique_in_its_folder(client, csrf, admin):
    assert "Enter the group name." in _page(client.post("/certifications/groups", data={"csrf_token": csrf(), "name": ""}))
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Safety"})
    response = client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "safety"})
    assert response.status_code == 422 and "already has a group with this name" in _page(response)


def test_rename_and_move_group_with_its_certifications(client, csrf, admin, factory):
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Safety"})
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Yard"})
    safety, yard = (db.session.scalar(select(CertificationGroup).where(CertificationGroup.name == n)) for n in ("Safety", "Yard"))
    crane = factory.certification(name="Crane", group_id=yard.id)
    response = client.post(f"/certifications/groups/{yard.id}", data={"csrf_token": csrf(), "name": "Yard work", "parent_id": str(safety.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert yard.name == "Yard work" and yard.parent_id == safety.id
    assert ">Crane</a>" in _page(client.get(f"/certifications/?group={safety.id}"))
    assert db.session.get(Certification, crane.id).group_id == yard.id


def test_group_cannot_move_into_its_own_subgroup(client, csrf, admin):
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Safety"})
    safety = db.session.scalar(select(CertificationGroup))
    client.post("/certifications/groups", data={"csrf_token": csrf(), "name": "Lifting", "parent_id": str(safety.id)})
    lifting = db.session.scalar(select(CertificationGroup).where(CertificationGroup.name == "Lifting"))
    response = client.post(f"/certifications/groups/{safety.id}", data={"csrf_token": csrf(), "name": "Safety", "parent_id": str(lifting.id)})
    assert response.status_code == 422 and "cannot move into itself" in _page(response)


def _group(name, parent=None):
    group = CertificationGroup(name=name, parent_id=parent.id if parent else None)
    db.session.add(group)
    db.session.commit()
    return group


def test_move_offers_neither_the_group_nor_its_subgroups(client, admin):
    safety = _group("Safety")
    lifting = _group("Lifting", safety)
    cranes = _group("Cranes", lifting)
    other = _group("Other")
    page = _page(client.get(f"/certifications/groups/{safety.id}"))
    offered = page[page.index('name="parent_id"'):page.index("</select>", page.index('name="parent_id"'))]
    assert f'value="{other.id}"' in offered and "Top level" in offered
    for group in (safety, lifting, cranes):
        assert f'value="{group.id}"' not in offered
    sub_page = _page(client.get(f"/certifications/groups/{lifting.id}"))
    offered = sub_page[sub_page.index('name="parent_id"'):sub_page.index("</select>", sub_page.index('name="parent_id"'))]
    assert f'value="{safety.id}"' in offered and f'value="{cranes.id}"' not in offered


def test_moving_a_group_under_a_deeper_subgroup_is_refused(client, csrf, admin):
    safety = _group("Safety")
    cranes = _group("Cranes", _group("Lifting", safety))
    response = client.post(f"/certifications/groups/{safety.id}",
                           data={"csrf_token": csrf(), "name": "Safety", "parent_id": str(cranes.id)})
    assert response.status_code == 422 and "cannot move into itself or one of its own subgroups" in _page(response)
    db.session.expire_all()
    assert db.session.get(CertificationGroup, safety.id).parent_id is None


def test_delete_group_moves_its_certifications_and_subgroups_up(client, csrf, admin, factory):
    safety = _group("Safety")
    lifting = _group("Lifting", safety)
    cranes = _group("Cranes", lifting)
    crane = factory.certification(name="Crane", group_id=lifting.id)
    assert f"/certifications/groups/{lifting.id}/delete" in _page(client.get("/certifications/groups"))
    page = _page(client.get(f"/certifications/groups/{lifting.id}/delete"))
    assert "they move to the group Safety" in page
    response = client.post(f"/certifications/groups/{lifting.id}/delete", data={"csrf_token": csrf()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CertificationGroup, lifting.id) is None
    assert db.session.get(Certification, crane.id).group_id == safety.id
    assert db.session.get(CertificationGroup, cranes.id).parent_id == safety.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification_group.delete"))
    assert entry.before["certification_ids"] == [crane.id] and entry.before["subgroup_ids"] == [cranes.id]


def test_delete_group_refused_when_a_subgroup_name_is_taken_above(client, csrf, admin):
    safety = _group("Safety")
    _group("Cranes", safety)
    lifting = _group("Lifting", safety)
    _group("cranes", lifting)
    response = client.post(f"/certifications/groups/{lifting.id}/delete", data={"csrf_token": csrf()})
    assert response.status_code == 422 and "already has a group named cranes" in _page(response)
    assert db.session.get(CertificationGroup, lifting.id) is not None
    assert client.post(f"/certifications/groups/{lifting.id}/delete").status_code == 400
    assert client.get("/certifications/groups/99999/delete").status_code == 404


# --- recalculate existing records ---

def _three_records(factory):
    certification = factory.yearly_certification(name="Forklift")
    for month in (1, 2, 3):
        factory.record(factory.user(), certification, date(2026, month, 10))
    return certification


def test_recalculate_preview_counts_changes_and_changes_nothing(frozen_clock, client, csrf, admin, factory):
    certification = _three_records(factory)
    response = client.post(f"/certifications/{certification.id}/recalculate-preview", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf(), "name": "Forklift", **{k: v for k, v in EXPIRING.items() if v},
                                 "duration_amount": "2"})
    assert "<strong>3</strong> existing records would get a new expiration date if you recalculate." in _page(response)
    assert {r.expires_on.year for r in db.session.scalars(select(Submission))} == {2027}
    unchanged = client.post(f"/certifications/{certification.id}/recalculate-preview", headers={"HX-Request": "true"},
                            data={"csrf_token": csrf(), "name": "Forklift", **{k: v for k, v in EXPIRING.items() if v}})
    assert "<strong>0</strong> existing records" in _page(unchanged)


def test_recalculate_rewrites_stored_expirations_only_when_chosen(frozen_clock, client, csrf, admin, factory):
    certification = _three_records(factory)
    url = f"/certifications/{certification.id}/edit"
    _post(client, csrf, url, **{**EXPIRING, "duration_amount": "2"})
    assert {r.expires_on.year for r in db.session.scalars(select(Submission))} == {2027}
    assert _post(client, csrf, url, **{**EXPIRING, "duration_amount": "2"}, recalculate="y").status_code == 422
    assert _previewed_post(client, csrf, certification, **{**EXPIRING, "duration_amount": "2"},
                           recalculate="y").status_code == 302
    db.session.expire_all()
    assert {r.expires_on.year for r in db.session.scalars(select(Submission))} == {2028}
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certification.recalculate"))
    assert sorted(audit.before.values())[0].startswith("2027") and sorted(audit.after.values())[0].startswith("2028")


# --- supporting attachments ---

def test_supporting_file_and_link_are_attached_and_removable(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    url = f"/certifications/{certification.id}/edit"
    response = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": csrf(), "name": "Forklift", "type": "employee", "never_expires": "y", "activity_type": "none",
        "supporting_files": [(BytesIO(b"%PDF-1.4 manual"), "manual.pdf")],
        "supporting_link": "https://example.test/video", "supporting_link_title": "Training video",
    })
    assert response.status_code == 302
    names = {a.name: a for a in db.session.get(Certification, certification.id).supporting_attachments}
    assert set(names) == {"manual.pdf", "Training video"}
    page = _page(client.get(f"/certifications/{certification.id}"))
    assert "manual.pdf" in page and "https://example.test/video" in page
    client.post(url, data={"csrf_token": csrf(), "name": "Forklift", "type": "employee", "never_expires": "y",
                           "activity_type": "none", "remove_attachment_ids": str(names["manual.pdf"].id)})
    db.session.expire_all()
    assert [a.name for a in db.session.get(Certification, certification.id).supporting_attachments] == ["Training video"]


def test_unacceptable_supporting_file_is_refused(client, csrf, admin, factory):
    response = client.post("/certifications/new", content_type="multipart/form-data", data={
        "csrf_token": csrf(), "name": "Forklift", "type": "employee", "never_expires": "y", "activity_type": "none",
        "supporting_files": [(BytesIO(b"MZ\x90\x00binary"), "tool.exe")],
    })
    assert response.status_code == 422 and "tool.exe is not a type we accept" in _page(response)
    assert db.session.scalar(select(Certification)) is None


def test_children_must_not_have_another_parent(client, csrf, admin, factory):
    other = factory.certification(name="Other")
    child = factory.certification(name="Child", parent_id=other.id)
    response = _post(client, csrf, "/certifications/new", child_ids=str(child.id))
    assert response.status_code == 422 and "must not already have another parent" in _page(response)


def test_switching_from_children_to_a_parent_in_one_save(client, csrf, admin, factory):
    certification = factory.certification(name="Forklift")
    child = factory.certification(name="Child", parent_id=certification.id)
    parent = factory.certification(name="Parent")
    assert _post(client, csrf, f"/certifications/{certification.id}/edit", parent_id=str(parent.id)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Certification, certification.id).parent_id == parent.id
    assert db.session.get(Certification, child.id).parent_id is None


@pytest.mark.parametrize("field, value, message", [
    ("cost", "9223372036854775808", "Enter a cost from 0 to 9,999,999,999.99."),
    ("time_to_complete", "2147483648", "Enter a time from 0 to 999,999.99."),
    ("tags", "x" * 81, "Keep each tag to 80 characters."),
])
def test_numbers_and_tags_beyond_what_is_stored_are_refused(client, factory, sign_in, csrf, field, value, message):
    certification = factory.yearly_certification(name="Crane")
    sign_in(factory.user("Administrator"))
    response = client.post(f"/certifications/{certification.id}/edit",
                           data={"csrf_token": csrf(), "name": "Crane", "expires": "y", "duration_amount": "1",
                                 "duration_unit": "years", field: value})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_company_tag_beyond_what_is_stored_is_refused(client, factory, sign_in, csrf):
    company = factory.company(name="Acme")
    sign_in(factory.user("Administrator"))
    response = client.post(f"/companies/{company.id}/edit", data={"csrf_token": csrf(), "name": "Acme", "tags": "y" * 81})
    assert response.status_code == 422 and "Keep each tag to 80 characters." in response.get_data(as_text=True)
