"""The QR report: a user's public Roles and Certifications Report behind an unguessable token."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from datetime import date

import segno
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Attachment, CertificationRole, CompetencyFile, RoleAssignment, User, new_token
from webapp.rules.verdicts import Section, Verdict, VerdictItem, competency_item, report_section, verdict_for_role
from webapp.services.audit import record_audit
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.mail import external_url
from webapp.services.photos import has_photo
from webapp.services.competency import CompetencyLine, competency_shown, find_competency_file, load_competencies
from webapp.services.job_locations import site_verdicts
from webapp.services.privacy import Audience, certification_visible, find_attachment, public_attachments
from webapp.services.settings import show_photos_on_qr


@dataclass
class RoleLine:
    id: int
    name: str
    description: str | None
    training_until: date | None


@dataclass
class RoleVerdict:
    role: RoleLine
    verdict: Verdict


@dataclass
class QRReport:
    """The report as the public sees it: the verdict per role first, then the certifications by section.

    With a role asked for (`?role=`), only that role's verdict and requirements; `unknown_role`
    is the text asked for when it matches none of the person's roles.
    """

    user: User
    verdicts: list[RoleVerdict]
    sections: dict[Section, list[Requirement]]  # only what QR-report privacy allows
    attachments: dict[int, list[Attachment]]  # by record id, only those privacy allows
    role_filter: RoleLine | None = None
    unknown_role: str | None = None
    sites: list[RoleVerdict] = field(default_factory=list)  # a verdict per job location worked at (decision 77)
    photo_shown: bool = False  # Module Settings shows photos on QR reports, and this person has one
    competencies: list[CompetencyLine] = field(default_factory=list)  # roles' competency QR privacy allows

    @property
    def requirements(self) -> list[Requirement]:
        """Every requirement the report shows, section by section."""
        return [requirement for shown in self.sections.values() for requirement in shown]


# The audit entry of a QR reset, which also revokes the credentials issued before it.
QR_RESET_ACTION = "qr_code_reset"


def qr_report_url(user: User) -> str:
    return external_url("public.qr_report", token=user.qr_token)


def _qr(url: str):
    # Error correction "M" survives a scuffed wallet card and stays small enough for a phone camera.
    return segno.make(url, error="m", micro=False)


def qr_svg_data_uri(url: str) -> str:
    """The QR code as an SVG data URI for an <img>, so no inline style reaches the page."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title="QR code")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def reset_qr_token(actor: User, user: User) -> None:
    """Issue a new token: every earlier code stops working."""
    user.qr_token = new_token()
    record_audit(actor, QR_RESET_ACTION, user, f"Reset the QR code of {user.full_name}")
    db.session.commit()


def load_qr_report(token: str, day: date, role_asked: str | None = None) -> QRReport | None:
    """The report for `token`, in a fixed number of queries; None when no active person holds it."""
    user = db.session.scalar(
        select(User).options(joinedload(User.company)).where(User.qr_token == token, User.active.is_(True))
    )
    return None if user is None else qr_report_for(user, day, role_asked)


def _matching_role(roles: list[RoleLine], asked: str) -> RoleLine | None:
    """The person's role with this id, else with this name in any case (docs/rules.md 26)."""
    asked = asked.strip()
    by_id = next((r for r in roles if asked.isascii() and asked.isdigit() and r.id == int(asked)), None)
    return by_id or next((r for r in roles if r.name.casefold() == asked.casefold()), None)


def _required_by(requirement: Requirement, role: RoleLine) -> bool:
    return any(source.role_name == role.name for source in requirement.sources.roles)


def _competency_items(held: CompetencyLine | None) -> list[VerdictItem]:
    """The role's competency as an item of its verdict, when the role requires competency."""
    if held is None:
        return []
    certificate = held.certificate
    return [competency_item(held.role.name, held.status, certificate.completed_on if certificate else None,
                            certificate.expires_on if certificate else None,
                            competency_shown(held.role, None, Audience.QR))]


def site_role_verdicts(user: User, requirements: list[Requirement], day: date, shown) -> list[RoleVerdict]:
    """The verdict for each job location `user` works at, shown as a role's is (decision 77)."""
    return [RoleVerdict(RoleLine(site.location_id, site.name, None, None), site.verdict)
            for site in site_verdicts(user, requirements, day, shown)]


def qr_report_for(user: User, day: date, role_asked: str | None = None) -> QRReport:
    """What the public sees of `user` on `day` (the QR report and the wallet card): a verdict per
    role, or only for `role_asked` (an id or a name), then what privacy allows, by section."""
    roles = [
        RoleLine(role.id, role.name, role.description, training_until)
        for role, training_until in db.session.execute(
            select(CertificationRole, RoleAssignment.training_until)
            .join(RoleAssignment, RoleAssignment.role_id == CertificationRole.id)
            .where(RoleAssignment.user_id == user.id)
            .order_by(CertificationRole.name)
        )
    ]
    photo_shown = show_photos_on_qr() and has_photo(user)
    every = load_requirements([user.id], day)[user.id]
    shown = [r for r in every if certification_visible(r.certification, Audience.QR)]
    attachments = public_attachments(shown, Audience.QR)
    chosen = None
    if role_asked is not None:
        chosen = _matching_role(roles, role_asked)
        if chosen is None:
            nothing = {section: [] for section in Section}
            return QRReport(user, [], nothing, attachments, unknown_role=role_asked.strip(), photo_shown=photo_shown)
        roles = [chosen]
        shown = [r for r in shown if _required_by(r, chosen)]
    # A role that requires competency is cleared only with a current competency certificate (decision 63).
    competency = {line.role.id: line for line in load_competencies([user.id], day)[user.id]}
    verdicts = [
        RoleVerdict(
            line,
            verdict_for_role(
                [
                    VerdictItem(
                        r.certification.name, r.status, certification_visible(r.certification, Audience.QR)
                    )
                    for r in every
                    if _required_by(r, line)
                ]
                + _competency_items(competency.get(line.id)),
                day,
            ),
        )
        for line in roles
    ]
    sections = {section: [] for section in Section}
    for requirement in shown:
        sections[report_section(requirement.status, day)].append(requirement)
    competencies = [line for line in competency.values() if competency_shown(line.role, None, Audience.QR)
                    and (chosen is None or line.role.id == chosen.id)]
    sites = [] if chosen is not None else site_role_verdicts(
        user, every, day, lambda certification: certification_visible(certification, Audience.QR))
    return QRReport(user, verdicts, sections, attachments, role_filter=chosen, photo_shown=photo_shown,
                    competencies=competencies, sites=sites)


def qr_attachment(token: str, attachment_id: int, day: date) -> Attachment | None:
    """An attachment shown on the QR report for `token`, or None when privacy hides it."""
    report = load_qr_report(token, day)
    return None if report is None else find_attachment(report.attachments, attachment_id)


def qr_competency_file(token: str, file_id: int, day: date) -> CompetencyFile | None:
    """A competency certificate's file shown on the QR report for `token`, or None when privacy hides it."""
    report = load_qr_report(token, day)
    return None if report is None else find_competency_file(report.competencies, file_id)
