"""Privacy by crawling (ASVS 8.2.2, 8.2.3): a certification hidden from a module level never reaches that
level's users, on any page, fragment, file, CSV or shared report they can reach by following links.

Each user of the level signs in and follows every same-site link and htmx GET from the home page, once
with nothing hidden (the crawl must find the certification, or it proves nothing) and once with the
certification hidden from their level; the day's scheduled notices (the expiration notice to users and supervisors,
the administrators' digest) are queued before each crawl and the level's e-mails searched too. The QR report has no viewer, so there its own setting hides it;
the crawl sets that too.
"""
from __future__ import annotations

import re
from collections import deque
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest

from tests.web.two_teams import build_two_teams
from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import Certification, ModuleLevel, Notice
from webapp.services.notices import queue_scheduled_notices
from webapp.services.sessions import user_for_session

CERTIFICATION = "Crane Operation"
FILES = ("north-record.pdf", "north-pending.pdf", "south-record.pdf", "south-pending.pdf")
# Links, htmx GETs, images, forms, and addresses shown to copy (the calendar feed).
LINK = re.compile(r'(?:href|hx-get|src|action)="([^"#]+)"|value="(http://localhost/[^"#]+)"')
# Where administrators define certifications and read the mail log: hiding a certification must not hide
# it from those who define it (or they could never show it again).
DEFINITIONS = ("/certifications/", "/roles/", "/companies/", "/settings/", "/activities/", "/notices/sent-mail")
NOT_FOLLOWED = ("/static/", "/auth/", "/sw.js", "/manifest.webmanifest")
MOST_PAGES = 150
# Completed 01/10/2026, so it expires 01/10/2027 (a pending submission holds back the 1st and 2nd notices).
EXPIRATION_DAY = date(2027, 1, 10)


def _crawl(client, session_id: str, others_reports: tuple[str, ...]) -> dict[str, str]:
    """What each reached address answered (body and download name), by address.

    A shared report shows what its creator may see (tests/web/test_privacy.py), so one made by someone
    else (`others_reports`) is not this user's to check."""
    with client.session_transaction() as cookie:
        cookie.clear()
        cookie["_user_id"], cookie["_fresh"] = session_id, True
    seen, answers, queue = {"/"}, {}, deque(["/"])
    while queue and len(answers) < MOST_PAGES:
        url = queue.popleft()
        for htmx in (False, True):
            response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
            if response.status_code not in (200, 302):
                continue
            text = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
            if response.status_code == 302:
                text = f'href="{response.location}"'
            answers[url + (" (htmx)" if htmx else "")] = (
                text + response.headers.get("Content-Disposition", "") + (response.data[:200].decode("latin-1")))
            for link in map("".join, LINK.findall(text)):
                target = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc not in ("", "localhost") or target in seen:
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path.startswith(DEFINITIONS + NOT_FOLLOWED + others_reports) or path in seen:
                    continue
                seen.add(path)
                queue.append(path)
    return answers


def _queue_notices_and_read_mail(user_ids: list[int]) -> dict[str, str]:
    """Queue the day Crane Operation expires; the mail then addressed to `user_ids`, by subject."""
    db.session.execute(delete(Notice))
    queue_scheduled_notices(EXPIRATION_DAY)
    return {
        f"mail {n.subject}": f"{n.subject} {n.body_text} {n.body_html or ''}"
        for n in db.session.scalars(select(Notice).where(Notice.recipient_user_id.in_(user_ids)))
    }


def _leaks(answers: dict[str, str]) -> list[str]:
    return [f"{url}: {word}" for url, text in answers.items() for word in (CERTIFICATION, *FILES) if word in text]


@pytest.mark.parametrize("level", ["Employee", "Supervisor", "Administrator"])
def test_a_certification_hidden_from_a_level_reaches_none_of_its_users(client, factory, frozen_clock, level):
    teams, _, administrator = build_two_teams(factory)
    reports = {team.supervisor: f"/s/{team.ids['shared_token']}" for team in teams.values()}
    users = {
        "Employee": [team.employee for team in teams.values()],
        "Supervisor": [team.supervisor for team in teams.values()],
        "Administrator": [administrator],
    }[level]
    crawls = {user: (lambda user=user: _crawl(client, user, tuple(r for by, r in reports.items() if by != user)))
              for user in users}
    user_ids = [user_for_session(session_id).id for session_id in users]
    assert _leaks(_queue_notices_and_read_mail(user_ids)), "the mail must name the certification while nothing hides it"
    for crawl in crawls.values():
        assert _leaks(crawl()), "the crawl must find the certification while nothing hides it"
    certification = db.session.scalar(db.select(Certification).where(Certification.name == CERTIFICATION))
    certification.hidden_from_levels = [db.session.scalar(db.select(ModuleLevel).where(ModuleLevel.name == level))]
    certification.hide_from_qr_reports = True
    db.session.commit()
    mail = _queue_notices_and_read_mail(user_ids)
    for crawl in crawls.values():
        leaks = _leaks(crawl() | mail)
        assert not leaks, "\n".join(leaks)
