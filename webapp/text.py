"""Reading what people type into multi-line boxes, and showing mail text in a page."""
from __future__ import annotations

import re


def non_blank_lines(text: str | None) -> list[str]:
    """The lines of a "one per line" box (links, answer choices), trimmed, blank ones skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_ADDRESS = re.compile(r"https?://[^\s<>\"']+")
# Punctuation that ends a sentence after an address is not part of it.
_TRAILING = ".,;:!?)"


def split_site_links(text: str, site_roots: tuple[str, ...], here: str) -> list[tuple[str, str | None]]:
    """`text` as (words, None) and (address, link) pieces, in order.

    An address on this site (under any of `site_roots`, such as the BASE_URL a mail was written
    with) becomes a link to the same page under `here`, the site as the reader reached it; an
    address elsewhere stays words, so a notice never turns someone's typed text into a link.
    """
    roots = tuple(root.rstrip("/") for root in site_roots if root)
    here = here.rstrip("/")
    pieces: list[tuple[str, str | None]] = []
    start = 0
    for match in _ADDRESS.finditer(text):
        address = match.group().rstrip(_TRAILING)
        end = match.start() + len(address)
        root = next((r for r in roots if address == r or address.startswith(f"{r}/")), None)
        if root is None:
            continue
        if match.start() > start:
            pieces.append((text[start:match.start()], None))
        link = here + address[len(root):]
        pieces.append((link, link))
        start = end
    if start < len(text):
        pieces.append((text[start:], None))
    return pieces
