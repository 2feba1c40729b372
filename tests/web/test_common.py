"""The shared form-save helpers of the area blueprints."""
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from webapp.blueprints.common import saved
from webapp.extensions import db
from webapp.services.invalid import Invalid


class NameForm(FlaskForm):
    name = StringField()


def test_a_refusal_lands_on_the_form_keeps_nothing_and_flashes_what_has_no_field(app, factory):
    company = factory.company(name="Acme")
    with app.test_request_context(method="POST", data={"name": "Acme"}):
        form = NameForm(meta={"csrf": False})

        def save():
            company.name = "Half done"
            raise Invalid({"name": "Another company already has this name.", "payment": "This payment was confirmed already."})

        assert saved(form, save, "Saved.", "/") is None
        assert form.name.errors == ["Another company already has this name."]
        assert get_flashed_messages(with_categories=True) == [("error", "This payment was confirmed already.")]
        db.session.commit()
        assert company.name == "Acme"
