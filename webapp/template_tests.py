"""Jinja tests and filters that ask the rules engine, so templates never restate a rule, or the request
what it carried."""
from __future__ import annotations

from datetime import date

from flask import Flask, request
from wtforms import Field

from webapp.clock import today
from webapp.rules.status import in_training


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


def init_template_tests(app: Flask) -> None:
    app.jinja_env.tests["training_running"] = training_running
    app.jinja_env.tests["files_not_kept"] = files_not_kept
