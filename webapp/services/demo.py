"""The demo organisation: companies, roles, certifications covering every tracking
option, 40+ people and records in every status, relative to the day it is loaded; people added,
invited and deactivated through the services the People pages use, one with a photo."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF
from PIL import Image, ImageDraw
from sqlalchemy import insert, select

from webapp.extensions import db
from webapp.models import (
    Certification,
    CertificationForm,
    CertificationGroup,
    CertificationRole,
    Company,
    CompanyRole,
    Course,
    CoursePage,
    DirectRequirement,
    Entity,
    EntityAttachment,
    EntityRecord,
    EntityRequirement,
    Form,
    FormField,
    QuizQuestion,
    RequirementSetting,
    RoleAssignment,
    RoleRequirement,
    Submission,
    Tag,
    User,
    job_location_certifications,
    job_location_workers,
    utcnow,
)
from webapp.rules import expiration_for
from webapp.services.accounts import hash_password
from webapp.services.activities import DocumentUpload, add_document_revision
from webapp.services.compliance import tracking_policy
from webapp.services.organisation import create_user, ensure_built_in_module_levels
from webapp.services.people import AccountInput, create_person, deactivate_person
from webapp.services.storage import CheckedUpload, store_file

DEMO_PASSWORD = "fieldcert-demo"


@dataclass(frozen=True)
class DemoAccount:
    level: str
    username: str
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("Employee", "emma", DEMO_PASSWORD),
    DemoAccount("Supervisor", "sam", DEMO_PASSWORD),
    DemoAccount("Administrator", "ada", DEMO_PASSWORD),
)

M, W, D, Y = "months", "weeks", "days", "years"


def _expiring(amount, unit, first=(1, M), second=(1, W), **extra) -> dict:
    return dict(
        expires=True,
        duration_amount=amount,
        duration_unit=unit,
        first_notice_amount=first[0],
        first_notice_unit=first[1],
        second_notice_amount=second[0],
        second_notice_unit=second[1],
        **extra,
    )


# name -> (group, settings); every tracking option of PRODUCT.md appears at least once.
CERTIFICATIONS: dict[str, tuple[str, dict]] = {
    "First Aid": ("Safety", _expiring(1, Y, information="Basic first aid and AED use.", issuer="Red Cross")),
    "CPR": ("Safety", _expiring(1, Y, first=(6, W), second=(2, W))),
    "Working at Height": ("Working at Height", _expiring(1, Y, extend_to="month", generate_certificate_on_approval=True)),
    "Advanced Fall Protection": ("Working at Height", _expiring(2, Y)),
    "Forklift Operator": ("Plant and Vehicles", _expiring(3, Y, extend_to="year", require_attachment=True)),
    "Annual Safety Refresher": ("Safety", _expiring(1, Y, forced_expiration=date(2025, 7, 1))),
    "Confined Space Entry": (
        "Safety",
        _expiring(
            1, Y, forced_expiration=date(2025, 7, 1), existing_window_opens="first_notice",
            existing_grace_amount=2, existing_grace_unit=W,
        ),
    ),
    "Electrical Licence": (
        "Trade Licences",
        _expiring(2, Y, first=(3, M), second=(1, M), existing_window_opens="second_notice", issuer="State Licensing Board"),
    ),
    "Scaffold Inspection": (
        "Trade Licences",
        _expiring(6, M, first=(30, D), second=(7, D), existing_window_opens="custom",
                  existing_window_amount=60, existing_window_unit=D),
    ),
    "H2S Awareness": (
        "Safety",
        _expiring(1, Y, has_refresher=True, refresher_duration_amount=2, refresher_duration_unit=Y,
                  refresher_first_notice_amount=2, refresher_first_notice_unit=M,
                  refresher_second_notice_amount=2, refresher_second_notice_unit=W,
                  refresher_cost=45, refresher_time_to_complete=2, refresher_time_to_complete_unit="hours"),
    ),
    "Hot Work Permit": ("Safety", _expiring(6, M, first=(30, D), second=(7, D), allow_upcoming=True)),
    "Fire Warden": ("Safety", _expiring(2, Y, require_attachment=True, attach_files_to_approval_emails=True)),
    "Manual Handling": ("Safety", _expiring(3, Y, auto_approve_submissions=True, generate_certificate_on_approval=True,
                                            hide_expiration_on_certificate=True)),
    "Defensive Driving": ("Plant and Vehicles", _expiring(3, Y, first=(2, M), second=(2, W), allow_batch_submission=True)),
    "Asbestos Awareness": ("Safety", _expiring(1, Y, hide_attachments_from_qr_reports=True)),
    "Site Induction": ("Policies", dict(expires=False, information="Your first day on any site.", cost=0)),
    "Code of Conduct": ("Policies", dict(expires=False, hide_from_shared_reports=True)),
    "Medical Fitness": ("Policies", _expiring(2, Y, hide_from_qr_reports=True)),
}

ROLES: dict[str, tuple[str, list[str]]] = {
    "Field Technician": (
        "Installs and services equipment on client sites.",
        ["Site Induction", "First Aid", "Working at Height", "Confined Space Entry", "H2S Awareness", "Manual Handling", "Medical Fitness"],
    ),
    "Electrician": (
        "Licensed electrical work.",
        ["Site Induction", "Electrical Licence", "CPR", "Asbestos Awareness", "Annual Safety Refresher"],
    ),
    "Scaffolder": (
        "Erects and inspects scaffolding.",
        ["Site Induction", "Scaffold Inspection", "Working at Height", "Forklift Operator"],
    ),
    "Site Supervisor": (
        "Runs a site crew.",
        ["Site Induction", "First Aid", "Fire Warden", "Defensive Driving", "Code of Conduct"],
    ),
    "Office Staff": ("Works from the office.", ["Code of Conduct", "Fire Warden"]),
}

COMPANIES = ("Northwind Field Services", "Harbor Electrical", "Summit Scaffolding")

FIRST_NAMES = (
    "Liam Olivia Noah Ava Mateo Sofia Lucas Mia Amir Zara Kenji Aiko Tomas Ines Omar Leila Ravi Priya Jonas Freya "
    "Diego Lucia Kofi Ama Ivan Nadia Hugo Chloe Felix Maya Arjun Sana Erik Ingrid Pablo Carmen Yusuf Hana Owen Ruth"
).split()
LAST_NAMES = (
    "Walker Chen Okafor Silva Novak Haddad Tanaka Kowalski Murphy Rossi Dubois Nguyen Larsen Fischer Costa Patel "
    "Ahmed Moreau Schmidt Ibrahim"
).split()


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.username == "ada")) is not None


def load_demo_organisation(today: date) -> bool:
    """Load the demo organisation unless it is there already; True when it was loaded."""
    if demo_loaded():
        return False
    rng = random.Random(20261123)
    levels = ensure_built_in_module_levels()
    password_hash = hash_password(DEMO_PASSWORD)  # once: scrypt is slow on purpose
    companies = [Company(name=name, is_original=True if i == 0 else None) for i, name in enumerate(COMPANIES)]
    companies[0].url = "https://northwind.example"
    companies[0].tags = [Tag(name="Head office")]
    db.session.add_all(companies)

    groups = {}
    safety = CertificationGroup(name="Safety")
    for name in ("Safety", "Working at Height", "Plant and Vehicles", "Trade Licences", "Policies"):
        groups[name] = safety if name == "Safety" else CertificationGroup(
            name=name, parent=safety if name == "Working at Height" else None
        )
    certifications = {
        name: Certification(name=name, group=groups[group], **settings) for name, (group, settings) in CERTIFICATIONS.items()
    }
    certifications["Working at Height"].parent = certifications["Advanced Fall Protection"]
    db.session.add_all(certifications.values())

    roles = {}
    for name, (description, required) in ROLES.items():
        role = CertificationRole(name=name, description=description)
        roles[name] = role
        for company in companies:
            if name == "Scaffolder" and company.name == "Harbor Electrical":
                continue
            company_role = CompanyRole(company=company, role=role, description=f"{description} ({company.name})")
            company_role.requirements = [RoleRequirement(certification=certifications[c]) for c in required]
            db.session.add(company_role)
    certifications["Defensive Driving"].batch_roles = [roles["Site Supervisor"]]
    # Field Technicians are assessed for competency every 2 years, warned a month before.
    roles["Field Technician"].require_competency = roles["Field Technician"].competency_expires = True
    roles["Field Technician"].competency_duration_amount, roles["Field Technician"].competency_duration_unit = 2, Y
    roles["Field Technician"].competency_lead_time_amount, roles["Field Technician"].competency_lead_time_unit = 1, M
    db.session.flush()

    ada = create_user(username="ada", email="ada@demo.fieldcert.org", first_name="Ada", last_name="Admin",
                      password_hash=password_hash, company=companies[0], job_title="Compliance manager")
    ada.module_levels = [levels["Administrator"], levels["Supervisor"], levels["Employee"]]
    sam = create_user(username="sam", email="sam@demo.fieldcert.org", first_name="Sam", last_name="Supervisor",
                      password_hash=password_hash, company=companies[0], job_title="Site supervisor")
    sam.module_levels = [levels["Supervisor"]]
    emma = create_user(username="emma", email="emma@demo.fieldcert.org", first_name="Emma", last_name="Employee",
                       password_hash=password_hash, company=companies[0], job_title="Field technician")
    emma.module_levels = [levels["Employee"]]
    emma.supervisors = [sam]
    nora = create_user(username="nora", email="nora@demo.fieldcert.org", first_name="Nora", last_name="North",
                       password_hash=password_hash, company=companies[1], job_title="Site supervisor")
    nora.module_levels = [levels["Supervisor"]]
    people = []
    for i in range(40):
        first, last = FIRST_NAMES[i], LAST_NAMES[i % len(LAST_NAMES)]
        person = create_user(
            username=f"{first.lower()}.{last.lower()}", email=f"{first.lower()}.{last.lower()}@demo.fieldcert.org",
            first_name=first, last_name=last, password_hash=password_hash, company=companies[i % 3],
            hidden=(i % 17 == 16), active=(i != 39),
        )
        person.module_levels = [levels["Employee"]]
        person.supervisors = [sam if i % 2 == 0 else nora]
        people.append(person)
    db.session.flush()

    _assign(emma, roles["Field Technician"])
    _assign(sam, roles["Site Supervisor"])
    _assign(nora, roles["Site Supervisor"])
    role_names = list(ROLES)
    required = {sam: ROLES["Site Supervisor"][1], nora: ROLES["Site Supervisor"][1]}
    for i, person in enumerate(people):
        held = [role_names[i % len(role_names)]] + ([role_names[(i + 1) % len(role_names)]] if i % 7 == 0 else [])
        for n, role_name in enumerate(held):
            _assign(person, roles[role_name], training_until=today + timedelta(days=20) if i % 11 == 3 and n == 0 else None)
        required[person] = sorted({name for role_name in held for name in ROLES[role_name][1]})
    db.session.flush()

    _emma_in_every_status(emma, sam, roles, certifications, today)
    _activities(ada, emma, today)
    for person, names in required.items():
        _random_history(person, ada, [certifications[name] for name in names], today, rng)
    _entities_in_every_status({"asset": sam, "client": ada, "location": nora}, today)
    _job_location_site(emma, sam, certifications)
    _client_labels(certifications)
    db.session.commit()
    _people_added_by_ada(ada, sam, companies, roles, today)
    return True


def _portrait() -> bytes:
    """A drawn head and shoulders, made at load time so no binary file is kept in the repository."""
    image = Image.new("RGB", (600, 600), (32, 96, 144))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 380, 480, 760), fill=(240, 170, 40))
    draw.ellipse((200, 120, 400, 340), fill=(236, 200, 170))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _people_added_by_ada(ada, sam, companies, roles, today) -> None:
    """Added as on the Add Person page: one with a photo and a role in training, one invited and
    waiting, and two who left, deactivated."""
    def account(first, last, **fields):
        return AccountInput(first_name=first, last_name=last, username=f"{first.lower()}.{last.lower()}",
                            email=f"{first.lower()}.{last.lower()}@demo.fieldcert.org", **fields)

    create_person(ada, account("Priya", "Patel", job_title="Electrician", phone="+1 555 0142", employee_number="E-1042",
                               company_id=companies[1].id, supervisor_ids=frozenset({sam.id})),
                  roles={roles["Field Technician"].id: today + timedelta(days=30)}, photo=_portrait(), day=today,
                  invite=False)
    create_person(ada, account("Omar", "Haddad", job_title="Apprentice", employee_number="E-1043",
                               company_id=companies[0].id, supervisor_ids=frozenset({sam.id})),
                  roles={roles["Field Technician"].id: None}, day=today)
    for first, last, number in (("Lena", "Lindqvist", "E-0871"), ("Victor", "Vance", "E-0655")):
        leaver = create_person(ada, account(first, last, employee_number=number, company_id=companies[2].id),
                               roles={roles["Scaffolder"].id: None}, day=today, invite=False)
        deactivate_person(leaver, ada)


def _job_location_site(emma, sam, certifications) -> None:
    """Pier 4 Terminal requires two certifications of the people working there (decision 76): Emma holds
    both and is cleared for it; Sam has no Manual Handling on file and is not."""
    site = db.session.scalar(select(Entity).where(Entity.kind == "location", Entity.identifier == "JL-01"))
    db.session.execute(insert(job_location_certifications), [
        {"location_id": site.id, "certification_id": certifications[name].id}
        for name in ("Site Induction", "Manual Handling")])
    db.session.execute(insert(job_location_workers),
                       [{"location_id": site.id, "user_id": person.id} for person in (emma, sam)])


# Employee certifications and the clients they apply to (decision 94): work for those clients calls for them.
CLIENT_LABELS = {"H2S Awareness": ("CL-100",), "Confined Space Entry": ("CL-100",),
                 "Asbestos Awareness": ("CL-200", "CL-300")}


def _client_labels(certifications) -> None:
    clients = {client.identifier: client for client in db.session.scalars(select(Entity).where(Entity.kind == "client"))}
    for name, identifiers in CLIENT_LABELS.items():
        certifications[name].clients = [clients[identifier] for identifier in identifiers]


def _assign(user, role, training_until=None, notes=None) -> None:
    db.session.add(RoleAssignment(user=user, role=role, training_until=training_until, training_notes=notes))


def _record(user, certification, completed_on, approver, *, status="approved", existing=None, **fields) -> Submission:
    result = expiration_for(tracking_policy(certification), completed_on, existing)
    submission = Submission(
        user=user, certification=certification, completed_on=completed_on, expires_on=result.expires_on,
        expiration_explanation=result.explanation, status=status, submitted_by=user, source="user", **fields,
    )
    if status != "pending":
        submission.decided_by = approver
    db.session.add(submission)
    return submission


def _emma_in_every_status(emma, sam, roles, certifications, today) -> None:
    """The demo employee shows every status on her own page."""
    c = certifications
    _record(emma, c["Site Induction"], today - timedelta(days=400), sam)  # valid, never expires
    _record(emma, c["First Aid"], today - timedelta(days=365) + timedelta(days=20), sam)  # due
    _record(emma, c["Manual Handling"], today - timedelta(days=60), sam)  # valid
    _record(emma, c["H2S Awareness"], today - timedelta(days=365) + timedelta(days=4), sam)  # overdue
    _record(emma, c["Medical Fitness"], today - timedelta(days=800), sam)  # expired
    # Working at Height: nothing on file -> missing, with a pending submission waiting.
    _record(emma, c["Working at Height"], today - timedelta(days=2), sam, status="pending")
    db.session.add(RequirementSetting(user=emma, certification=c["Confined Space Entry"], state="deferred",
                                      deferred_until=today + timedelta(days=30), notes="Waiting for the next course date."))
    db.session.add(DirectRequirement(user=emma, certification=c["Fire Warden"]))
    db.session.add(RequirementSetting(user=emma, certification=c["Fire Warden"], state="not_applicable",
                                      notes="Works only on sites with a resident fire team."))
    db.session.add(DirectRequirement(user=emma, certification=c["Defensive Driving"]))  # missing
    db.session.add(DirectRequirement(user=emma, certification=c["Hot Work Permit"]))
    _record(emma, c["Hot Work Permit"], today + timedelta(days=10), sam)  # upcoming: the course is booked
    _assign(emma, roles["Electrician"], training_until=today + timedelta(days=45),
            notes="Apprentice electrician until licensed.")


# Asset, Client and Job Location certifications: name -> (type, settings).
ENTITY_CERTIFICATIONS: dict[str, tuple[str, dict]] = {
    "LOLER Thorough Examination": ("asset", _expiring(6, M, first=(30, D), second=(7, D), issuer="Lifting inspector")),
    "Annual Vehicle Inspection": ("asset", _expiring(1, Y)),
    "Forklift Registration": ("asset", _expiring(1, Y, issuer="Department of Transport")),
    "Generator Load Test": ("asset", _expiring(1, Y)),
    "Client Safety Prequalification": ("client", _expiring(1, Y)),
    "Certificate of Insurance": ("client", _expiring(1, Y)),
    "Site Safety Plan": ("location", _expiring(1, Y)),
    "Confined Space Permit": ("location", _expiring(3, M, first=(2, W), second=(3, D))),
}
# (kind, name, identifier, description) -> {certification: status}; every status of an entity appears
# (an entity's records are recorded by administrators: none is ever pending, decision 69).
ENTITIES: dict[tuple[str, str, str, str], dict[str, str]] = {
    ("asset", "Tower Crane", "CR-01", "Liebherr 132 EC-H, Pier 4"): {"LOLER Thorough Examination": "valid"},
    ("asset", "Mobile Crane", "CR-02", "Grove GMK4100L"): {"LOLER Thorough Examination": "expired",
                                                            "Annual Vehicle Inspection": "due"},
    ("asset", "Forklift", "FL-01", "Toyota 8FGU25, yard"): {"Forklift Registration": "valid",
                                                            "LOLER Thorough Examination": "overdue"},
    ("asset", "Forklift", "FL-02", "Toyota 8FGU25, warehouse"): {"Forklift Registration": "missing"},
    ("asset", "Generator", "GEN-01", "Cummins C150D5, 150 kVA"): {"Generator Load Test": "upcoming"},
    ("asset", "Generator", "GEN-02", "Cummins C90D5, 90 kVA"): {"Generator Load Test": "revoked"},
    ("client", "Harbor Authority", "CL-100", "Port operator"): {"Client Safety Prequalification": "valid",
                                                                "Certificate of Insurance": "due"},
    ("client", "Riverside Hospital", "CL-200", "Hospital trust"): {"Client Safety Prequalification": "expired",
                                                                   "Certificate of Insurance": "missing"},
    ("client", "Metro Rail", "CL-300", "Transit agency"): {"Client Safety Prequalification": "overdue",
                                                           "Certificate of Insurance": "revoked"},
    ("location", "Pier 4 Terminal", "JL-01", "Harbor Authority, berth 4"): {"Site Safety Plan": "valid",
                                                                            "Confined Space Permit": "upcoming"},
    ("location", "Hospital East Wing", "JL-02", "Riverside Hospital, level 3"): {"Site Safety Plan": "due",
                                                                                 "Confined Space Permit": "overdue"},
    ("location", "Rail Depot", "JL-03", "Metro Rail, north yard"): {"Site Safety Plan": "missing",
                                                                    "Confined Space Permit": "expired"},
}


def _entities_in_every_status(owners: dict[str, User], today: date) -> None:
    """Assets, clients and job locations, each certification of theirs in the status ENTITIES names."""
    group = CertificationGroup(name="Equipment and Sites")
    certifications = {name: Certification(name=name, type=kind, group=group, **settings)
                      for name, (kind, settings) in ENTITY_CERTIFICATIONS.items()}
    db.session.add_all(certifications.values())
    db.session.flush()  # the column defaults the tracking policy reads
    report = store_file(CheckedUpload(data=_policy_pdf(), content_type="application/pdf", name="inspection.pdf"))
    for (kind, name, identifier, description), statuses in ENTITIES.items():
        entity = Entity(kind=kind, name=name, identifier=identifier, description=description, owner=owners[kind])
        for certification_name, status in statuses.items():
            certification = certifications[certification_name]
            requirement = EntityRequirement(entity=entity, certification=certification)
            if status == "revoked":
                requirement.revoked_at, requirement.revoked_reason = utcnow(), "Decommissioned: no longer in use."
            completed_on = _completed_for(status, certification, today)
            if completed_on is not None:
                result = expiration_for(tracking_policy(certification), completed_on)
                requirement.records = [EntityRecord(
                    completed_on=completed_on, expires_on=result.expires_on, expiration_explanation=result.explanation,
                    attachments=[EntityAttachment(stored_file=report, name=f"{identifier} {certification_name}.pdf")],
                )]
            db.session.add(requirement)


def _completed_for(status: str, certification: Certification, today: date) -> date | None:
    """A completion date giving `status` today: before expiry by the 1st notice (due) or 2nd (overdue)."""
    expires_in = {"valid": None, "due": 10, "overdue": 2, "expired": -10, "revoked": -400}
    if status in ("missing", "upcoming"):
        return today + timedelta(days=10) if status == "upcoming" else None
    duration = expiration_for(tracking_policy(certification), today).expires_on - today
    if expires_in[status] is None:
        return today - timedelta(days=15)
    return today - duration + timedelta(days=expires_in[status])


def _policy_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 12, "Site Safety Policy - revision 3", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for line in ("Wear a helmet, boots and a high-visibility vest on every site.",
                 "Stop work and report any unsafe condition to your supervisor.",
                 "Sign in and out at the site office every day."):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _activities(ada, emma, today) -> None:
    """One certification per activity, required of the demo employee (none holds her at sign-in)."""
    course = Course(name="Ladder Safety", version=1, pass_mark=50)
    course.pages = [
        CoursePage(position=1, title="Before you climb", body="Inspect the feet, rungs and locks.\n\nSet the ladder at 75 degrees."),
        CoursePage(position=2, title="While you climb", body="Keep three points of contact and face the ladder."),
    ]
    course.questions = [
        QuizQuestion(position=1, prompt="How many points of contact?", choices=["Two", "Three"], correct_choice=1),
        QuizQuestion(position=2, prompt="Inspect the ladder before use?", choices=["Yes", "No"], correct_choice=0),
    ]
    form = Form(name="Vehicle Pre-Start Check", instructions="Check the vehicle before the first trip of the day.",
                fee_amount=15, fee_currency="USD")
    form.fields = [
        FormField(position=1, label="Vehicle registration", kind="text", required=True),
        FormField(position=2, label="Odometer", kind="number"),
        FormField(position=3, label="Tyres", kind="choice", choices=["Good", "Worn", "Damaged"], required=True),
        FormField(position=4, label="All lights work", kind="checkbox"),
        FormField(position=5, label="Signature", kind="signature", required=True),
    ]
    made = [
        Certification(name="Ladder Safety", activity_type="course", course=course, auto_approve_on_activity=True),
        Certification(name="Vehicle Pre-Start Check", activity_type="form",
                      form_links=[CertificationForm(form=form, position=1)]),
        Certification(name="Site Safety Policy", activity_type="document", auto_approve_on_activity=True),
    ]
    db.session.add_all(made)
    db.session.add_all(DirectRequirement(user=emma, certification=certification) for certification in made)
    db.session.flush()
    add_document_revision(ada, made[2], DocumentUpload(
        title="Site Safety Policy", revision="3", revision_date=today - timedelta(days=14), owner_user_ids=[ada.id],
        owner_role_ids=[], upload=CheckedUpload(data=_policy_pdf(), content_type="application/pdf",
                                                name="site-safety-policy.pdf"),
    ))


def _random_history(person, approver, certifications, today, rng) -> None:
    """A plausible record history: some never did it, some are current, some lapsed."""
    for certification in certifications:
        roll = rng.random()
        if roll < 0.12:
            continue
        policy_years = (certification.duration_amount or 1) if certification.duration_unit == "years" else 1
        completed = today - timedelta(days=rng.randint(5, 365 * policy_years + 120))
        if roll < 0.25:
            _record(person, certification, completed, approver, status="pending")
            continue
        record = _record(person, certification, completed, approver)
        if roll > 0.97:
            record.status = "approved"
            record.revoked_reason = "Certificate found to be forged."
            record.revoked_by = approver
            record.revoked_at = utcnow()
        elif roll > 0.94:
            _record(person, certification, today - timedelta(days=1), approver, status="declined",
                    decline_comment="The photo is unreadable; please upload a clearer one.")
