"""The message catalogues: every message translated into Spanish and French, none fuzzy, their placeholders
the same as the English, and the catalogues up to date with the code (`make translations` leaves nothing new)."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("es", "fr")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _ids(catalogue) -> set:
    return {message.id for message in catalogue if message.id}


def _extract_flags() -> list[str]:
    """The flags `make translations` extracts with, read from the Makefile so the two never differ."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("EXTRACT_FLAGS"))
    return shlex.split(line.split(":=", 1)[1])


@pytest.fixture(scope="module")
def template():
    return _catalogue(TRANSLATIONS / "messages.pot")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(template, language):
    catalogue = _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    assert _ids(template) - _ids(catalogue) == set(), "run `make translations`, then translate what is new"
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple) and len(forms) != catalogue.num_plurals:
            untranslated.append(message.id)
        elif not all(forms):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert untranslated == [], f"{language}: {len(untranslated)} messages not translated"
    assert fuzzy == [], f"{language}: fuzzy translations to check"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    catalogue = _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        known = set(_PLACEHOLDER.findall(ids[-1])) | set(_PLACEHOLDER.findall(ids[0]))
        # A singular form may leave the count out ("a minute"); no form may name what the English does not,
        # and a message without plural forms keeps every placeholder.
        wanted = known if len(ids) == 1 else set()
        wrong += [(ids[0], form) for form in forms if not wanted <= set(_PLACEHOLDER.findall(form)) <= known]
    assert wrong == []


def test_the_catalogues_hold_exactly_the_messages_of_the_code(template, tmp_path):
    extracted = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *_extract_flags(),
                    "--output-file", str(extracted), "."], cwd=ROOT, check=True, capture_output=True)
    fresh = _ids(_catalogue(extracted))
    assert fresh - _ids(template) == set(), "messages in the code missing from messages.pot: run `make translations`"
    assert _ids(template) - fresh == set(), "messages.pot holds messages the code no longer has: run `make translations`"
