"""Forms of the responsibilities app. They collect and check input; the services write.

The job description editor is one page: a form for the text sections and three formsets
(duties with their tasks, KPIs, required training). A duty's tasks are typed as lines of
``who | what | how | when | result`` so a head can write them as fast as in a spreadsheet.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput
from org.models import today

from .models import Duty, JobDescription, Kpi, RequiredTraining, Task, validate_kpi_weights
from .services import JD_TEXT_FIELDS, TASK_FIELDS

TASK_SEPARATOR = "|"


def _field(model, name, **kwargs):
    """The form field of a model field: same label, length, choices and validators."""
    return model._meta.get_field(name).formfield(**kwargs)


def _rows(rows):
    return forms.Textarea(attrs={"rows": rows})


class JdTextForm(forms.Form):
    """The text sections of a draft, and the revision it was loaded at."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in JD_TEXT_FIELDS:
            kwargs = {} if name == "working_hours" else {"widget": _rows(4 if name == "summary" else 2)}
            self.fields[name] = _field(JobDescription, name, **kwargs)
        self.fields["change_description"].help_text = _(
            "What changed against the previous version, for the revision table."
        )


def task_line(task) -> str:
    """A task as one editable line; trailing empty parts are left out."""
    parts = [getattr(task, name) for name in TASK_FIELDS]
    while parts and not parts[-1]:
        parts.pop()
    return f" {TASK_SEPARATOR} ".join(parts)


def parse_task_lines(text: str) -> list[dict]:
    """``who | what | how | when | result`` per line → task dicts; errors name the line."""
    tasks, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(TASK_SEPARATOR)]
        if len(parts) > len(TASK_FIELDS):
            errors.append(
                ValidationError(
                    _("Line %(line)d has %(count)d parts; a task has at most five: who | what | how | when | result."),
                    params={"line": number, "count": len(parts)},
                )
            )
            continue
        task = dict(zip(TASK_FIELDS, parts + [""] * (len(TASK_FIELDS) - len(parts)), strict=True))
        if not task["what"]:
            errors.append(
                ValidationError(
                    _("Line %(line)d has no “what”: write who | what | how | when | result."),
                    params={"line": number},
                )
            )
            continue
        for name in TASK_FIELDS:
            limit = Task._meta.get_field(name).max_length
            if len(task[name]) > limit:
                errors.append(
                    ValidationError(
                        _("Line %(line)d: “%(part)s” is longer than %(limit)d characters."),
                        params={"line": number, "part": Task._meta.get_field(name).verbose_name, "limit": limit},
                    )
                )
        tasks.append(task)
    if errors:
        raise ValidationError(errors)
    return tasks


class RowForm(forms.Form):
    """A row of a formset in the editor."""

    #: Fields shown across the whole row; the others share lines.
    full_width = ()


class DutyForm(RowForm):
    full_width = ("description", "tasks")

    title = _field(Duty, "title")
    description = _field(Duty, "description", widget=_rows(2))
    time_share = _field(Duty, "time_share", max_value=100)
    tasks = forms.CharField(
        label=_("tasks"),
        required=False,
        strip=False,  # keep leading blank lines so error messages name the line the user sees
        widget=_rows(3),
        help_text=_("One task per line: who | what | how | when | result. Only “what” is required."),
    )

    def clean_tasks(self):
        return parse_task_lines(self.cleaned_data["tasks"])


class KpiForm(RowForm):
    name = _field(Kpi, "name")
    formula = _field(Kpi, "formula")
    target = _field(Kpi, "target")
    frequency = _field(Kpi, "frequency")
    weight = _field(Kpi, "weight", max_value=100)
    data_source = _field(Kpi, "data_source")


class TrainingForm(RowForm):
    name = _field(RequiredTraining, "name")
    before_taking_up = _field(RequiredTraining, "before_taking_up")
    validity_months = _field(RequiredTraining, "validity_months")


class RowFormSet(forms.BaseFormSet):
    """Rows in the order shown (or renumbered in the order column), deleted ones left out."""

    def rows(self) -> list[dict]:
        return [
            {name: value for name, value in form.cleaned_data.items() if name not in ("ORDER", "DELETE")}
            for form in self.ordered_forms
        ]


class KpiFormSet(RowFormSet):
    def clean(self):
        if any(self.errors):
            return
        validate_kpi_weights([row["weight"] or 0 for row in self.rows()])


def _formset(form, base=RowFormSet):
    return forms.formset_factory(form, formset=base, extra=2, can_delete=True, can_order=True)


DutyFormSet = _formset(DutyForm)
KpiFormSet = _formset(KpiForm, KpiFormSet)
TrainingFormSet = _formset(TrainingForm)


def duty_initial(jd) -> list[dict]:
    return [
        {
            "title": duty.title,
            "description": duty.description,
            "time_share": duty.time_share,
            "tasks": "\n".join(task_line(task) for task in duty.tasks.all()),
        }
        for duty in jd.duties.all()
    ]


def kpi_initial(jd) -> list[dict]:
    return [{name: getattr(kpi, name) for name in KpiForm.base_fields} for kpi in jd.kpis.all()]


def training_initial(jd) -> list[dict]:
    return [{name: getattr(item, name) for name in TrainingForm.base_fields} for item in jd.required_training.all()]


class ApproveForm(forms.Form):
    effective_date = forms.DateField(
        label=_("effective date"),
        widget=DateInput(),
        initial=today,
        help_text=_("Today or later. Until then the version in force stays effective."),
    )


class RejectForm(forms.Form):
    comment = forms.CharField(label=_("what has to change"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class EditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        employee = getattr(user, "employee", None)
        return f"{employee.name} ({user.get_username()})" if employee else user.get_username()


class GrantForm(forms.Form):
    """Give someone the right to edit the job description of one post or of a whole department."""

    POST = "post"
    DEPARTMENT = "department"

    user = EditorChoiceField(
        label=_("user"),
        queryset=get_user_model().objects.filter(is_active=True).select_related("employee").order_by("username"),
    )
    scope = forms.ChoiceField(
        label=_("scope"),
        choices=[(POST, _("this post")), (DEPARTMENT, _("every post of the department"))],
        initial=POST,
        widget=forms.RadioSelect,
    )


class RegisterFilterForm(forms.Form):
    """Filters of the job description register."""

    STATUS_CHOICES = [
        ("", _("All")),
        ("effective", _("Has an effective version")),
        ("missing", _("No effective version")),
        ("preparing", _("Version in preparation")),
        ("in_review", _("Waiting for approval")),
    ]

    department = forms.TypedChoiceField(label=_("department"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All"))] + [
            (d.pk, "\u2003" * depth + d.name) for d, depth in departments
        ]
