"""The kept public pages (services/page_cache.py): each kind of change gives fresh bytes, a kept page costs
one query, a matching ETag gets 304, and nobody's signed-in page is ever kept."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import delete

from webapp.extensions import db
from webapp.models import DirectRequirement
from webapp.models.base import utcnow
from webapp.services.approvals import approve_submission
from webapp.services.certificates import issue_certificate
from webapp.services.page_cache import RedisPages, data_version
from webapp.services.photos import encode_photo, keep_photo
from webapp.services.requirements import add_direct_requirement, assign_role
from webapp.services.settings import update_photo_settings
from tests.images import image_bytes

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def crew(factory, frozen_clock):
    """An administrator, a worker required to hold First Aid, and the clock."""
    admin = factory.user("Administrator")
    worker = factory.user(company=factory.company(name="Acme Field"), first_name="Wanda", last_name="Worker")
    first_aid = factory.yearly_certification(name="First Aid")
    factory.require(worker, first_aid)
    return SimpleNamespace(admin=admin, worker=worker, first_aid=first_aid, clock=frozen_clock)


def _report(client, worker, **headers):
    return client.get(f"/r/{worker.qr_token}", headers=headers)


def _kept_twice(client, worker, count_queries) -> str:
    """The report, read twice: the second read is the kept page, served with only the version's query."""
    first = _report(client, worker)
    with count_queries() as queries:
        second = _report(client, worker)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert len(queries) == 1, queries
    return first.get_data(as_text=True)


def test_a_kept_report_costs_one_query_and_a_matching_etag_gets_304(client, crew, count_queries):
    worker = crew.worker
    _kept_twice(client, worker, count_queries)
    etag = _report(client, worker).headers["ETag"].strip('"')
    not_modified = _report(client, worker, **{"If-None-Match": f'"{etag}"'})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == f'"{etag}"'
    assert not_modified.headers["Cache-Control"] == "private, no-cache"
    assert "default-src 'self'" in not_modified.headers["Content-Security-Policy"]
    assert _report(client, worker, **{"If-None-Match": '"something-else"'}).status_code == 200


def test_the_kept_page_holds_no_csrf_token_and_sets_no_cookie(client, crew):
    worker = crew.worker
    response = _report(client, worker)
    assert "X-CSRFToken" not in response.get_data(as_text=True) and "Set-Cookie" not in response.headers
    assert "Content-Security-Policy" in response.headers and response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_a_signed_in_visitor_gets_their_own_page_never_a_kept_one(client, crew, sign_in, count_queries):
    admin, worker = crew.admin, crew.worker
    _kept_twice(client, worker, count_queries)
    sign_in(admin)
    response = _report(client, worker)
    assert "Sign out" in response.get_data(as_text=True) and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def _pending(f, c):
    return {"record": f.record(c.worker, c.first_aid, date(2026, 6, 1), status="pending")}


def _on_file(f, c):
    return {"record": f.record(c.worker, c.first_aid, date(2026, 6, 1))}


def _revoke(f, c, record):
    record.revoked_at, record.revoked_reason = utcnow(), "Forged card."
    db.session.commit()


def _delete(f, c, record):
    db.session.delete(record)
    db.session.commit()


def _rigger(f, c):
    return {"role": f.role(f.yearly_certification(name="Rigging"), companies=[c.worker.company], name="Rigger")}


def _forklift(f, c):
    add_direct_requirement(c.worker, f.yearly_certification(name="Forklift"), c.admin)
    return {}


def _bulk_delete_forklift(f, c):
    db.session.execute(delete(DirectRequirement).where(DirectRequirement.user_id == c.worker.id,
                                                       DirectRequirement.certification_id != c.first_aid.id))
    db.session.commit()


def _rename(f, c):
    c.worker.first_name = "Wendy"
    db.session.commit()


def _deactivate(f, c):
    c.worker.active = False
    db.session.commit()


def _photos_on(f, c):
    update_photo_settings(c.admin, True)
    return {}


def _photo_kept(f, c):
    keep_photo(c.worker, c.admin, encode_photo(image_bytes()))
    db.session.commit()
    return {}


def _expiring_tomorrow(f, c):
    return {"record": f.record(c.worker, c.first_aid, date(2025, 6, 16), expires_on=date(2026, 6, 16))}


def _next_day(f, c, record):
    c.clock.shift(timedelta(days=1))


def _nothing(f, c):
    return {}


CHANGES = {
    # kind of change: (what is there before, the change, text the fresh page shows, or None: not found)
    "record approved": (_pending, lambda f, c, record: approve_submission(record, c.admin), "06/01/2027"),
    "record revoked": (_on_file, _revoke, "Revoked"),
    "record deleted": (_on_file, _delete, "Nothing on File"),
    "requirement added": (_nothing, lambda f, c: _forklift(f, c), "Forklift"),
    "requirement removed in bulk": (_forklift, _bulk_delete_forklift, "!Forklift"),
    "role assigned": (_rigger, lambda f, c, role: assign_role(c.worker, role, c.admin), "Rigger"),
    "person renamed": (_nothing, _rename, "Wendy Worker"),
    "person deactivated": (_nothing, _deactivate, None),
    "photo added": (_photos_on, _photo_kept, "Photo of Wanda Worker"),
    "setting changed": (_photo_kept, _photos_on, "Photo of Wanda Worker"),
    "the next day": (_expiring_tomorrow, _next_day, "Expired"),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_each_kind_of_change_gives_fresh_bytes(client, factory, crew, count_queries, kind):
    before, change, shown = CHANGES[kind]
    worker = crew.worker
    context = before(factory, crew)
    old = _kept_twice(client, worker, count_queries)
    etag = _report(client, worker).headers["ETag"]
    change(factory, crew, **context)
    response = _report(client, worker, **{"If-None-Match": etag})
    if shown is None:
        assert response.status_code == 404
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page != old and response.headers["ETag"] != etag
    assert (shown[1:] not in page) if shown.startswith("!") else (shown in page and shown not in old)


def test_a_commit_of_nothing_public_leaves_the_version_alone(app_context, crew):
    worker = crew.worker
    version = data_version()
    worker.last_login_at = utcnow()
    db.session.commit()
    assert data_version() == version
    worker.job_title = "Rigger"
    db.session.commit()
    assert data_version() == version + 1


def test_a_certificate_check_is_kept_until_its_record_changes(client, factory, crew, app, count_queries):
    worker = crew.worker
    forklift = factory.yearly_certification(name="Forklift", generate_certificate_on_approval=True)
    record = factory.record(worker, forklift, date(2026, 6, 1))
    with app.test_request_context():
        token = issue_certificate(record, "approval").token
    db.session.commit()
    first = client.get(f"/c/{token}")
    with count_queries() as queries:
        assert client.get(f"/c/{token}").data == first.data
    assert len(queries) == 1 and "Genuine and valid" in first.get_data(as_text=True)
    _revoke(factory, None, record)
    assert "its record has been revoked" in client.get(f"/c/{token}").get_data(as_text=True)


@pytest.fixture
def redis_pages(app, monkeypatch):
    pages = RedisPages(REDIS_URL, prefix=f"fieldcert-test:{uuid.uuid4().hex}:")
    try:
        pages.client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}): start it to test the Redis store")
    monkeypatch.setitem(app.extensions, "page_cache", pages)
    yield pages
    pages.clear()


def test_with_redis_the_page_is_kept_there_for_every_worker(client, crew, redis_pages, count_queries):
    worker = crew.worker
    page = _kept_twice(client, worker, count_queries)
    [key] = list(redis_pages.client.scan_iter(match=redis_pages.prefix + "*"))
    assert redis_pages.client.get(key).decode() == page
    assert worker.qr_token not in key.decode()  # the token never reaches Redis's key space


def test_redis_gone_renders_the_page_rather_than_fail(client, crew, app, monkeypatch):
    worker = crew.worker
    monkeypatch.setitem(app.extensions, "page_cache", RedisPages("redis://127.0.0.1:1/0"))
    assert _report(client, worker).status_code == 200


@pytest.mark.parametrize("kind", ["record revoked", "person renamed", "requirement removed in bulk"])
def test_a_reused_version_costs_no_query_and_a_change_made_here_shows_at_once(client, factory, crew, app, count_queries,
                                                                               monkeypatch, kind):
    """Decision 83: with PAGE_CACHE_VERSION_SECONDS the kept page is served without a query; the process
    that commits a change forgets the version it knew, so its next page is fresh."""
    monkeypatch.setattr(app.extensions["page_cache_version"], "seconds", 3600)  # the app is shared: restored after
    before, change, shown = CHANGES[kind]
    context = before(factory, crew)
    first = _report(client, crew.worker)
    with count_queries() as queries:
        again = _report(client, crew.worker)
    assert again.data == first.data and len(queries) == 0, queries
    change(factory, crew, **context)
    page = _report(client, crew.worker).get_data(as_text=True)
    assert page != first.get_data(as_text=True)
    assert (shown[1:] not in page) if shown.startswith("!") else shown in page
