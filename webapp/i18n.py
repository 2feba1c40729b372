"""Languages: which one a request speaks (docs/rules.md decision 86), and the template filters that write
dates, times and counts in it (decision 87).

Message ids are the English text. Python code marks them with flask_babel's `gettext`/`lazy_gettext`
(forms' labels are lazy: they are read at each render, in that request's language); the pure rules mark
them with `webapp.rules.languages.N_` and the views translate them when showing them (decision 85).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user

from webapp.clock import local_time
from webapp.locales import person_locale
from webapp.rules.languages import LANGUAGES, N_, choose_language
from webapp.rules.messages import Counted, Message
from webapp.rules.periods import Period
from webapp.rules.stored_texts import AUDIT_SUMMARIES, EXPLANATIONS, IMPORT_ERRORS, IMPORT_PREVIEWS, StoredTexts
from webapp.services.settings import request_organisation_language

_PATTERN_PARTS = (("y", "yyyy"), ("d", "dd"), ("M", "MM"))
# What static/js/credential.js says of a code, shown through pageText() by its English words.
CREDENTIAL_REASONS = (
    N_("This is not a FieldCert credential."),
    N_("The code is damaged or incomplete."),
    N_("The code was not signed by a key this organisation publishes."),
    N_("The signature does not match: the code was altered or signed by someone else."),
    N_("The code's contents are not a FieldCert credential."),
    N_("A newer code replaced this one, or a record was revoked."),
    N_("This code is past its valid-until time."),
    N_("Signed by the organisation, in date, not revoked."),
)


def _translations():
    """Flask-Babel's `get_translations()`, remembered for the locale in force: a page translates hundreds
    of strings, and each of Flask-Babel's own lookups reads its request context three times and writes
    the locale's name. A forced locale (a mail in its recipient's language) is another locale object,
    so it gets its own translations, and the request's again after."""
    if not has_app_context():
        return get_translations()
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    if locale is None:  # the locale is not chosen yet: Flask-Babel chooses it now
        return get_translations()
    kept = getattr(context, "fieldcert_translations", None)
    if kept is None or kept[0] is not locale:
        kept = context.fieldcert_translations = (locale, get_translations())
    return kept[1]


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, through the remembered translations."""
    translated_text = _translations().ugettext(string)
    return translated_text % variables if variables else translated_text


def ngettext(singular: str, plural_form: str, num: int, **variables) -> str:
    """flask_babel.ngettext (`num` given as %(num)d), through the remembered translations."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural_form, num) % variables


def _counted(unit: str, amount: int) -> str:
    """`amount unit` in the request's language, with the plural form the language's rules choose."""
    if unit == "days":
        return ngettext("%(num)d day", "%(num)d days", amount)
    if unit == "weeks":
        return ngettext("%(num)d week", "%(num)d weeks", amount)
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", amount)
    if unit == "years":
        return ngettext("%(num)d year", "%(num)d years", amount)
    raise ValueError(f"unit: no plural forms for {unit!r}")


def plural(amount: int, unit: str) -> str:
    """`{{ amount|plural("days") }}`: "1 day", "2 days"; "1 día", "2 días"; "1 jour", "2 jours"."""
    return _counted(unit, amount)


def kind_count(kind: str, amount: int) -> str:
    """`{{ kind_count("asset", 3) }}`: "3 assets", with the plural forms of the request's language."""
    if kind == "asset":
        return ngettext("%(num)d asset", "%(num)d assets", amount)
    if kind == "client":
        return ngettext("%(num)d client", "%(num)d clients", amount)
    if kind == "location":
        return ngettext("%(num)d job location", "%(num)d job locations", amount)
    raise ValueError(f"kind: no plural forms for {kind!r}")


def translated(value: Message | str | object) -> str:
    """`{{ s.why|translated }}`, `{{ status.label|translated }}`: a rule's message (decision 85), a message id
    held in a variable, or one part of a message (a date, a count), in the request's language."""
    if isinstance(value, Message):
        return gettext(value.id, **{name: _translated_part(part) for name, part in value.params})
    if isinstance(value, str):
        return gettext(value)
    return str(_translated_part(value))


def _stored(texts: StoredTexts, text: str) -> str:
    if current_language() == LANGUAGES[0]:
        return text
    found = texts.match(text)
    return text if found is None else translated(found)


def audit_summary(text: str) -> str:
    """`{{ entry.summary|audit_summary }}`: a stored audit summary in the request's language when it reads as one
    of the fixed summaries, else as it was written (decision 103)."""
    return _stored(AUDIT_SUMMARIES, text)


def import_error(text: str) -> str:
    """`{{ message|import_error }}`: an import's stored row error, as `audit_summary` (decision 103)."""
    return _stored(IMPORT_ERRORS, text)


def import_preview(text: str) -> str:
    """`{{ label|import_preview }}`: a line of an import's stored preview (a row's label or one of its changes), as
    `audit_summary`, its dates in the reader's order (decision 114)."""
    return _stored(IMPORT_PREVIEWS, text)


def explanation(text: str) -> str:
    """`{{ record.expiration_explanation|explanation }}`: a record's stored "why?" of its expiration, written in
    English, in the request's language when it reads as the rules' (or a typed date's) explanation, its dates in
    the reader's order; else as it was written (decision 111)."""
    return _stored(EXPLANATIONS, text)


def _translated_part(part: object) -> object:
    if isinstance(part, Message):
        return translated(part)
    if isinstance(part, date):
        return day(part)
    if isinstance(part, (Counted, Period)):
        return plural(part.amount, part.unit)
    return part


def organisation_default() -> str:
    """The organisation's default language ('' for each browser's), read once a request."""
    return request_organisation_language()


def remember_organisation_default(language: str) -> None:
    """The organisation's default language, read already with something else (a kept page's one query)."""
    g.organisation_language = language


def select_language() -> str:
    """The person's own choice, the organisation's default, then the browser's `Accept-Language`.
    Outside a request (the scheduler's mail) the organisation's default; a recipient's own language is
    forced around each message (services/mail.py)."""
    if not has_request_context():
        return choose_language(None, organisation_default(), ())
    chosen = current_user.language if current_user.is_authenticated else None
    accepted = [tag for tag, _quality in request.accept_languages]
    return choose_language(chosen, organisation_default() if chosen not in LANGUAGES else None, accepted)


def current_language() -> str:
    """The request's language code ("en", "es", "fr"), for `<html lang>` and cache keys."""
    return get_locale().language


@lru_cache(maxsize=16)
def numeric_date_pattern(language: str) -> str:
    """The locale's short date pattern with a four-digit year and two-digit day and month:
    MM/dd/yyyy in English, dd/MM/yyyy in Spanish and French."""
    pattern = Locale.parse(language).date_formats["short"].pattern
    for letter, wide in _PATTERN_PARTS:
        pattern = re.sub(f"{letter}+", wide, pattern)
    return pattern


def day(value: date | datetime | None, width: str = "numeric") -> str:
    """`{{ d|day }}`: 03/04/2026 (en), 04/03/2026 (en-GB, es, fr); `{{ d|day('long') }}`: March 4, 2026,
    4 de marzo de 2026, 4 mars 2026. A datetime is shown as its day in the reader's zone (decision 91)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value).date()
    return _formatted_date(value, width, str(person_locale()))


@lru_cache(maxsize=8192)
def _formatted_date(value: date, width: str, locale: str) -> str:
    """A date written in a locale: the same text every time, so it is made once per process (a page
    writes the same few dates many times)."""
    return format_date(value, numeric_date_pattern(locale) if width == "numeric" else width, locale=locale)


def moment(value: datetime | None) -> str:
    """`{{ dt|moment }}`: a stored (UTC) time as the day and time in the reader's zone (decision 91),
    in the request's language, with the zone's name: 03/04/2026 2:05 PM UTC, 04/03/2026 14:05 UTC."""
    if value is None:
        return ""
    local = local_time(value)
    # The 24-hour clock in every language: a time written once reads the same to every crew.
    time = format_time(local, "HH:mm", locale=get_locale())
    return f"{day(local.date())} {time} {local.tzname()}"


def browser_texts() -> dict[str, str]:
    """What static/js/app.js writes on the page, in the request's language: every page carries them in
    `<meta name="texts">` (no inline script: CSP), and `text(key, values)` there fills in `%(name)s`.
    Made once per language: every page carries the same."""
    return _browser_texts(_translations())


@lru_cache(maxsize=16)
def _browser_texts(translations) -> dict[str, str]:
    """browser_texts in the language of `translations` (the ones in force, which gettext reads)."""
    return {
        "savedCopy": gettext("No signal: this is the copy saved on this phone, last refreshed %(time)s."),
        "savedExcept": gettext("Saved for use without signal, except %(failed)s item(s) that could not be fetched."),
        "saved": gettext("Saved on this phone for use without signal: %(pages)s pages and %(files)s files."),
        "notSaved": gettext("Could not save these pages for use without signal."),
        "saving": gettext("Saving these pages for use without signal…"),
        "needsSignal": gettext("No signal: this needs a connection. Try again when you are back online."),
        "refused": gettext("The server refused this (%(status)s)."),
        "nothingChanged": gettext("Nothing was changed. %(reason)s"),
        "why": gettext("Why: %(message)s"),
        "openAgain": gettext("Open the form again"),
        # The submissions waiting on the phone (static/js/queue.js keeps the key of its own refusals).
        "queuedRefused": gettext("Refused by the server, not stored:"),
        "queuedWaiting": gettext("Waiting to send"),
        "queueSignedOut": gettext("You were signed out or the form expired. Sign in again if asked, then press Retry."),
        "queueRefused": gettext("The server refused it. Check it, then press Retry or remove it."),
        "retry": gettext("Retry"),
        "remove": gettext("Remove"),
        "sent": gettext("%(count)s waiting submission(s) sent."),
        "refusedSome": gettext("%(count)s submission(s) refused by the server: see why under \"Not sent yet\"."),
        "backInForm": gettext("\"%(label)s\" is back in the form below: correct it, then submit it again."),
        "queuedLabel": gettext("%(certification)s, completed %(completed)s"),
        "queued": gettext("No signal: your submission is saved on this phone and waiting to send. It is sent when the "
                          "signal returns."),
        "removeQueued": gettext("Remove this submission from the phone? It has not been sent."),
        "signOutWaiting": gettext("%(count)s submission(s) have not been sent yet. Signing out deletes them from this "
                                  "phone. Sign out anyway?"),
        "signOutOffline": gettext("No signal: your pages and unsent submissions are gone from this phone, but signing "
                                  "out needs a connection. Sign out again when you are back online."),
        "copied": gettext("Address copied."),
        "selected": gettext("Selected: copy it with your device's Copy command."),
        "pushBlocked": gettext("Notifications are blocked for FieldCert in this browser's settings."),
        "pushDenied": gettext("Notifications were not allowed, so none will arrive on this device."),
        "pushTurningOn": gettext("Turning on…"),
        "pushFailed": gettext("Notifications could not be turned on: %(error)s"),
        # The credential verifier (static/js/verify.js); credential.js's verdicts are keyed by their English.
        "keysAsOf": gettext("Keys and revocations as of %(moment)s."),
        "keysMissing": gettext("The organisation’s keys could not be fetched: open this page once with signal."),
        "expires": gettext("expires %(day)s"),
        "noKeys": gettext("No keys on this phone yet: open this page once with signal."),
        "noCamera": gettext("The camera could not be opened: paste the code instead."),
        **{reason: gettext(reason) for reason in CREDENTIAL_REASONS},
    }


def init_i18n(app: Flask, translations: Path) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(translations))
    Babel(app, locale_selector=select_language)
    # The templates' _() and ngettext() through the remembered translations (Babel installed its own).
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural_form, num: _translations().ungettext(singular, plural_form, num),
        newstyle=True,
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural_form, num: _translations().unpgettext(
            context, singular, plural_form, num),
    )
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["audit_summary"] = audit_summary
    app.jinja_env.filters["import_error"] = import_error
    app.jinja_env.filters["import_preview"] = import_preview
    app.jinja_env.filters["explanation"] = explanation
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["browser_texts"] = browser_texts
    app.jinja_env.globals["kind_count"] = kind_count
