"""Forms of the responsibility matrix and the grey-area register."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from org.models import Department

from .choices import CellScheme, ClauseGroup, GreyAreaKind, MatrixKind
from .models import IsoClause


class MatrixFilterForm(forms.Form):
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(
        label=_("Clause group"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All clauses"))] + list(ClauseGroup.choices),
    )

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (c.department_id, c.department.name) for c in columns if c.department_id
        ]


class MatrixCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MatrixKind.choices)
    scheme = forms.ChoiceField(label=_("Cell scheme"), choices=CellScheme.choices)
    document_number = forms.CharField(
        label=_("Document number"), max_length=40, required=False, help_text=_("Empty: the next free number.")
    )
    department = forms.ModelChoiceField(
        label=_("Department of the posts"),
        queryset=Department.objects.valid_on(),
        required=False,
        help_text=_("Post-level matrix: the current posts of this department become the columns."),
    )
    with_clauses = forms.BooleanField(label=_("Add every ISO 9001 clause as a row"), required=False, initial=True)
    steps = forms.CharField(
        label=_("Processes or work steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line; each becomes a row."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == MatrixKind.POST and not data.get("department"):
            self.add_error("department", _("Choose the department whose posts are the columns."))
        return data

    def step_lines(self):
        return [line.strip() for line in self.cleaned_data.get("steps", "").splitlines() if line.strip()]


class MatrixRowForm(forms.Form):
    clause = forms.ModelChoiceField(label=_("ISO 9001 clause"), queryset=IsoClause.objects.all(), required=False)
    text = forms.CharField(label=_("Process or work step"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("clause") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a clause or name a process or work step."))
        return data


class MatrixDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return to draft"))],
        widget=forms.RadioSelect,
    )
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what has to change."))
        return data


def _owner_queryset():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class GreyAreaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GreyAreaKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments involved"),
        queryset=Department.objects.valid_on(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_owner_queryset())
    proposal = forms.CharField(
        label=_("Improvement proposal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    finding_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owner_queryset()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["departments"].queryset = Department.objects.valid_on().order_by("sort_order", "code")


class GreyAreaCloseForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Close as"),
        choices=[("resolve", _("Resolved")), ("void", _("Void"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Resolution note or reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How it was resolved, or why it is void."),
    )
