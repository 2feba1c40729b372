"""Notices for assets', clients' and job locations' certifications (decision 74): the 1st notice, 2nd notice
and expiration go once each to the entity's responsible user, through the same outbox and daily scan."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from webapp.clock import today
from webapp.extensions import db
from webapp.models import Notice
from webapp.services.notices import queue_scheduled_notices
from webapp.services.settings import NOTIFICATION_DEFAULTS, update_notification_defaults


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T09:00:00+00:00")


def _scan():
    db.session.expire_all()
    return queue_scheduled_notices(today())


def _entity_notices():
    db.session.expire_all()
    return list(db.session.scalars(select(Notice).where(Notice.entity_id.is_not(None)).order_by(Notice.id)))


def _crane(factory, owner, **association):
    """The documents' example on an asset: expires 07/01/2026, 1st notice 1 month, 2nd notice 1 week."""
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    crane = factory.entity("asset", name="Tower Crane", identifier="TC-01", owner=owner)
    factory.entity_record(factory.associate(crane, inspection, **association), date(2025, 7, 1))
    return crane, inspection


def test_each_stage_goes_once_to_the_responsible_user(factory, frozen_clock):
    owner = factory.user(first_name="Olive", email="olive@example.test")
    supervisor = factory.user("Supervisor")
    owner.supervisors = [supervisor]
    db.session.commit()
    crane, inspection = _crane(factory, owner)
    frozen_clock.move_to(at("2026-05-31"))
    assert _scan().queued == 0
    for day, kind, words in (("2026-06-01", "entity_first_notice", "Due: Crane Inspection expires 07/01/2026"),
                             ("2026-06-24", "entity_second_notice", "Overdue: Crane Inspection expires 07/01/2026"),
                             ("2026-07-01", "entity_expired", "Expired: Crane Inspection expired 07/01/2026")):
        frozen_clock.move_to(at(day))
        assert _scan().queued == 1
        assert _scan().queued == 0  # once
        notice = _entity_notices()[-1]
        assert (notice.kind, notice.entity_id, notice.certification_id, notice.user_id) == (
            kind, crane.id, inspection.id, None)
        assert notice.recipient_user_id == owner.id and notice.recipient_email == "olive@example.test"
        assert notice.subject == f"Tower Crane (TC-01): {words}"
        assert "asset Tower Crane (TC-01)" in notice.body_text and f"/assets/{crane.id}" in notice.body_text
    assert len(_entity_notices()) == 3  # never to the owner's supervisors


def test_nothing_goes_for_a_revoked_association_an_archived_entity_or_without_a_responsible_user(
        factory, frozen_clock):
    owner = factory.user()
    frozen_clock.move_to(at("2026-06-01"))
    _, certification = _crane(factory, owner, revoked_reason="Sold")
    unowned = factory.entity("asset", name="Forklift", identifier="FL-02")
    archived = factory.entity("asset", name="Old Crane", identifier="OC-03", owner=owner,
                              archived_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    for entity in (unowned, archived):
        factory.entity_record(factory.associate(entity, certification), date(2025, 7, 1))
    assert _scan().queued == 0 and _entity_notices() == []


def test_a_notice_shows_in_the_responsible_users_notices(client, factory, sign_in, frozen_clock):
    owner = factory.user()
    _crane(factory, owner)
    frozen_clock.move_to(at("2026-06-01"))
    _scan()
    sign_in(owner)
    assert "Tower Crane (TC-01): Due: Crane Inspection" in client.get("/notices/").get_data(as_text=True)


def test_the_users_notification_settings_apply_and_privacy_hides_a_certification(factory, frozen_clock):
    owner = factory.user()
    crane, inspection = _crane(factory, owner)
    update_notification_defaults(factory.user("Administrator"), {**NOTIFICATION_DEFAULTS, "first_notice_user": False})
    frozen_clock.move_to(at("2026-06-01"))
    assert _scan().queued == 0
    inspection.hidden_from_levels = [factory.levels["Employee"]]
    db.session.commit()
    frozen_clock.move_to(at("2026-06-24"))
    assert _scan().queued == 0 and _entity_notices() == []
