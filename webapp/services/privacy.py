"""Who may see which certification and which attachments: module levels, QR reports, shared reports.

Hiding a certification hides its attachments too. A viewer with several module levels
still sees a certification unless it is hidden from every one of their levels.
"""
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import CompoundSelect, Select, bindparam, false, func, literal_column, select, union_all

from webapp.extensions import db
from webapp.models import Attachment, Certification, User
from webapp.models.certifications import (
    certification_attachments_hidden_from_levels,
    certification_hidden_from_levels,
)
from webapp.models.people import user_module_levels
from webapp.services.compliance import Requirement


class Audience(StrEnum):
    QR = "qr"
    SHARED = "shared"


def certification_visible(certification: Certification, audience: Audience) -> bool:
    if audience is Audience.QR:
        return not certification.hide_from_qr_reports
    return not certification.hide_from_shared_reports


def attachments_visible(certification: Certification, audience: Audience) -> bool:
    if not certification_visible(certification, audience):
        return False
    if audience is Audience.QR:
        return not certification.hide_attachments_from_qr_reports
    return not certification.hide_attachments_from_shared_reports


def public_attachments(requirements: Iterable, audience: Audience) -> dict[int, list[Attachment]]:
    """Attachments of the requirements' current records that `audience` may see, by record id (one query)."""
    record_ids = [
        r.current_record_id
        for r in requirements
        if r.current_record_id is not None and attachments_visible(r.certification, audience)
    ]
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    if record_ids:
        for attachment in db.session.scalars(
            select(Attachment).where(Attachment.submission_id.in_(record_ids)).order_by(Attachment.id)
        ):
            attachments[attachment.submission_id].append(attachment)
    return dict(attachments)


def find_attachment(attachments: dict[int, list[Attachment]], attachment_id: int) -> Attachment | None:
    return next((a for shown in attachments.values() for a in shown if a.id == attachment_id), None)


def hidden_from_every_level(hidden_level_ids: Collection[int], viewer_level_ids: Collection[int]) -> bool:
    """The privacy rule: hidden only when hidden from every one of the viewer's module levels."""
    return bool(viewer_level_ids) and set(viewer_level_ids) <= set(hidden_level_ids)


def _hidden_from_every_level(hidden_level_ids: set[int], viewer: User) -> bool:
    return hidden_from_every_level(hidden_level_ids, {level.id for level in viewer.module_levels})


def certification_visible_to(viewer: User, certification: Certification) -> bool:
    """Whether module-level privacy lets `viewer` see `certification` (its levels already loaded)."""
    return not _hidden_from_every_level({level.id for level in certification.hidden_from_levels}, viewer)


def attachments_visible_to(viewer: User, certification: Certification) -> bool:
    """Whether `viewer` may see the files of `certification`'s records: hiding it hides them too."""
    return certification_visible_to(viewer, certification) and not _hidden_from_every_level(
        {level.id for level in certification.attachments_hidden_from_levels}, viewer
    )


def _hidden_from_levels(table, level_ids, level_count) -> Select:
    """hidden_from_every_level in SQL, for every certification at once: the ids of those hidden from all
    the levels `level_ids` (as many hiding rows as there are levels, `level_count`; values or parameters)."""
    return (
        select(table.c.certification_id)
        .where(table.c.module_level_id.in_(level_ids))
        .group_by(table.c.certification_id)
        .having(func.count(table.c.module_level_id) == level_count)
    )


def _hidden_from_every_level_query(table, viewer: User) -> Select:
    """_hidden_from_levels for the viewer's module levels."""
    level_ids = [level.id for level in viewer.module_levels]
    if not level_ids:
        return select(table.c.certification_id).where(false())
    return _hidden_from_levels(table, level_ids, len(level_ids))


def hidden_certifications(viewer: User) -> Select:
    """A query for the ids of the certifications the viewer's module levels may not see."""
    return _hidden_from_every_level_query(certification_hidden_from_levels, viewer)


def hidden_certification_ids(viewer: User) -> set[int]:
    """Certifications the viewer's module levels may not see (one query)."""
    return set(db.session.scalars(hidden_certifications(viewer)))


def hidden_attachment_certification_ids(viewer: User) -> set[int]:
    """Certifications whose attachments the viewer may not see (two queries)."""
    return _attachments_hidden_alone(viewer) | hidden_certification_ids(viewer)


def _attachments_hidden_alone(viewer: User) -> set[int]:
    """Certifications whose attachments, not the certification itself, are hidden from the viewer (one query)."""
    return set(db.session.scalars(_hidden_from_every_level_query(certification_attachments_hidden_from_levels, viewer)))


@dataclass(frozen=True)
class Sight:
    """What one viewer's module levels let them see, loaded once for a page (one query)."""

    hidden: frozenset[int]
    hidden_files: frozenset[int]

    def shows(self, certification_id: int) -> bool:
        return certification_id not in self.hidden

    def shows_files(self, certification_id: int) -> bool:
        return certification_id not in self.hidden_files

    def shown(self, requirements: Iterable[Requirement]) -> list[Requirement]:
        """Those of `requirements` whose certification the viewer may see."""
        return [r for r in requirements if self.shows(r.certification.id)]


def _sight_query() -> CompoundSelect:
    """The certifications hidden from every one of the levels `level_ids` (parameters `level_ids` and
    `level_count`), with files_only 0, then those whose attachments alone are, with files_only 1."""
    level_ids, level_count = bindparam("level_ids", expanding=True), bindparam("level_count")
    return union_all(
        _hidden_from_levels(certification_hidden_from_levels, level_ids, level_count)
        .add_columns(literal_column("0").label("files_only")),
        _hidden_from_levels(certification_attachments_hidden_from_levels, level_ids, level_count)
        .add_columns(literal_column("1")),
    )


# Every page that shows certifications reads it: built once, as building a statement costs more than running it.
_SIGHT = _sight_query()


def sight_of(viewer: User) -> Sight:
    """The viewer's sight in one query (none for a viewer without module levels, who is shown everything)."""
    level_ids = [level.id for level in viewer.module_levels]
    if not level_ids:
        return Sight(frozenset(), frozenset())
    hidden, files_alone = set(), set()
    rows = db.session.execute(_SIGHT, {"level_ids": level_ids, "level_count": len(level_ids)})
    for certification_id, files_only in rows:
        (files_alone if files_only else hidden).add(certification_id)
    return Sight(frozenset(hidden), frozenset(hidden | files_alone))


@dataclass(frozen=True)
class Sights:
    """What each of many people's module levels let them see, for the scans that write to many at once."""

    hiding_levels: dict[int, frozenset[int]]  # by certification: the levels it is hidden from
    levels: dict[int, frozenset[int]]  # by user: their module levels

    def shows(self, user_id: int, certification_id: int) -> bool:
        return not hidden_from_every_level(
            self.hiding_levels.get(certification_id, frozenset()), self.levels.get(user_id, frozenset())
        )


def sights_of(user_ids: Iterable[int]) -> Sights:
    """Sights for `user_ids` in two queries, however many people and certifications."""
    hiding: dict[int, set[int]] = defaultdict(set)
    for certification_id, level_id in db.session.execute(
        select(certification_hidden_from_levels.c.certification_id, certification_hidden_from_levels.c.module_level_id)
    ):
        hiding[certification_id].add(level_id)
    levels: dict[int, set[int]] = defaultdict(set)
    for user_id, level_id in db.session.execute(
        select(user_module_levels.c.user_id, user_module_levels.c.module_level_id)
        .where(user_module_levels.c.user_id.in_(list(user_ids)))
    ):
        levels[user_id].add(level_id)
    return Sights({k: frozenset(v) for k, v in hiding.items()}, {k: frozenset(v) for k, v in levels.items()})
