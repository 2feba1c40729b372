"""Forms of activities: document revisions, the form and course builders, learning systems, payments.

They only parse; the services check every rule and their messages go on these fields.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from webapp.bounds import BoundedIntegerField
from webapp.forms.choices import SelectField
from webapp.forms.certifications import blank_to_none, document_fields
from webapp.forms.dates import FlexibleDateField
from webapp.services.activity_forms import FIELD_KIND_LABELS


class DocumentForm(FlaskForm):
    certification_id = SelectField(_l("Certification"), coerce=int, validate_choice=False)


for _name, _field in document_fields().items():
    setattr(DocumentForm, _name, _field)


class FormDefinitionForm(FlaskForm):
    name = StringField(_l("Form name"), filters=[blank_to_none])
    instructions = TextAreaField(_l("Instructions"), filters=[blank_to_none])
    fee_amount = StringField(_l("Fee (optional)"), filters=[blank_to_none], render_kw={"inputmode": "decimal"},
                             description=_l("Leave empty for a form without payment."))
    fee_currency = StringField(_l("Currency"), default="USD", filters=[blank_to_none], render_kw={"size": 3})


class FormFieldForm(FlaskForm):
    label = StringField(_l("Label"), filters=[blank_to_none])
    kind = SelectField(_l("Kind"), choices=list(FIELD_KIND_LABELS.items()), default="text")
    required = BooleanField(_l("Required"))
    choices = TextAreaField(_l("Options (for a choice field, one per line)"), render_kw={"rows": 3})


class CourseForm(FlaskForm):
    name = StringField(_l("Course name"), filters=[blank_to_none])
    pass_mark = BoundedIntegerField(_l("Quiz pass mark (%)"), validators=[Optional(), NumberRange(1, 100, _l("The pass mark is a percentage from 1 to 100."))],
                                    description=_l("Leave empty to require every answer right."))


class CoursePageForm(FlaskForm):
    title = StringField(_l("Page title"), filters=[blank_to_none])
    body = TextAreaField(_l("Text"), render_kw={"rows": 6})
    media = FileField(_l("Image, video or PDF (optional)"), render_kw={"accept": "image/*,video/mp4,video/webm,.pdf"})


class QuizQuestionForm(FlaskForm):
    prompt = TextAreaField(_l("Question"), render_kw={"rows": 2})
    choices = TextAreaField(_l("Answers, one per line"), render_kw={"rows": 4})
    correct = BoundedIntegerField(_l("Number of the right answer"), validators=[Optional()])


class IntegrationForm(FlaskForm):
    name = StringField(_l("Learning system name"), filters=[blank_to_none])


class ConfirmPaymentForm(FlaskForm):
    receipt_number = StringField(_l("Receipt number"), filters=[blank_to_none])
    amount = StringField(_l("Amount paid"), filters=[blank_to_none], render_kw={"inputmode": "decimal"})
    paid_on = FlexibleDateField(_l("Date paid"))


class AcknowledgeForm(FlaskForm):
    document_id = BoundedIntegerField(validators=[Optional()])
    understood = BooleanField()
