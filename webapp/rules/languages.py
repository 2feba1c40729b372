"""The languages FieldCert speaks, and which one a person sees (docs/rules.md decision 86)."""
from __future__ import annotations

from collections.abc import Iterable

# English first: it is the fallback and the language of the message ids.
LANGUAGES = ("en", "es", "fr")
# Each language named in itself, as a person looking for their own reads it.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}
AUTOMATIC = ""


def N_(message: str) -> str:  # noqa: N802 (the gettext convention extraction looks for)
    """Marks an English message id for extraction; it is translated where it is shown (decision 85)."""
    return message


def check_language(language: str) -> str:
    """'' (automatic) or one of LANGUAGES; ValueError otherwise."""
    if language != AUTOMATIC and language not in LANGUAGES:
        raise ValueError(f"language: choose one of {', '.join(LANGUAGES)}, or automatic")
    return language


def choose_language(chosen: str | None, organisation_default: str | None, accepted: Iterable[str]) -> str:
    """The person's own choice, else the organisation's default, else the first of the browser's
    `Accept-Language` (in its order of preference) that FieldCert speaks, else English.
    `accepted` holds language tags as the browser sends them ("es-MX", "fr", "*")."""
    for language in (chosen, organisation_default):
        if language in LANGUAGES:
            return language
    for tag in accepted:
        primary = tag.strip().lower().replace("_", "-").split("-")[0]
        if primary in LANGUAGES:
            return primary
    return LANGUAGES[0]
