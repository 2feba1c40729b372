"""Forms of My Account: submitting a certification, and one's own profile."""
from datetime import date, datetime
from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.forms.validators import one_line

from webapp.services.photos import PHOTO_ACCEPT
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
    # Made when the form renders; two posts of one rendered form store one submission.
    idempotency_key = HiddenField(default=lambda: uuid4().hex)


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


class ProfileForm(FlaskForm):
    """My Account: what a person may change about themselves."""

    first_name = StringField("First name", validators=[InputRequired("Enter your first name."), Length(max=80), one_line])
    last_name = StringField("Last name", validators=[InputRequired("Enter your last name."), Length(max=80), one_line])
    phone = StringField("Phone", validators=[Optional(), Length(max=40), one_line], render_kw={"type": "tel"})
    photo = FileField("Photo (JPEG, PNG, WebP or GIF)", render_kw={"accept": PHOTO_ACCEPT})
