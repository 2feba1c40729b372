"""Module settings kept in the Setting table: notification defaults, attachment naming, photos, and
the organisation's time zone."""
from __future__ import annotations

from flask_babel import gettext as _
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from zoneinfo import available_timezones

from flask import current_app, g
from sqlalchemy import select


from webapp.extensions import db
from webapp.models import Setting, User
from webapp.rules.languages import AUTOMATIC, LANGUAGE_NAMES, N_, check_language
from webapp.rules.time_zones import check_time_zone
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid

NOTIFICATIONS_KEY = "notification_defaults"
NAMING_KEY = "attachment_naming"
PHOTOS_KEY = "people_photos"
TIME_ZONE_KEY = "organisation_time_zone"
# Off until the organisation decides: a photo on a public QR report shows a face to whoever scans it.
PHOTOS_DEFAULTS = {"show_photos": False}
LANGUAGE_KEY = "organisation_language"
# '' until the organisation chooses: each browser's Accept-Language decides (docs/rules.md decision 86).
LANGUAGE_DEFAULTS = {"language": AUTOMATIC}

# (setting, label): what is sent to whom. The timing of notices comes from each certification.
NOTIFICATION_OPTIONS = (
    ("first_notice_user", N_("1st Notice: e-mail the user")),
    ("second_notice_user", N_("2nd Notice: e-mail the user")),
    ("second_notice_supervisors", N_("2nd Notice: e-mail the user's supervisors")),
    ("expired_user", N_("On expiration: e-mail the user")),
    ("expired_supervisors", N_("On expiration: e-mail the user's supervisors")),
    ("approval_user", N_("On approval: e-mail the user")),
    ("decline_user", N_("On decline: e-mail the user (with the supervisor's comment)")),
    ("competency_user", N_("Competency lead time: e-mail the user")),
    ("hold_ended_user", N_("Deferral or training ended: e-mail the user")),
    ("activity_required_user", N_("Required-at-login activity given to the user: e-mail them and notify their phone")),
    ("digest_administrators", N_("Digest of what expires within the digest window: e-mail administrators")),
)
# Ontraccr's window: administrators hear of what expires within 90 days.
DIGEST_WINDOW_DAYS = range(1, 366)
NOTIFICATION_DEFAULTS = {key: True for key, _ in NOTIFICATION_OPTIONS} | {"send_hour": 7, "digest_window_days": 90}

TEMPLATE_TOKENS = ("FirstName", "LastName", "Username", "CertificationName", "ExpirationDate", "CompletionDate")
DEFAULT_TEMPLATE = "#LastName#, #FirstName#, #CertificationName# - Completed, #CompletionDate#"
NAMING_DEFAULTS = {"enabled": False, "template": DEFAULT_TEMPLATE}
_TOKEN = re.compile(r"#([A-Za-z]+)#")
# Characters file systems refuse in names.
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


class SettingInvalid(Invalid):
    """Module settings input refused."""


def _load(key: str, defaults: dict) -> dict:
    row = db.session.get(Setting, key)
    return {**defaults, **(row.value if row is not None else {})}


def _save(actor: User, key: str, defaults: dict, value: dict, summary: str) -> None:
    row = db.session.get(Setting, key)
    before = {**defaults, **(row.value if row is not None else {})}
    if row is None:
        row = Setting(key=key, value=value)
        db.session.add(row)
    else:
        row.value = value
    record_audit(actor, f"setting.{key}", row, summary, before=before, after=value)
    db.session.commit()


def notification_defaults() -> dict:
    return _load(NOTIFICATIONS_KEY, NOTIFICATION_DEFAULTS)


def update_notification_defaults(actor: User, values: dict) -> None:
    hour, window = values.get("send_hour"), values.get("digest_window_days")
    errors = {}
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        errors["send_hour"] = _("Choose an hour between 0 and 23.")
    if not isinstance(window, int) or window not in DIGEST_WINDOW_DAYS:
        errors["digest_window_days"] = _("Choose a digest window between 1 and 365 days.")
    if errors:
        raise SettingInvalid(errors)
    value = {key: bool(values.get(key)) for key, _ in NOTIFICATION_OPTIONS} | {"send_hour": hour,
                                                                                "digest_window_days": window}
    _save(actor, NOTIFICATIONS_KEY, NOTIFICATION_DEFAULTS, value, "Edited the default notification settings")


def show_photos_on_qr() -> bool:
    """Whether QR reports and wallet cards show the person's photo (Module Settings)."""
    return bool(_load(PHOTOS_KEY, PHOTOS_DEFAULTS)["show_photos"])


def update_photo_settings(actor: User, show_photos: bool) -> None:
    _save(actor, PHOTOS_KEY, PHOTOS_DEFAULTS, {"show_photos": bool(show_photos)},
          f"{'Showed' if show_photos else 'Stopped showing'} photos on QR reports and wallet cards")


@cache
def known_time_zones() -> tuple[str, ...]:
    """Every IANA zone this machine's zoneinfo knows, sorted (the time zone pickers' options)."""
    return tuple(sorted(available_timezones()))


def _time_zone_defaults() -> dict:
    return {"time_zone": current_app.config["ORGANISATION_TIMEZONE"]}


def _read_request_settings() -> None:
    """The organisation's zone and default language, which nearly every request reads, in one query
    (once per request or job; what the request knows already is kept)."""
    rows = {row.key: row.value for row in db.session.scalars(
        select(Setting).where(Setting.key.in_((TIME_ZONE_KEY, LANGUAGE_KEY))))}
    g.setdefault("organisation_time_zone", {**_time_zone_defaults(), **rows.get(TIME_ZONE_KEY, {})}["time_zone"])
    g.setdefault("organisation_language", {**LANGUAGE_DEFAULTS, **rows.get(LANGUAGE_KEY, {})}["language"])


def organisation_time_zone() -> str:
    """The organisation's zone (Module Settings); ORGANISATION_TIMEZONE until an administrator sets one.
    Read once per request or job: every "today" asks for it."""
    if "organisation_time_zone" not in g:
        _read_request_settings()
    return g.organisation_time_zone


def update_organisation_time_zone(actor: User, name: str | None) -> None:
    """Set the organisation's zone: its midnight turns statuses, its hour sends notices (decision 91).
    Raises SettingInvalid, changing nothing, for a name zoneinfo does not know."""
    try:
        zone = check_time_zone(name, known_time_zones(), blank_allowed=False)
    except ValueError as refusal:
        raise SettingInvalid({"time_zone": str(refusal)}) from None
    _save(actor, TIME_ZONE_KEY, _time_zone_defaults(), {"time_zone": zone}, f"Set the organisation's time zone to {zone}")
    g.pop("organisation_time_zone", None)
def organisation_language() -> str:
    """The organisation's default language: '' leaves it to each browser (one query)."""
    return _load(LANGUAGE_KEY, LANGUAGE_DEFAULTS)["language"]


def request_organisation_language() -> str:
    """The organisation's default language, read once per request or job, with the zone."""
    if "organisation_language" not in g:
        _read_request_settings()
    return g.organisation_language


def update_organisation_language(actor: User, language: str) -> None:
    try:
        language = check_language(language)
    except ValueError:
        raise SettingInvalid({"language": _("Choose a language from the list.")}) from None
    _save(actor, LANGUAGE_KEY, LANGUAGE_DEFAULTS, {"language": language},
          f"Set the default language to {LANGUAGE_NAMES.get(language, 'each browser')}")
    g.pop("organisation_language", None)


def attachment_naming() -> dict:
    return _load(NAMING_KEY, NAMING_DEFAULTS)


def check_template(template: str | None) -> str:
    template = (template or "").strip()
    if not template:
        raise SettingInvalid({"template": _("Enter the naming template.")})
    unknown = sorted({token for token in _TOKEN.findall(template) if token not in TEMPLATE_TOKENS})
    if unknown:
        raise SettingInvalid({"template": "Unknown template option: " + ", ".join(f"#{t}#" for t in unknown)
                              + ". Use " + ", ".join(f"#{t}#" for t in TEMPLATE_TOKENS) + "."})
    if not _TOKEN.search(template):
        raise SettingInvalid({"template": _("Use at least one template option, e.g. #LastName#.")})
    return template


def update_attachment_naming(actor: User, enabled: bool, template: str | None) -> None:
    value = {"enabled": bool(enabled), "template": check_template(template)}
    _save(actor, NAMING_KEY, NAMING_DEFAULTS, value, "Edited the attachment naming settings")


def name_attachment(template: str, *, first_name: str, last_name: str, username: str, certification_name: str,
                    completed_on: date | None, expires_on: date | None) -> str:
    """A file name (without extension) from the template, for one user certification."""
    values = {
        "FirstName": first_name, "LastName": last_name, "Username": username, "CertificationName": certification_name,
        "CompletionDate": completed_on.strftime("%m-%d-%Y") if completed_on else "",
        "ExpirationDate": expires_on.strftime("%m-%d-%Y") if expires_on else "Never Expires",
    }
    name = _TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), template)
    return _UNSAFE.sub("-", name).strip()


@dataclass(frozen=True)
class NamingPreview:
    name: str | None
    error: str | None


def preview_attachment_name(template: str | None, day: date) -> NamingPreview:
    """The template applied to an example user certification (live preview)."""
    try:
        checked = check_template(template)
    except SettingInvalid as invalid:
        return NamingPreview(None, invalid.errors["template"])
    return NamingPreview(name_attachment(checked, first_name="Jane", last_name="Doe", username="jdoe",
                                         certification_name="Forklift Operator", completed_on=day,
                                         expires_on=date(day.year + 1, day.month, min(day.day, 28))), None)
