"""Forms of activities: document revisions, the form and course builders, learning systems, payments.

They only parse; the services check every rule and their messages go on these fields.
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from webapp.bounds import BoundedIntegerField
from webapp.forms.choices import SelectField
from webapp.forms.certifications import blank_to_none, document_fields
from webapp.forms.dates import FlexibleDateField
from webapp.services.activity_forms import FIELD_KIND_LABELS


class DocumentForm(FlaskForm):
    certification_id = SelectField("Certification", coerce=int, validate_choice=False)


for _name, _field in document_fields().items():
    setattr(DocumentForm, _name, _field)


class FormDefinitionForm(FlaskForm):
    name = StringField("Form name", filters=[blank_to_none])
    instructions = TextAreaField("Instructions", filters=[blank_to_none])
    fee_amount = StringField("Fee (optional)", filters=[blank_to_none], render_kw={"inputmode": "decimal"},
                             description="Leave empty for a form without payment.")
    fee_currency = StringField("Currency", default="USD", filters=[blank_to_none], render_kw={"size": 3})


class FormFieldForm(FlaskForm):
    label = StringField("Label", filters=[blank_to_none])
    kind = SelectField("Kind", choices=list(FIELD_KIND_LABELS.items()), default="text")
    required = BooleanField("Required")
    choices = TextAreaField("Options (for a choice field, one per line)", render_kw={"rows": 3})


class CourseForm(FlaskForm):
    name = StringField("Course name", filters=[blank_to_none])
    pass_mark = BoundedIntegerField("Quiz pass mark (%)", validators=[Optional(), NumberRange(1, 100, "The pass mark is a percentage from 1 to 100.")],
                                    description="Leave empty to require every answer right.")


class CoursePageForm(FlaskForm):
    title = StringField("Page title", filters=[blank_to_none])
    body = TextAreaField("Text", render_kw={"rows": 6})
    media = FileField("Image, video or PDF (optional)", render_kw={"accept": "image/*,video/mp4,video/webm,.pdf"})


class QuizQuestionForm(FlaskForm):
    prompt = TextAreaField("Question", render_kw={"rows": 2})
    choices = TextAreaField("Answers, one per line", render_kw={"rows": 4})
    correct = BoundedIntegerField("Number of the right answer", validators=[Optional()])


class IntegrationForm(FlaskForm):
    name = StringField("Learning system name", filters=[blank_to_none])


class ConfirmPaymentForm(FlaskForm):
    receipt_number = StringField("Receipt number", filters=[blank_to_none])
    amount = StringField("Amount paid", filters=[blank_to_none], render_kw={"inputmode": "decimal"})
    paid_on = FlexibleDateField("Date paid")


class AcknowledgeForm(FlaskForm):
    document_id = BoundedIntegerField(validators=[Optional()])
    understood = BooleanField()
