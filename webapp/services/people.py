"""Supervisors' actions on a person: hide from or show in the users table, notify by e-mail."""
from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Certification, Company, User
from webapp.models.people import supervisor_links
from webapp.services.access import users_in_reach
from webapp.services.audit import record_audit
from webapp.services.mail import external_url, queue_email, render_mail


def find_people(actor: User, *, search: str | None = None, company_id: int | None = None,
                include_hidden: bool = False) -> list[User]:
    """The users `actor` may view, filtered, with their company, in two queries."""
    query: Select = users_in_reach(actor, "view").where(User.active.is_(True))
    if not include_hidden:
        query = query.where(User.hidden.is_(False))
    if company_id is not None:
        query = query.where(User.company_id == company_id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                db.func.lower(User.first_name + " " + User.last_name).like(pattern),
                db.func.lower(User.username).like(pattern),
                db.func.lower(User.email).like(pattern),
            )
        )
    return list(db.session.scalars(
        query.options(selectinload(User.company)).order_by(User.last_name, User.first_name, User.id)
    ))


def company_choices() -> list[tuple[str, str]]:
    return [("", "All companies")] + [
        (str(company.id), company.name) for company in db.session.scalars(select(Company).order_by(Company.name))
    ]


def _set_hidden(user: User, by: User, hidden: bool) -> User:
    before = {"hidden": user.hidden}
    user.hidden = hidden
    record_audit(by, "user.hide" if hidden else "user.show", user,
                 f"{'Hid' if hidden else 'Showed'} {user.full_name} {'from' if hidden else 'in'} reports",
                 before=before, after={"hidden": hidden})
    db.session.commit()
    return user


def hide_user(user: User, by: User) -> User:
    """Hide from the users table and People pages; module-wide reports still include the user."""
    return _set_hidden(user, by, True)


def show_user(user: User, by: User) -> User:
    return _set_hidden(user, by, False)


def notify_user(user: User, by: User, message: str | None, certification: Certification | None = None):
    """E-mail `user` a manual notice, about one certification or in general, with an optional message."""
    message = (message or "").strip()
    about = f" about {certification.name}" if certification is not None else ""
    mail = render_mail("notify", f"Notice from {by.full_name}{about}", user=user, by=by, certification=certification,
                       message=message, link=external_url("my_account.certifications"))
    notice = queue_email("notify", user, mail, user=user, certification=certification)
    record_audit(by, "user.notify", user, f"Notified {user.full_name}{about}", after={"message": message or None})
    db.session.commit()
    return notice


def supervised_people(supervisor: User) -> list[User]:
    """The active people `supervisor` supervises directly, by name, in one query."""
    return list(db.session.scalars(
        select(User)
        .join(supervisor_links, supervisor_links.c.user_id == User.id)
        .where(supervisor_links.c.supervisor_id == supervisor.id, User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    ))
