"""Reading what people type into multi-line boxes."""
from __future__ import annotations


def non_blank_lines(text: str | None) -> list[str]:
    """The lines of a "one per line" box (links, answer choices), trimmed, blank ones skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
