"""Jinja tests and filters that ask the rules engine, so templates never restate a rule, or the request
what it carried."""
from __future__ import annotations

from datetime import date

from flask import Flask, request
from flask_login import current_user
from wtforms import Field

from webapp.clock import display_zone, local_time, today
from webapp.locales import text_direction
from webapp.rules.status import in_training
from webapp.services.dates import date_hint, typed_date_format


def training_running(training_until: date | None) -> bool:
    """`{% if role.training_until is training_running %}`: the training still holds today."""
    return in_training(training_until, today())


def files_not_kept(field: Field) -> bool:
    """`{% if f is files_not_kept %}`: files were chosen in a form that comes back to be corrected, and the
    browser does not keep a file input's choice, so the person must choose them again."""
    if field.type not in ("FileField", "MultipleFileField") or request.method != "POST":
        return False
    chosen = field.data if isinstance(field.data, list) else [field.data]
    # A file input left empty is sent as a FileStorage without a name, which is false.
    return any(chosen)


def resolve_display_zone() -> dict:
    """A signed-in page reads the reader's zone once as it renders, whether or not it shows a moment,
    so its query count does not depend on what it lists."""
    if current_user.is_authenticated:
        display_zone()
    return {}


def init_template_tests(app: Flask) -> None:
    app.jinja_env.tests["training_running"] = training_running
    app.jinja_env.tests["files_not_kept"] = files_not_kept
    # `{{ (moment|local_time).strftime(...) }}`: a stored (UTC) moment in the reader's zone (decision 91).
    app.jinja_env.filters["local_time"] = local_time
    app.context_processor(resolve_display_zone)
    # The person's date order beside every date field, and the page's reading direction (decision 90).
    app.jinja_env.globals.update(date_hint=date_hint, typed_date_format=typed_date_format,
                                 text_direction=text_direction)
