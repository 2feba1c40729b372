"""Which certifications a user must hold, and why; who could fill a role."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .status import RoleSource, Status


@dataclass(frozen=True)
class RequirementSources:
    """Why a user must hold one certification: the roles requiring it, a direct assignment, and/or
    the job locations they work at that require it (decision 76)."""

    certification_id: Hashable
    roles: tuple[RoleSource, ...]
    direct: bool
    sites: tuple[str, ...] = ()

    @property
    def required_as_usual(self) -> bool:
        """Required directly or by a job location: training in a role never holds it back."""
        return self.direct or bool(self.sites)


def resolve_requirements(
    role_assignments: Iterable[tuple[str, date | None]],
    role_requirements: Mapping[str, Iterable[Hashable]],
    direct_certification_ids: Iterable[Hashable],
    site_requirements: Mapping[str, Iterable[Hashable]] | None = None,
) -> dict[Hashable, RequirementSources]:
    """Requirements of one user, keyed by certification id in order of first appearance.

    role_assignments: (role name, training end or None) for each role the user holds;
    role_requirements: role name -> required certification ids;
    direct_certification_ids: the user's "Other Required Certifications";
    site_requirements: job location name -> the certifications it requires, for each job location
    the user works at.
    """
    roles: dict[Hashable, dict[str, RoleSource]] = {}
    for role_name, training_until in role_assignments:
        for cert_id in role_requirements.get(role_name, ()):
            # setdefault: a role listed twice (or a certification listed twice in a role)
            # is still one source.
            roles.setdefault(cert_id, {}).setdefault(
                role_name, RoleSource(role_name, training_until)
            )
    direct = set()
    for cert_id in direct_certification_ids:
        roles.setdefault(cert_id, {})
        direct.add(cert_id)
    sites: dict[Hashable, dict[str, None]] = {}
    for site_name, cert_ids in (site_requirements or {}).items():
        for cert_id in cert_ids:
            roles.setdefault(cert_id, {})
            sites.setdefault(cert_id, {})[site_name] = None
    return {
        cert_id: RequirementSources(cert_id, tuple(by_role.values()), cert_id in direct, tuple(sites.get(cert_id, ())))
        for cert_id, by_role in roles.items()
    }


def candidate_users(
    required_certification_ids: Iterable[Hashable],
    statuses_by_user: Mapping[Hashable, Mapping[Hashable, Status]],
    assigned_user_ids: Iterable[Hashable],
) -> list[Hashable]:
    """Users not in the role who are VALID today for every certification it requires.

    A role that requires nothing has no candidates: anybody would do, so listing
    everybody tells the user nothing. Order follows statuses_by_user.
    """
    required = tuple(required_certification_ids)
    if not required:
        return []
    assigned = set(assigned_user_ids)
    return [
        user_id
        for user_id, statuses in statuses_by_user.items()
        if user_id not in assigned
        and all(statuses.get(cert_id) == Status.VALID for cert_id in required)
    ]


def direct_removal_refusal(sources: RequirementSources | None, certification_name: str,
                           person_name: str) -> str | None:
    """Why a person's requirement cannot be removed from them alone (decision 79); None when it can.

    Only a direct assignment ("Other Required Certification") is removed from one person: a
    requirement inherited from a role ends when the role, or the role's certifications, change.
    Removing the direct assignment of a requirement a role also makes leaves it required.
    """
    if sources is not None and sources.direct:
        return None
    if sources is None or not sources.roles:
        return f"{certification_name} is not an Other Required Certification of {person_name}: nothing to remove."
    roles = ", ".join(role.role_name for role in sources.roles)
    return (f"{certification_name} is required of {person_name} by the role {roles}: it cannot be removed from"
            f" {person_name} alone. Change {person_name}'s roles, or the certifications the role requires.")
