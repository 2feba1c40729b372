"""Statuses loaded from the database match the rules, in a fixed number of queries."""
from datetime import date, timedelta

from webapp.rules import Status
from webapp.services.compliance import load_requirements


def _organisation(factory, people: int, suffix: str = ""):
    company = factory.company()
    first_aid = factory.yearly_certification(name=f"First Aid{suffix}")
    induction = factory.certification(name=f"Site Induction{suffix}")
    role = factory.role(first_aid, induction, companies=[company])
    users = []
    for _ in range(people):
        user = factory.user(company=company)
        factory.assign(user, role)
        factory.record(user, first_aid, date(2025, 7, 10))
        users.append(user)
    return users, first_aid, induction


def test_statuses_follow_the_rules(factory):
    (user,), first_aid, induction = _organisation(factory, 1)
    factory.record(user, induction, date(2026, 7, 1), status="pending")
    by_name = {r.certification.name: r for r in load_requirements([user.id], date(2026, 6, 15))[user.id]}
    assert by_name["First Aid"].status.status is Status.DUE  # expires 07/10/2026: due from 06/10, overdue from 07/03
    assert by_name["First Aid"].status.expires_on == date(2026, 7, 10)
    assert by_name["Site Induction"].status.status is Status.MISSING
    assert by_name["Site Induction"].status.pending is True
    assert by_name["First Aid"].source_names == [by_name["First Aid"].sources.roles[0].role_name]


def test_deferral_and_direct_requirements(factory):
    (user,), first_aid, induction = _organisation(factory, 1)
    hot_work = factory.yearly_certification(name="Hot Work")
    factory.require(user, hot_work)
    factory.setting(user, hot_work, "deferred", deferred_until=date(2026, 7, 1), notes="Course booked")
    requirement = {r.certification.name: r for r in load_requirements([user.id], date(2026, 6, 15))[user.id]}["Hot Work"]
    assert requirement.status.status is Status.DEFERRED and requirement.status.days_left == 16
    assert requirement.source_names == ["Other Required Certification"]


def test_query_count_does_not_grow_with_people(factory, count_queries):
    users, *_ = _organisation(factory, 2)
    few_ids = [u.id for u in users]
    with count_queries() as few:
        load_requirements(few_ids, date(2026, 6, 15))
    more, *_ = _organisation(factory, 10, suffix=" (second company)")
    many_ids = few_ids + [u.id for u in more]
    with count_queries() as many:
        statuses = load_requirements(many_ids, date(2026, 6, 15) + timedelta(days=1))
    assert len(few) == len(many) == 2  # the people's facts, then the certifications they must hold
    assert sum(len(requirements) for requirements in statuses.values()) == 24


def test_current_record_is_the_requirements_own_record(factory):
    """The record that decides a status is linked, but a parent certification's record is not this one's."""
    (user,), first_aid, induction = _organisation(factory, 1)
    newer = factory.record(user, first_aid, date(2026, 1, 5))
    advanced = factory.yearly_certification(name="Advanced First Aid")
    child = factory.yearly_certification(name="First Aid Refresher", parent_id=advanced.id)
    factory.require(user, child)
    factory.record(user, advanced, date(2026, 2, 1))
    by_name = {r.certification.name: r for r in load_requirements([user.id], date(2026, 6, 15))[user.id]}
    assert by_name["First Aid"].current_record_id == newer.id
    assert by_name["First Aid Refresher"].status.status is Status.VALID  # through its parent
    assert by_name["First Aid Refresher"].current_record_id is None
    assert by_name["Site Induction"].current_record_id is None
