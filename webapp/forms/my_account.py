"""Forms of My Account: submitting a certification."""
from datetime import date, datetime
from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.forms.choices import SelectField
from webapp.services.storage import ACCEPT_ATTRIBUTE

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")  # what <input type="date"> sends, and what people type
DATE_HINT = "Pick a date, or type it as MM/DD/YYYY."


def parse_date(text: str | None) -> date | None:
    """A date typed as MM/DD/YYYY or sent as YYYY-MM-DD; None when it does not parse."""
    text = (text or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def one_time_key() -> HiddenField:
    """Made when the form renders; two posts of one rendered form (a double click, a replay) store once."""
    return HiddenField(default=lambda: uuid4().hex, validators=[Length(max=40)])


class FlexibleDateField(StringField):
    """A date picker that also accepts a typed MM/DD/YYYY (where a browser shows a text box)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("type", "date")
        kwargs["render_kw"].setdefault("placeholder", "MM/DD/YYYY")
        super().__init__(*args, **kwargs)
        self.date: date | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.date = parse_date(self.data)

    def pre_validate(self, form):
        if (self.data or "").strip() and self.date is None:
            raise ValidationError("Enter the date as MM/DD/YYYY.")

    def _value(self) -> str:
        # The date picker shows only ISO dates, so a typed date is given back as ISO.
        return self.date.isoformat() if self.date else (self.data or "")


class SubmitCertificationForm(FlaskForm):
    certification = SelectField("Certification", coerce=int, validators=[DataRequired(message="Choose a certification.")])
    completed_on = FlexibleDateField(
        "Completion date", validators=[DataRequired(message="Enter the date you completed it.")]
    )
    expires_on = FlexibleDateField("Expiration date (leave empty to compute it)", validators=[Optional()])
    photos = MultipleFileField("Take a photo", render_kw={"accept": "image/*", "capture": "environment"})
    files = MultipleFileField("Attach files", render_kw={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
    links = TextAreaField(
        "Links", validators=[Optional(), Length(max=8000)], render_kw={"rows": 2, "inputmode": "url"}
    )
    idempotency_key = one_time_key()


class RequiredOnlyForm(FlaskForm):
    """The GET filter of the certification list."""

    class Meta:
        csrf = False

    required_only = BooleanField("Only show required certifications")


def preview_on_change(form, url: str) -> None:
    """Refresh the expiration preview (from `url`) whenever the certification or completion date changes."""
    on_change = {
        "hx-get": url,
        "hx-trigger": "change",
        "hx-include": "#certification, #completed_on",
        "hx-target": "#expiration-preview",
        "hx-swap": "outerHTML",
    }
    form.certification.render_kw = on_change
    form.completed_on.render_kw = {**form.completed_on.render_kw, **on_change}
