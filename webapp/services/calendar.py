"""iCalendar feed of a person's dates, behind their revocable calendar token: expirations with alarms at
the notice dates, the notice dates themselves (of upcoming records too), deferral and training ends.
For a supervisor, the same for the people they supervise."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.clock import organisation_zone
from webapp.extensions import db
from webapp.models import RoleAssignment, User, new_token
from webapp.rules.status import Status
from webapp.services.audit import record_audit
from webapp.services.compliance import load_requirements
from webapp.services.people import supervised_people
from webapp.services.privacy import hidden_certification_ids
from webapp.services.settings import notification_defaults

NOTICES = (("due", "1st notice (due)"), ("overdue", "2nd notice (overdue)"))


def user_for_calendar(token: str) -> User | None:
    return db.session.scalar(select(User).where(User.calendar_token == token, User.active.is_(True)))


def reset_calendar_token(actor: User, user: User) -> None:
    """A new feed address: calendars subscribed to the old one stop updating."""
    user.calendar_token = new_token()
    record_audit(actor, "calendar_token_reset", user, f"Reset the calendar feed of {user.full_name}")
    db.session.commit()


class _Feed:
    """The calendar being built: every event is an all-day event with a stable UID."""

    def __init__(self, user: User, day: date):
        self.day = day
        self.calendar = Calendar()
        self.calendar.add("prodid", "-//FieldCert//Certification dates//EN")
        self.calendar.add("version", "2.0")
        self.calendar.add("calscale", "GREGORIAN")
        self.calendar.add("x-wr-calname", f"FieldCert: {user.full_name}")
        self.stamp = datetime.now(timezone.utc)
        # UIDs name the organisation's own address (BASE_URL), never the request's Host.
        self.domain = urlsplit(current_app.config["BASE_URL"]).hostname or "fieldcert"
        self.notice_time = time(notification_defaults()["send_hour"], tzinfo=organisation_zone())

    def event(self, uid: str, when: date, summary: str) -> Event:
        event = Event()
        event.add("uid", f"{uid}-{when:%Y%m%d}@{self.domain}")
        event.add("dtstamp", self.stamp)
        event.add("dtstart", when)
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")
        self.calendar.add_component(event)
        return event

    def alarm(self, event: Event, when: date, description: str) -> None:
        """An alarm at the hour notices are e-mailed, on the notice's day (an absolute trigger, RFC 5545)."""
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", description)
        alarm.add("trigger", datetime.combine(when, self.notice_time).astimezone(timezone.utc),
                  parameters={"VALUE": "DATE-TIME"})
        event.add_component(alarm)


def calendar_feed(user: User, day: date) -> bytes:
    """The feed: the user's own dates, and for a supervisor those of the people they supervise."""
    people = [user, *supervised_people(user)]
    requirements = load_requirements([p.id for p in people], day)
    hidden = hidden_certification_ids(user)
    feed = _Feed(user, day)
    for person in people:
        whose = "" if person.id == user.id else f"{person.full_name}: "
        for requirement in requirements[person.id]:
            if requirement.certification.id not in hidden:
                _add_requirement(feed, f"{person.id}-{requirement.certification.id}",
                                 whose + requirement.certification.name, requirement.status)
    _add_training_ends(feed, people, user)
    return feed.calendar.to_ical()


def _add_requirement(feed: _Feed, key: str, name: str, status) -> None:
    notices = [(kind, when, label) for kind, label in NOTICES
               if (when := getattr(status, f"{kind}_on")) is not None and when >= feed.day]
    for kind, when, label in notices:
        feed.event(f"{kind}-{key}", when, f"{name} {label}")
    if status.expires_on is not None and status.expires_on >= feed.day:
        expires = feed.event(f"expires-{key}", status.expires_on, f"{name} expires")
        for _, when, label in notices:
            feed.alarm(expires, when, f"{name}: {label}, expires {status.expires_on:%m/%d/%Y}")
    if status.status is Status.DEFERRED and status.until is not None and status.until >= feed.day:
        summary = f"{name} deferral ends"
        feed.alarm(feed.event(f"deferral-ends-{key}", status.until, summary), status.until, summary)


def _add_training_ends(feed: _Feed, people: list[User], user: User) -> None:
    """One event per role a person is in training for: the day their role's certifications start to count."""
    names = {person.id: "" if person.id == user.id else f"{person.full_name}: " for person in people}
    assignments = db.session.scalars(
        select(RoleAssignment).options(selectinload(RoleAssignment.role))
        .where(RoleAssignment.user_id.in_(names), RoleAssignment.training_until >= feed.day))
    for assignment in assignments:
        summary = f"{names[assignment.user_id]}{assignment.role.name} training ends"
        event = feed.event(f"training-ends-{assignment.id}", assignment.training_until, summary)
        feed.alarm(event, assignment.training_until, summary)
