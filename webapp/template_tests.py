"""Jinja tests and filters that ask the rules engine, so templates never restate a rule."""
from __future__ import annotations

from datetime import date

from flask import Flask

from webapp.clock import today
from webapp.rules.periods import plural
from webapp.rules.status import in_training


def training_running(training_until: date | None) -> bool:
    """`{% if role.training_until is training_running %}`: the training still holds today."""
    return in_training(training_until, today())


def init_template_tests(app: Flask) -> None:
    app.jinja_env.tests["training_running"] = training_running
    # `{{ amount|plural(unit) }}`: "1 year", "2 years", as every period is written.
    app.jinja_env.filters["plural"] = plural
