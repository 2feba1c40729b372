"""Time zones: the organisation's (whose midnight turns statuses, and whose hour notices go out at)
and a person's own, for showing moments (decision 91). Pure: the caller gives the zones it knows."""
from __future__ import annotations

from collections.abc import Collection

# The longest IANA name is 32 characters; the column leaves room.
TIME_ZONE_MAX = 64


def check_time_zone(name: str | None, known: Collection[str], *, blank_allowed: bool) -> str:
    """The zone `name` names, trimmed ('' where blank is allowed: the organisation's); ValueError with
    a message for the field otherwise."""
    name = (name or "").strip()
    if not name:
        if blank_allowed:
            return ""
        raise ValueError("Choose a time zone.")
    if len(name) > TIME_ZONE_MAX or name not in known:
        raise ValueError("Choose a time zone from the list, e.g. America/Chicago or Europe/London.")
    return name
