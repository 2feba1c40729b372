"""Every route and every form with boundary values: nothing answers 5xx, and a refused request
writes nothing.

The routes come from `app.url_map` and the fields from the forms the pages render, so a new
route or field is fuzzed without touching this file. Path ids are the ids of the demo
organisation's rows (by parameter name) and out-of-range ids.
"""
from __future__ import annotations

import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import literal, select, text
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from webapp.extensions import db
from webapp.models import (
    ActivityDocument,
    Attachment,
    Certificate,
    Certification,
    CertificationGroup,
    CertificationRole,
    Comment,
    CompetencyFile,
    Company,
    Course,
    CoursePage,
    Entity,
    EntityRequirement,
    Form,
    FormField,
    ImportJob,
    LearningIntegration,
    ModuleLevel,
    Notice,
    Payment,
    PushSubscription,
    QuizQuestion,
    RoleAssignment,
    ScheduledReport,
    SharedReport,
    Submission,
    User,
    UserSession,
)
from webapp.services.comments import add_comment
from webapp.services.competency import record_competency_certificate
from webapp.services.demo import load_demo_organisation
from webapp.services.import_kinds import IMPORT_KINDS
from webapp.services.imports import check_import, start_import
from webapp.services.learning import create_integration
from webapp.services.reports import ReportFilters
from webapp.services.scheduled_reports import ScheduleInput, save_scheduled_report
from webapp.services.shared_reports import create_shared_report

INTEGERS = ("9223372036854775808", "2147483648", "-2147483649", "-1", "0", "1e3", "٣")
TEXTS = ("a\x00b", "x" * 10_000, "", "\u202e\ufeff")
DATES = ("0001-01-01", "01/01/0001", "1/1/1", "13/45/2026", "2026-02-30", "9999-12-31", "12/31/9999",
         "06/15/26", "26-06-15")
VALUES = INTEGERS + TEXTS + DATES
# Sent in every query parameter a page links to, and each field on its own: the sharpest of each kind.
SHARP_VALUES = INTEGERS[:2] + TEXTS[:2] + DATES[:2]
SHARPEST = {"integer": INTEGERS[:2], "text": TEXTS[:2], "date": ("01/01/0001", "12/31/9999", "06/15/26")}
PATH_IDS = ("0", "2147483648", "9223372036854775808")
PATH_TEXTS = ("a%00b", "x" * 2_000)
# Ids for path parameters, by name: the row of the demo organisation each one names.
ID_SOURCES = {
    "user_id": select(User.id).where(User.username == "emma"),
    "certification_id": select(Certification.id).where(Certification.name == "Vehicle Pre-Start Check"),
    "submission_id": select(Submission.id).where(Submission.status == "pending").order_by(Submission.id),
    "record_id": select(Submission.id).join(User, Submission.user_id == User.id)
    .where(User.username == "emma", Submission.status == "approved").order_by(Submission.id),
    "attachment_id": select(Attachment.id).order_by(Attachment.id),
    "file_id": select(Attachment.id).where(Attachment.inbox_owner_id.is_not(None)),
    "competency_file_id": select(CompetencyFile.id),
    "assignment_id": select(RoleAssignment.id).join(User).where(User.username == "emma"),
    "comment_id": select(Comment.id),
    "group_id": select(CertificationGroup.id).where(CertificationGroup.name == "Working at Height"),
    "role_id": select(CertificationRole.id).order_by(CertificationRole.id),
    "company_id": select(Company.id).order_by(Company.id.desc()),
    "level_id": select(ModuleLevel.id).where(ModuleLevel.name == "Supervisor"),
    "report_id": select(SharedReport.id),
    "scheduled_id": select(ScheduledReport.id),
    "notice_id": select(Notice.id),
    "document_id": select(ActivityDocument.id),
    "page_id": select(CoursePage.id).order_by(CoursePage.id),
    "integration_id": select(LearningIntegration.id),
    "form_id": select(Form.id),
    "field_id": select(FormField.id).order_by(FormField.id),
    "course_id": select(Course.id),
    "question_id": select(QuizQuestion.id).order_by(QuizQuestion.id),
    "payment_id": select(Payment.id),
    "job_id": select(ImportJob.id),
    "subscription_id": select(PushSubscription.id),
    # The Tower Crane, its association (the asset routes; another kind's routes answer 404), its file.
    "entity_id": select(Entity.id).where(Entity.identifier == "CR-01"),
    "requirement_id": select(EntityRequirement.id).join(Entity).where(Entity.identifier == "CR-01"),
    # The demo's Pier 4 Terminal, which requires two certifications of the people working there.
    "location_id": select(Entity.id).where(Entity.identifier == "JL-01"),
}
TOKEN_SOURCES = {
    "public.qr_report": select(User.qr_token).where(User.username == "emma"),
    "public.qr_report_attachment": select(User.qr_token).where(User.username == "emma"),
    "public.shared_report": select(SharedReport.token),
    "public.shared_report_attachment": select(SharedReport.token),
    "public.qr_report_competency_file": select(User.qr_token).where(User.username == "emma"),
    "public.shared_report_competency_file": select(SharedReport.token),
    "public.verify_certificate": select(Certificate.token),
    "public.calendar": select(User.calendar_token).where(User.username == "emma"),
    "public.asset_status": select(Entity.qr_token).where(Entity.identifier == "CR-01"),
    "data.upload": select(literal("records")),
}
REFUSED = range(400, 500)
ADMINISTRATOR_SHARES = 3


@dataclass
class FormSeen:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page with the values a person who changes nothing would send, and link queries."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSeen] = []
        self.query_names: set[str] = set()
        self._form: FormSeen | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.query_names.update(name for name, _ in parse_qsl(urlsplit(attrs["href"]).query))
        elif tag == "form":
            self._form = FormSeen(attrs.get("action") or self.page_url, (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            name = attrs["name"]
            self._form.kinds.setdefault(name, kind)
            values = self._form.fields.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    values.append(attrs.get("value", "y"))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                values.append(attrs.get("value", ""))
        elif tag == "select":
            self._select, self._first_option, self._selected = attrs["name"], None, False
            self._form.kinds[attrs["name"]] = "select"
            self._form.fields.setdefault(attrs["name"], [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None and value:
                self._first_option = value
            if "selected" in attrs:
                self._form.fields[self._select].append(value)
                self._selected = True
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.kinds[self._textarea] = "textarea"
            self._form.fields[self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None and self._form is not None:
                self._form.fields[self._select].append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _values_for(kind: str, name: str) -> tuple[str, ...]:
    if name == "csrf_token":
        return ()
    if kind == "date" or name.endswith(("_on", "_until", "date")):
        return SHARPEST["date"]
    if kind in ("number", "select", "checkbox", "radio") or name.endswith(("_id", "_ids")):
        return SHARPEST["integer"]
    return SHARPEST["text"]


class Fuzzer:
    """Sends requests as one user; keeps the forms and query names the pages show, and what failed."""

    def __init__(self, app, client, sign_in, csrf, user):
        self.client, self.csrf, self.user = client, csrf, user
        self._sign_in = sign_in
        self.requests = 0
        self.forms: dict[tuple, FormSeen] = {}
        self.query_names: set[str] = {"page"}
        self.failures: list[str] = []
        self.missing: set[str] = set()
        self._rows: tuple | None = None
        self.adapter = app.url_map.bind("localhost")
        tables = db.metadata.sorted_tables
        self._count_rows = text("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t.name}")' for t in tables))

    def rows(self) -> tuple:
        return tuple(db.session.execute(self._count_rows).one())

    def _signed_in(self) -> None:
        """Sign in again only when a request ended the session (sign-out, a password change...): a sign-in
        per request was a third of the test's time."""
        with self.client.session_transaction() as session:
            key = session.get("_user_id")
        if key is None or db.session.scalar(select(UserSession.user_id).where(
                UserSession.key_hash == hashlib.sha256(key.encode()).hexdigest(),
                UserSession.revoked_at.is_(None))) != self.user.id:
            self._sign_in(self.user)
            self._rows = None

    def send(self, method: str, url: str, data=None, note="", headers=None):
        self._signed_in()
        # The counts after a refused request are the next request's counts before it: counted once.
        before = self._rows or self.rows()
        self._rows = None
        self.requests += 1
        where = f"{self.user.username} {method} {url[:120]} {note[:120]!r}"
        try:
            response = self.client.open(url, method=method, data=data, headers=headers)
        except Exception as error:  # noqa: BLE001 - the testing app raises what would be a 500
            db.session.rollback()
            self.failures.append(f"{type(error).__name__}: {str(error)[:150]!r} {where}")
            return None
        db.session.rollback()
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {where}")
        elif response.status_code in REFUSED:
            self._rows = self.rows()
            if self._rows != before:
                self.failures.append(f"refused {response.status_code} but wrote rows: {where}")
        return response

    def read_page(self, url: str, response) -> None:
        if response is None or response.status_code != 200 or response.mimetype != "text/html":
            return
        parser = FormParser(url)
        parser.feed(response.get_data(as_text=True))
        self.query_names |= parser.query_names
        for form in parser.forms:
            path = urlsplit(form.action).path
            try:
                endpoint, _ = self.adapter.match(path, method=form.method.upper())
            except HTTPException:
                continue
            if form.method == "get":
                self.query_names |= set(form.fields)
            self.forms.setdefault((endpoint, form.method), form)


def _real_values(rule) -> dict:
    """The rule's parameters filled with rows of the organisation; None for those it has none of."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            if name not in ID_SOURCES:
                pytest.fail(f"{rule.rule}: add the rows that {name} names to ID_SOURCES")
            values[name] = db.session.scalars(ID_SOURCES[name]).first()
        else:
            source = TOKEN_SOURCES.get(rule.endpoint)
            values[name] = db.session.scalars(source).first() if source is not None else "unknown-token"
    return values


def _build(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    # Deletes and removals last, so the rows they remove were there for every other route.
    return sorted(rules, key=lambda r: (any(w in r.endpoint for w in ("delete", "remove", "logout")), r.rule))


def _fuzz_routes(fuzzer: Fuzzer, app, thorough: bool, share: int, shares: int) -> int:
    """Every page is read (to find the forms and query names); then every `shares`-th route and form from
    `share` on is fuzzed, so that the test workers can share the administrator's thousands of requests."""
    rules = _routes(app)
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        values = _real_values(rule)
        if None in values.values():
            fuzzer.missing.add(rule.rule)
            continue
        url = _build(rule, values)
        fuzzer.read_page(url, fuzzer.send("GET", url))
    for rule in rules[share::shares]:
        values = _real_values(rule)
        for name, converter in rule._converters.items():
            bad = PATH_IDS if isinstance(converter, IntegerConverter) else PATH_TEXTS
            bad = bad if thorough else bad[-1:]
            for value in bad:
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    data = {"csrf_token": fuzzer.csrf()} if method == "POST" else None
                    others = {n: v if v is not None else 1 for n, v in values.items()}
                    fuzzer.send(method, _build(rule, {**others, name: value}), data, note=name)
        if None in values.values():
            continue
        url = _build(rule, values)
        if "GET" in rule.methods:
            for value in SHARP_VALUES if thorough else INTEGERS[:1]:
                fuzzer.send("GET", f"{url}?{urlencode({name: value for name in sorted(fuzzer.query_names)})}",
                            note=f"query={value[:20]}")
        if "POST" in rule.methods:
            for headers in ({}, {"HX-Request": "true"}):
                fuzzer.send("POST", url, {"csrf_token": fuzzer.csrf()}, note="only a CSRF token", headers=headers)
    for form in list(fuzzer.forms.values())[share::shares]:
        if form.method != "post":
            continue
        baseline = {name: values[:] for name, values in form.fields.items()}
        for value in VALUES if thorough else SHARP_VALUES:
            every = {name: ([value] if name != "csrf_token" else values) for name, values in baseline.items()}
            fuzzer.send("POST", form.action, every, note=f"every field={value[:20]}")
        if not thorough:
            continue
        for name in sorted(baseline):
            for value in _values_for(form.kinds.get(name, "text"), name):
                fuzzer.send("POST", form.action, {**baseline, name: [value]}, note=f"{name}={value[:20]}")
    return len(rules)


@pytest.fixture
def organisation(app_context, frozen_clock):
    load_demo_organisation(date(2026, 6, 15))
    emma = db.session.scalar(select(User).where(User.username == "emma"))
    ada = db.session.scalar(select(User).where(User.username == "ada"))
    record = db.session.scalars(select(Submission).where(Submission.user_id == emma.id, Submission.status == "approved")).first()
    db.session.add(Attachment(kind="link", submission=record, name="Card", url="https://example.test/card"))
    db.session.commit()
    add_comment(record, ada, "Checked the card.")
    create_shared_report(ada, "Crew", [emma], [], [record.certification])
    save_scheduled_report(ada, ScheduleInput("Weekly gaps", "weekly", ReportFilters(status="lapsed"), frozenset({ada.id})))
    create_integration(ada, "LMS")
    technician = db.session.scalar(select(CertificationRole).where(CertificationRole.name == "Field Technician"))
    record_competency_certificate(emma, technician, ada, date(2026, 1, 10), None, date(2026, 6, 15),
                                  files=[FileStorage(io.BytesIO(b"%PDF-1.4 assessed"), "assessment.pdf")])
    job = start_import(IMPORT_KINDS["records"], ada, "records.csv",
                       b"Username or E-mail,Certification,Completion Date,Expiration Date,Status,Revocation Reason,Notes\n"
                       b"emma,Vehicle Pre-Start Check,01/02/2026,,,,\n", {})
    check_import(job.id, IMPORT_KINDS["records"], date(2026, 6, 15))
    return ada, emma


# The employee's routes once (the sharpest values), the administrator's thoroughly, in shares.
FUZZ_RUNS = [("emma", False, 0, 1), *(("ada", True, share, ADMINISTRATOR_SHARES) for share in range(ADMINISTRATOR_SHARES))]


@pytest.mark.slow
@pytest.mark.parametrize(("username", "thorough", "share", "shares"), FUZZ_RUNS,
                         ids=[f"{run[0]}-{run[2] + 1}-of-{run[3]}" for run in FUZZ_RUNS])
def test_no_route_or_form_fails_on_boundary_values(app, client, sign_in, csrf, organisation, capsys,
                                                    username, thorough, share, shares):
    user = next(person for person in organisation if person.username == username)
    started = time.monotonic()
    fuzzer = Fuzzer(app, client, sign_in, csrf, user)
    routes = _fuzz_routes(fuzzer, app, thorough, share, shares)
    with capsys.disabled():
        print(f"\nfuzz ({db.engine.dialect.name}, {time.monotonic() - started:.0f} s): {username} share {share + 1} "
              f"of {shares}: {routes} routes, {sum(f.method == 'post' for f in fuzzer.forms.values())} forms, "
              f"{fuzzer.requests} requests ({len(fuzzer.missing)} routes with no row to name)")
    assert not fuzzer.failures, f"{len(fuzzer.failures)} failures:\n" + "\n".join(fuzzer.failures[:80])
