"""Archive instead of erase (decision 55): a certification, role or company in use leaves every list,
picker and requirement but keeps its history; restoring brings it back as it was; erasing is separate."""
from __future__ import annotations

from webapp.extensions import db
from webapp.models import Certification, CertificationRole, Company, Entity, User
from webapp.models.base import utcnow
from webapp.services.audit import record_audit, snapshot
from webapp.services.invalid import Invalid

KINDS = {Certification: "certification", CertificationRole: "role", Company: "company", Entity: "entity"}


def archive_item(actor: User, item: Certification | CertificationRole | Company | Entity, details: str = "") -> None:
    """Archive `item` (its rows and links are kept for a restore); `details` ends the audit summary."""
    kind = KINDS[type(item)]
    if item.archived_at is not None:
        raise Invalid({kind: f"{item.name} is already archived."})
    item.archived_at = utcnow()
    record_audit(actor, f"{kind}.archive", item, f"Archived {kind} {item.name}{details}",
                 before={"archived_at": None}, after=snapshot(item, ("archived_at",)))
    db.session.commit()


def restore_item(actor: User, item: Certification | CertificationRole | Company | Entity) -> None:
    """Bring an archived `item` back into lists and requirements, as it was."""
    kind = KINDS[type(item)]
    if item.archived_at is None:
        raise Invalid({kind: f"{item.name} is not archived."})
    before = snapshot(item, ("archived_at",))
    item.archived_at = None
    record_audit(actor, f"{kind}.restore", item, f"Restored {kind} {item.name}", before=before, after={"archived_at": None})
    db.session.commit()


def check_typed_name(item: Certification | CertificationRole | Company | Entity, typed_name: str | None) -> None:
    """An erase goes ahead only once the item's name is typed exactly."""
    if (typed_name or "").strip() != item.name:
        raise Invalid({"confirm_name": f"Type the {KINDS[type(item)]}'s name, {item.name}, exactly, to erase it."})
