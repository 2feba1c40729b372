"""Tags: free-text labels on certifications, roles and companies, shared by name."""
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Tag


def tags_named(names) -> list[Tag]:
    """The tags with these names (blank ones skipped, the missing ones created), sorted by name."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    return [existing.get(name) or Tag(name=name) for name in wanted]
