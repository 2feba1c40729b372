"""Forms of activities: document revisions, the form and course builders, learning systems, payments.

They only parse; the services check every rule and their messages go on these fields.
"""
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from webapp.bounds import BoundedIntegerField
from webapp.forms.choices import SelectField
from webapp.forms.certifications import blank_to_none, document_fields
from webapp.forms.dates import FlexibleDateField
from webapp.services.activity_forms import FIELD_KIND_LABELS


class DocumentForm(FlaskForm):
    certification_id = SelectField(lazy_gettext("Certification"), coerce=int, validate_choice=False)


for _name, _field in document_fields().items():
    setattr(DocumentForm, _name, _field)


class FormDefinitionForm(FlaskForm):
    name = StringField(lazy_gettext("Form name"), filters=[blank_to_none])
    instructions = TextAreaField(lazy_gettext("Instructions"), filters=[blank_to_none])
    fee_amount = StringField(lazy_gettext("Fee (optional)"), filters=[blank_to_none], render_kw={"inputmode": "decimal"},
                             description=lazy_gettext("Leave empty for a form without payment."))
    fee_currency = StringField(lazy_gettext("Currency"), default="USD", filters=[blank_to_none], render_kw={"size": 3})


class FormFieldForm(FlaskForm):
    label = StringField(lazy_gettext("Label"), filters=[blank_to_none])
    kind = SelectField(lazy_gettext("Kind"), choices=list(FIELD_KIND_LABELS.items()), default="text")
    required = BooleanField(lazy_gettext("Required"))
    choices = TextAreaField(lazy_gettext("Options (for a choice field, one per line)"), render_kw={"rows": 3})


class CourseForm(FlaskForm):
    name = StringField(lazy_gettext("Course name"), filters=[blank_to_none])
    pass_mark = BoundedIntegerField(lazy_gettext("Quiz pass mark (%)"), validators=[Optional(), NumberRange(1, 100, lazy_gettext("The pass mark is a percentage from 1 to 100."))],
                                    description=lazy_gettext("Leave empty to require every answer right."))


class CoursePageForm(FlaskForm):
    title = StringField(lazy_gettext("Page title"), filters=[blank_to_none])
    body = TextAreaField(lazy_gettext("Text"), render_kw={"rows": 6})
    media = FileField(lazy_gettext("Image, video or PDF (optional)"), render_kw={"accept": "image/*,video/mp4,video/webm,.pdf"})


class QuizQuestionForm(FlaskForm):
    prompt = TextAreaField(lazy_gettext("Question"), render_kw={"rows": 2})
    choices = TextAreaField(lazy_gettext("Answers, one per line"), render_kw={"rows": 4})
    correct = BoundedIntegerField(lazy_gettext("Number of the right answer"), validators=[Optional()])


class IntegrationForm(FlaskForm):
    name = StringField(lazy_gettext("Learning system name"), filters=[blank_to_none])


class ConfirmPaymentForm(FlaskForm):
    receipt_number = StringField(lazy_gettext("Receipt number"), filters=[blank_to_none])
    amount = StringField(lazy_gettext("Amount paid"), filters=[blank_to_none], render_kw={"inputmode": "decimal"})
    paid_on = FlexibleDateField(lazy_gettext("Date paid"))


class AcknowledgeForm(FlaskForm):
    document_id = BoundedIntegerField(validators=[Optional()])
    understood = BooleanField()
