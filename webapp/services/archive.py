"""Archive instead of erase (decision 55): a certification, role or company in use leaves every list,
picker and requirement but keeps its history; restoring brings it back as it was; erasing is separate."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from webapp.extensions import db
from webapp.models import Certification, CertificationRole, Company, Entity, User
from webapp.models.base import utcnow
from webapp.services.audit import record_audit, snapshot
from webapp.services.invalid import Invalid

KINDS = {Certification: "certification", CertificationRole: "role", Company: "company", Entity: "entity"}
ERASE_CONFIRMATIONS = {
    Certification: _l("Type the certification's name, %(name)s, exactly, to erase it."),
    CertificationRole: _l("Type the role's name, %(name)s, exactly, to erase it."),
    Company: _l("Type the company's name, %(name)s, exactly, to erase it."),
}


def archive_item(actor: User, item: Certification | CertificationRole | Company | Entity, details: str = "") -> None:
    """Archive `item` (its rows and links are kept for a restore); `details` ends the audit summary."""
    kind = KINDS[type(item)]
    if item.archived_at is not None:
        raise Invalid({kind: gettext("%(name)s is already archived.", name=item.name)})
    item.archived_at = utcnow()
    record_audit(actor, f"{kind}.archive", item, f"Archived {kind} {item.name}{details}",
                 before={"archived_at": None}, after=snapshot(item, ("archived_at",)))
    db.session.commit()


def restore_item(actor: User, item: Certification | CertificationRole | Company | Entity) -> None:
    """Bring an archived `item` back into lists and requirements, as it was."""
    kind = KINDS[type(item)]
    if item.archived_at is None:
        raise Invalid({kind: gettext("%(name)s is not archived.", name=item.name)})
    before = snapshot(item, ("archived_at",))
    item.archived_at = None
    record_audit(actor, f"{kind}.restore", item, f"Restored {kind} {item.name}", before=before, after={"archived_at": None})
    db.session.commit()


def check_typed_name(item: Certification | CertificationRole | Company | Entity, typed_name: str | None) -> None:
    """An erase goes ahead only once the item's name is typed exactly."""
    if (typed_name or "").strip() != item.name:
        raise Invalid({"confirm_name": ERASE_CONFIRMATIONS[type(item)] % {"name": item.name}})
