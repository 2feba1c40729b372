"""Who reaches what (ASVS 8.2.1, 8.2.2, 8.3.1): every route in the URL map, requested as six actors, by GET
and POST, as a whole page and as htmx, against the one table below.

Routes that name an object are requested with the other team's object (administrators and anonymous
visitors get South's), so each row also proves the object-level check. Each request runs in a savepoint
that is rolled back afterwards, so what an allowed POST changes never reaches the next request.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.conftest import csrf_token_for
from tests.factories import Factory
from tests.web.two_teams import build_two_teams
from webapp.extensions import db

SIGN_IN, UNSIGNED, FORBIDDEN, NOT_FOUND, OK = "sign-in", "401", "403", "404", "ok"

# endpoint: outcome for (anonymous, employee, supervisor, administrator), for every method and for htmx.
# An employee and a supervisor of either team expect the same, since each is sent the other team's objects.
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "activities.acknowledge": (SIGN_IN, OK, OK, OK),
    "activities.course": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "activities.course_media": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "activities.document_file": (SIGN_IN, OK, OK, OK),
    "activities.fill_form": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "activities.finish_course": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "activities.hold": (SIGN_IN, OK, OK, OK),
    "activities.learning_webhook": (UNSIGNED, UNSIGNED, UNSIGNED, UNSIGNED),
    "activities.show": (SIGN_IN, OK, OK, OK),
    "activity_admin.add_field": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.add_page": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.add_question": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.confirm_payment": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.course_detail": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.courses": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.documents": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.form_detail": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.forms": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.learning": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.move_field": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.move_page": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.new_secret": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.payments": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.remove_field": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.remove_page": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.remove_question": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "activity_admin.toggle_integration": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "audit.export": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "audit.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "auth.accept_invitation": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "auth.end_other_sessions": (SIGN_IN, OK, OK, OK),
    "auth.forgot_password": (OK, OK, OK, OK),
    "auth.login": (OK, OK, OK, OK),
    "auth.logout": (SIGN_IN, OK, OK, OK),
    "auth.password": (SIGN_IN, OK, OK, OK),
    "auth.reset_password": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "auth.sessions": (SIGN_IN, OK, OK, OK),
    # Single sign-on is not configured here (tests/web/test_single_sign_on.py switches it on).
    "auth.sso_callback": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "auth.sso_start": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "certifications.client_choices": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.bulk_defer": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.bulk_email": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.bulk_not_applicable": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.bulk_record": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.create": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "credentials.keys": (OK, OK, OK, OK),
    "credentials.revocations": (OK, OK, OK, OK),
    "credentials.verify": (OK, OK, OK, OK),
    # Jobs are seen only by whoever uploaded the file (the other team's supervisor, here).
    "data.confirm": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "data.export": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "data.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "data.job": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "data.template": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "data.upload": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "job_locations.add_worker": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "job_locations.certifications": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "job_locations.clearance": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),  # its responsible user (own team's) reads it
    # The other team's employee does not work at the job location: nothing to remove.
    "job_locations.remove_worker": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "certifications.delete": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.detail": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.edit": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.edit_group": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.edit_roles": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.erase": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),  # only an archived one, and none is
    "certifications.restore": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.edit_users": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.example": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.group_delete": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.groups": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "certifications.recalculate_preview": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.create": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.delete": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.detail": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.edit": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.edit_roles": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "companies.erase": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "companies.restore": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.add": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.archive": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.associations": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.create": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.detail": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),  # the responsible user (own team's) sees it too
    "entities.edit": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.file": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "entities.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.qr_code_png": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "entities.record": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.remove": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.reset_qr": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.restore": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.restore_association_page": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "entities.revoke": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "files.competency": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "files.view": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "home.index": (SIGN_IN, OK, OK, OK),
    "my_account.certification": (SIGN_IN, OK, OK, OK),
    "my_account.certifications": (SIGN_IN, OK, OK, OK),
    "my_account.offline_pages": (SIGN_IN, OK, OK, OK),
    "my_account.preview": (SIGN_IN, OK, OK, OK),
    "my_account.profile": (SIGN_IN, OK, OK, OK),
    "my_account.push_subscribe": (SIGN_IN, OK, OK, OK),
    # Each is sent the other team's employee's subscription: only its owner may turn it off.
    "my_account.push_unsubscribe": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "my_account.submit": (SIGN_IN, OK, OK, OK),
    "notices.index": (SIGN_IN, OK, OK, OK),
    "notices.outbox": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "notices.outbox_show": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "notices.read": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "notices.read_all": (SIGN_IN, OK, OK, OK),
    "notices.retry": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "notices.show": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "people.account": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.add": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "people.add_direct": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.add_role": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.approve_selected": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.certifications": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.comment_add": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.comment_delete": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.comment_edit": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.deactivate": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.delete_direct": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.competency": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.delete_role": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.end_sessions": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.erase": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "people.hide": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.history": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.index": (SIGN_IN, FORBIDDEN, OK, OK),
    "people.invite": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.manage": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.notify": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.notify_dialog": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.notify_requirement": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.photo": (SIGN_IN, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # Liveness and readiness, for load balancers: "ok"/"unavailable" per check, nothing else.
    "ops.healthz": (OK, OK, OK, OK),
    "ops.readyz": (OK, OK, OK, OK),
    "people.public_photo": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "people.reactivate": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.record": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.record_attach": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.record_dates": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.restore": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "people.revoke": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.record_preview": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.requirement_state": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.show": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "people.supervisor_report": (SIGN_IN, FORBIDDEN, OK, OK),
    "people.training": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "public.asset_status": (OK, OK, OK, OK),
    "public.calendar": (OK, OK, OK, OK),
    "public.qr_report": (OK, OK, OK, OK),
    "public.qr_report_attachment": (OK, OK, OK, OK),
    "public.qr_report_competency_file": (OK, OK, OK, OK),
    "public.shared_report": (OK, OK, OK, OK),
    "public.shared_report_attachment": (OK, OK, OK, OK),
    "public.shared_report_competency_file": (OK, OK, OK, OK),
    "public.verify_certificate": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "pwa.manifest": (OK, OK, OK, OK),
    "pwa.offline": (OK, OK, OK, OK),
    "pwa.service_worker": (OK, OK, OK, OK),
    "qr.mine": (SIGN_IN, OK, OK, OK),
    "qr.png": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "qr.reset": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "qr.show": (SIGN_IN, NOT_FOUND, NOT_FOUND, OK),
    "reports.calendar": (SIGN_IN, OK, OK, OK),
    "reports.calendar_reset": (SIGN_IN, OK, OK, OK),
    "reports.cell": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "reports.export": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.index": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.matrix": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.scheduled": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.scheduled_delete": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "reports.scheduled_edit": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "reports.scheduled_new": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.scheduled_pause": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "reports.scheduled_resume": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "reports.shared": (SIGN_IN, FORBIDDEN, OK, OK),
    "reports.shared_delete": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "reports.shared_show": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "roles.add_user": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "roles.create": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.define": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.delete": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.detail": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.edit_certifications": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.edit_users": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "roles.erase": (SIGN_IN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
    "roles.restore": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.assign_levels": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.create_level": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.delete_level": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_language": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_level": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_naming": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_notifications": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_photos": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.edit_time_zone": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.index": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.module_levels": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.module_settings": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "settings.naming_preview": (SIGN_IN, FORBIDDEN, FORBIDDEN, OK),
    "static": (OK, OK, OK, OK),
    "submissions.approve": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "submissions.approve_selected": (SIGN_IN, FORBIDDEN, OK, OK),
    "submissions.batch": (SIGN_IN, FORBIDDEN, OK, OK),
    "submissions.decline": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "submissions.delete": (SIGN_IN, FORBIDDEN, NOT_FOUND, OK),
    "submissions.inbox": (SIGN_IN, FORBIDDEN, OK, OK),
    "submissions.inbox_attach": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "submissions.inbox_remove": (SIGN_IN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
    "submissions.pending": (SIGN_IN, FORBIDDEN, OK, OK),
}

# A route argument that must name something other than its usual object.
ARGUMENTS = {
    ("people.delete_direct", "certification_id"): "direct_certification_id",
    ("public.qr_report", "token"): "qr_token",
    ("public.qr_report_attachment", "token"): "qr_token",
    ("public.shared_report", "token"): "shared_token",
    ("public.shared_report_attachment", "token"): "shared_token",
    ("public.qr_report_competency_file", "token"): "qr_token",
    ("public.shared_report_competency_file", "token"): "shared_token",
    ("public.calendar", "token"): "calendar_token",
    ("public.verify_certificate", "token"): "certificate_token",
    ("auth.reset_password", "token"): "reset_token",
    ("people.public_photo", "token"): "qr_token",
    ("public.asset_status", "token"): "asset_token",
    ("entities.file", "attachment_id"): "entity_attachment_id",
    **{(f"entities.{endpoint}", "certification_id"): "asset_certification_id"
       for endpoint in ("associations", "add", "revoke", "remove", "restore_association_page")},
    ("entities.revoke", "requirement_id"): "asset_requirement_id",
    ("entities.restore_association_page", "requirement_id"): "asset_requirement_id",
    ("entities.remove", "requirement_id"): "asset_requirement_id",
    # A reset link is no invitation: its token is signed for another purpose.
    ("auth.accept_invitation", "token"): "reset_token",
}
# Routes of one kind of entity (/assets/..., /clients/..., /job-locations/...) name that kind's rows.
KIND_ARGUMENTS = ("entity_id", "requirement_id")


def _argument(rule, name: str) -> str:
    """Which of a team's (or the shared) ids fills the rule's argument `name`."""
    kind = (rule.defaults or {}).get("kind")
    if kind is not None and name in KIND_ARGUMENTS:
        return f"{kind}_{name.removeprefix('entity_')}"
    return ARGUMENTS.get((rule.endpoint, name), name)


COLUMN = {"anonymous": 0, "employee": 1, "supervisor": 2, "administrator": 3}


@pytest.fixture
def rolled_back(app, app_context, monkeypatch):
    """db.session on one connection whose every request can be undone: `undo()` after each request."""
    engine = create_engine(db.engine.url.render_as_string(hide_password=False))
    if engine.dialect.name == "sqlite":
        # pysqlite would commit on a SAVEPOINT's release; let SQLAlchemy own the transaction.
        event.listen(engine, "connect", lambda connection, _: setattr(connection, "isolation_level", None))
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    connection = engine.connect()
    outer = connection.begin()
    session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    monkeypatch.setattr(db, "session", session)
    savepoint = []

    def begin():
        session.remove()
        savepoint.append(connection.begin_nested())

    def undo():
        session.remove()
        savepoint.pop().rollback()

    yield begin, undo
    session.remove()
    outer.rollback()
    connection.close()
    engine.dispose()


def _outcome(response) -> str:
    if response.status_code >= 500:
        return f"error {response.status_code}"
    if response.status_code == 302 and "/auth/login?next=" in response.location:
        return SIGN_IN
    if response.status_code == 401 and "/auth/login?next=" in response.headers.get("HX-Redirect", ""):
        return SIGN_IN  # htmx is sent the whole page to sign-in
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    return OK


@pytest.mark.slow
def test_every_route_answers_each_actor_as_the_table_says(app, client, rolled_back, frozen_clock):
    begin, undo = rolled_back
    teams, shared, administrator = build_two_teams(Factory())
    actors = [("anonymous", None, teams["South"]), ("administrator", administrator, teams["South"])]
    for own, other in (("North", "South"), ("South", "North")):
        actors += [("employee", teams[own].employee, teams[other]), ("supervisor", teams[own].supervisor, teams[other])]
    rules = list(app.url_map.iter_rules())
    token = csrf_token_for(app, client)
    with client.session_transaction() as cookie:
        signed_out = dict(cookie)  # what the token needs in the session; each request starts from it
    wrong, observed = [], {}
    for rule in rules:
        for method in sorted(rule.methods & {"GET", "POST"}):
            for kind, session_id, target in actors:
                values = {name: target.ids.get(_argument(rule, name), shared.get(_argument(rule, name)))
                          for name in rule.arguments}
                url = rule.build(values, append_unknown=False)[1]
                for htmx in (False, True):
                    begin()
                    with client.session_transaction() as cookie:
                        cookie.clear()
                        cookie.update(signed_out)
                        if session_id:
                            cookie["_user_id"], cookie["_fresh"] = session_id, True
                    headers = {"HX-Request": "true"} if htmx else {}
                    try:
                        if method == "GET":
                            response = client.get(url, headers=headers)
                        else:
                            response = client.post(url, data={"csrf_token": token}, headers=headers)
                        outcome = _outcome(response)
                        response.close()  # a streamed body ends in its own request, not in the next one
                    except Exception as error:  # noqa: BLE001 - a crash is an outcome the table never expects
                        outcome = f"error {error!r}"
                    undo()
                    observed.setdefault(rule.endpoint, [set(), set(), set(), set()])[COLUMN[kind]].add(outcome)
                    expected = EXPECTED.get(rule.endpoint, (None,) * 4)[COLUMN[kind]]
                    if outcome != expected:
                        wrong.append(f"{method} {url} as {kind}{' (htmx)' if htmx else ''}: {outcome}, expected {expected}")
    table = "\n".join(f'    "{endpoint}": ({", ".join("|".join(sorted(o)) for o in outcomes)}),'
                      for endpoint, outcomes in sorted(observed.items()))
    assert sorted(EXPECTED) == sorted(observed), f"every route needs one line in EXPECTED; as observed:\n{table}"
    assert not wrong, "\n".join(wrong)
