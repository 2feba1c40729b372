"""The one date field of every form. Every typed date has a four-digit year in the configured
range (docs/rules.md, decision 22), in the person's order or ISO (decision 90); the live previews
read theirs with services.dates."""
from datetime import date

from wtforms import StringField
from wtforms.validators import ValidationError

from webapp.services.dates import read_person_date, typed_date_format, typed_date_range


class FlexibleDateField(StringField):
    """A date picker that also accepts a date typed in the person's order (where a browser shows a
    text box): MM/DD/YYYY in the United States, DD/MM/YYYY in Britain, Spain and France.

    `date` holds the date read; `data` the text, given back as typed when it is refused.
    `expiration=True` widens the range to the latest date the rules can give.
    """

    def __init__(self, *args, expiration: bool = False, **kwargs):
        kwargs.setdefault("render_kw", {})
        kwargs["render_kw"].setdefault("type", "date")
        # static/js/app.js sends "date-complete" only once the year has four digits.
        kwargs["render_kw"].setdefault("data-complete-date", "")
        super().__init__(*args, **kwargs)
        self.expiration = expiration
        self.date: date | None = None
        self.refusal: str | None = None

    def process_data(self, value):
        if isinstance(value, date):
            self.date, value = value, value.isoformat()
        super().process_data(value)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.date = self.refusal = None
        if (self.data or "").strip():
            self.date, self.refusal = read_person_date(self.data, expiration=self.expiration)

    def pre_validate(self, form):
        if self.refusal:
            raise ValidationError(self.refusal)

    def __call__(self, **kwargs):
        accepted = typed_date_range(expiration=self.expiration)
        kwargs.setdefault("min", accepted.earliest.isoformat())
        kwargs.setdefault("max", accepted.latest.isoformat())
        kwargs.setdefault("placeholder", typed_date_format())
        return super().__call__(**kwargs)

    def _value(self) -> str:
        # The date picker shows only ISO dates, so a typed date is given back as ISO.
        return self.date.isoformat() if self.date else (self.data or "")
