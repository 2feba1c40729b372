"""Template checks for what a person sees (issue 15): confirmations that can appear, icons that need no font."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC = Path(__file__).resolve().parents[2] / "static"
TAG = re.compile(r"<[a-z][^<>]*?(?:\{[{%#].*?[}%#]\}[^<>]*?)*>", re.S)
# Pictographs and symbols that some fonts lack (arrows, check marks, warning signs, media controls...).
GLYPH = re.compile("[\u203c\u2190-\u21ff\u2200-\u23ff\u2460-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff]")


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


def test_every_hx_confirm_sits_on_an_element_htmx_sends():
    # hx-confirm only asks before a request htmx makes; on a plain form it is silently ignored.
    ignored = [
        (path.relative_to(TEMPLATES).as_posix(), tag[:80])
        for path in _templates()
        for tag in TAG.findall(path.read_text())
        if "hx-confirm=" in tag and not re.search(r"\shx-(get|post|put|patch|delete)=", tag)
    ]
    assert ignored == []


def test_no_icon_is_a_font_glyph():
    found = [
        (path.name, n, line.strip()[:80])
        for path in [*_templates(), STATIC / "css" / "app.css", STATIC / "js" / "app.js"]
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if GLYPH.search(line)
    ]
    assert found == []
