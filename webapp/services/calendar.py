"""iCalendar feed of upcoming expirations and notice dates, behind the user's revocable calendar token."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import User, new_token
from webapp.services.audit import record_audit
from webapp.services.compliance import load_requirements
from webapp.services.people import supervised_people
from webapp.services.privacy import hidden_certification_ids


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets continue on lines starting with a space."""
    data = line.encode()
    parts, start = [], 0
    while len(data) - start > 75:
        end = start + (75 if not parts else 74)
        while (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    parts.append(data[start:].decode())
    return [parts[0]] + [" " + part for part in parts[1:]]


def user_for_calendar(token: str) -> User | None:
    return db.session.scalar(select(User).where(User.calendar_token == token, User.active.is_(True)))


def reset_calendar_token(actor: User, user: User) -> None:
    """A new feed address: calendars subscribed to the old one stop updating."""
    user.calendar_token = new_token()
    record_audit(actor, "calendar_token_reset", user, f"Reset the calendar feed of {user.full_name}")
    db.session.commit()


def calendar_feed(user: User, day: date, host: str) -> str:
    """The feed: the user's own dates, and for a supervisor those of the people they supervise."""
    supervised = supervised_people(user)
    people = [user, *supervised]
    requirements = load_requirements([p.id for p in people], day)
    hidden = hidden_certification_ids(user)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//FieldCert//Certification dates//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape('FieldCert: ' + user.full_name)}"]
    for person in people:
        for r in requirements[person.id]:
            if r.certification.id in hidden:
                continue
            s = r.status
            whose = "" if person.id == user.id else f"{person.full_name}: "
            for kind, when, label in (("due", s.due_on, "1st notice (due)"), ("overdue", s.overdue_on, "2nd notice (overdue)"),
                                      ("expires", s.expires_on, "expires")):
                if when is None or when < day:
                    continue
                lines += [
                    "BEGIN:VEVENT",
                    f"UID:{kind}-{person.id}-{r.certification.id}-{when:%Y%m%d}@{host}",
                    f"DTSTAMP:{stamp}",
                    f"DTSTART;VALUE=DATE:{when:%Y%m%d}",
                    f"SUMMARY:{_escape(f'{whose}{r.certification.name} {label}')}",
                    "TRANSP:TRANSPARENT",
                    "END:VEVENT",
                ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
