"""Forms of the department charter: the purpose, the key responsibilities, the KPIs, and the
approver's decision. They collect input; ``services.charter_update`` and
``services.charter_decide`` check the rules (4 to 8 key responsibilities, who decides)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import KpiDimension
from .models import CharterKpi, CharterResponsibility, DepartmentCharter
from .services import CHARTER_FIELDS

#: Rows offered for key responsibilities: the most a charter may have.
RESPONSIBILITY_ROWS = 8
#: Empty KPI rows offered below the existing ones.
KPI_EXTRA_ROWS = 3


class CharterForm(forms.Form):
    """The purpose sentence in its three parts and the description of the change."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, charter, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        self.fields.update(
            forms.fields_for_model(
                DepartmentCharter,
                fields=CHARTER_FIELDS,
                widgets={
                    "purpose_within": forms.TextInput(),
                    "purpose_do": forms.TextInput(),
                    "purpose_achieve": forms.TextInput(),
                    "change_description": forms.Textarea(attrs={"rows": 2}),
                },
            )
        )
        self.fields["purpose_within"].help_text = _("The limits the department works within: policies, laws, rules.")
        self.fields["purpose_do"].help_text = _("What the department does, in a few verbs.")
        self.fields["purpose_achieve"].help_text = _("The results it exists for.")
        if charter.version > 1:
            self.fields["change_description"].required = True
            self.fields["change_description"].help_text = _("Goes into the revision table.")

    def text_fields(self):
        return {name: self.cleaned_data[name] for name in CHARTER_FIELDS}


class ResponsibilityForm(forms.Form):
    """One key responsibility; a row left empty is ignored."""

    text = CharterResponsibility._meta.get_field("text").formfield(required=False)


class KpiForm(forms.Form):
    """One department KPI; a row left empty is ignored."""

    dimension = forms.ChoiceField(label=gettext_lazy("Dimension"), choices=KpiDimension.choices)
    name = CharterKpi._meta.get_field("name").formfield(required=False)
    formula = CharterKpi._meta.get_field("formula").formfield(required=False)
    target = CharterKpi._meta.get_field("target").formfield(required=False)

    def clean(self):
        cleaned = super().clean()
        name, formula, target = (cleaned.get(n, "").strip() for n in ("name", "formula", "target"))
        if (formula or target) and not name:
            self.add_error("name", _("Name the KPI."))
        if name and not target:
            self.add_error("target", _("Give the target."))
        return cleaned

    def is_empty(self):
        return not any(self.cleaned_data.get(n, "").strip() for n in ("name", "formula", "target"))


# A bound formset gets no initial rows: a posted row equal to its initial one would count as
# unchanged and come back without data, and every posted row is the new content.


def responsibility_formset(*, data=None, charter):
    formset_class = forms.formset_factory(ResponsibilityForm, extra=0)
    if data is not None:
        return formset_class(data=data, prefix="resp")
    initial = [{"text": r.text} for r in charter.responsibilities.all()]
    initial += [{}] * max(1, RESPONSIBILITY_ROWS - len(initial))
    return formset_class(initial=initial, prefix="resp")


def kpi_formset(*, data=None, charter):
    formset_class = forms.formset_factory(KpiForm, extra=0)
    if data is not None:
        return formset_class(data=data, prefix="kpi")
    initial = [
        {"dimension": k.dimension, "name": k.name, "formula": k.formula, "target": k.target} for k in charter.kpis.all()
    ]
    return formset_class(initial=initial + [{}] * KPI_EXTRA_ROWS, prefix="kpi")


def responsibilities_from(formset) -> list[str]:
    return [text for f in formset.forms if (text := f.cleaned_data.get("text", "").strip())]


def kpis_from(formset) -> list[dict]:
    return [
        {n: f.cleaned_data[n].strip() for n in ("dimension", "name", "formula", "target")}
        for f in formset.forms
        if not f.is_empty()
    ]


class CharterDecisionForm(forms.Form):
    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (APPROVE, gettext_lazy("Approve: the charter takes effect today")),
            (RETURN, gettext_lazy("Return to draft")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required when returning: say what has to change."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what has to change."))
        return cleaned

    @property
    def approve(self):
        return self.cleaned_data["decision"] == self.APPROVE
