"""Forms of the satisfaction module. They collect and check input; the services write.

A template's items are typed as lines, as fast as in a spreadsheet::

    40 | 产品质量 | Product quality
    - 1 | 产品性能 | Performance
    - 1 | 外观 | Appearance
    20 | 价格 | Price

A line ``points | Chinese | English`` is an item; a line starting with ``-`` is a sub-item of
the item above, ``- weight | Chinese | English`` (the weight may be left out: 1).
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput
from org.models import Employee

from .choices import LEVEL_SHARE_FIELDS, STAFF_CHANNELS, Level
from .models import Campaign, SurveyTemplate, localised
from .services import default_deadline

SEPARATOR = "|"


def _number(text):
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def items_to_lines(items) -> str:
    """The structure of ``services.template_items_data`` as editable lines."""
    lines = []
    for item in items:
        lines.append(f"{Decimal(item['points']).normalize():f} | {item['text']} | {item['text_en']}".rstrip(" |"))
        for sub in item["sub_items"]:
            lines.append(f"- {Decimal(sub['weight']).normalize():f} | {sub['text']} | {sub['text_en']}".rstrip(" |"))
    return "\n".join(lines)


def parse_item_lines(text: str) -> list[dict]:
    """Lines → ``[{"text", "text_en", "points", "sub_items": [...]}]``; errors name the line."""
    items, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-"):
            parts = [p.strip() for p in line[1:].split(SEPARATOR)]
            weight = Decimal(1)
            if len(parts) > 1 and _number(parts[0]) is not None:
                weight = _number(parts.pop(0))
            if not items:
                errors.append(
                    ValidationError(_("Line %(line)d: a sub-item needs an item above it."), params={"line": number})
                )
                continue
            if len(parts) > 2 or not parts[0]:
                errors.append(
                    ValidationError(
                        _("Line %(line)d: write a sub-item as “- weight | Chinese | English”."), params={"line": number}
                    )
                )
                continue
            items[-1]["sub_items"].append(
                {"text": parts[0], "text_en": parts[1] if len(parts) > 1 else "", "weight": weight}
            )
            continue
        parts = [p.strip() for p in line.split(SEPARATOR)]
        points = _number(parts[0])
        if points is None or len(parts) < 2 or len(parts) > 3 or not parts[1]:
            errors.append(
                ValidationError(
                    _(
                        "Line %(line)d: write an item as “points | Chinese | English”, e.g. “40 | 产品质量 | Product quality”."
                    ),
                    params={"line": number},
                )
            )
            continue
        items.append(
            {"points": points, "text": parts[1], "text_en": parts[2] if len(parts) > 2 else "", "sub_items": []}
        )
    if errors:
        raise ValidationError(errors)
    return items


class TemplateForm(forms.ModelForm):
    """A template's texts, level shares and items (as lines)."""

    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "mono"}),
        help_text=_(
            "One item per line: “points | Chinese | English”; the points must add up to 100. "
            "Sub-items go below their item: “- weight | Chinese | English” (they share the item's points "
            "by weight; equal weights if left out)."
        ),
    )

    class Meta:
        model = SurveyTemplate
        fields = ["code", "name", "name_en", "intro", "intro_en", *LEVEL_SHARE_FIELDS.values(), "change_note"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 2}), "intro_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["change_note"]

    def clean_items(self):
        return parse_item_lines(self.cleaned_data["items"])

    def validate_unique(self):
        """The service checks the code and assigns versions."""


class CampaignForm(forms.ModelForm):
    customers = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Active customers from the customer register. Each gets a personal link."),
    )

    class Meta:
        model = Campaign
        fields = ["title", "period_start", "period_end", "template", "target_rate", "deadline", "owner"]
        widgets = {"period_start": DateInput, "period_end": DateInput, "deadline": DateInput}

    def __init__(self, *args, user=None, **kwargs):
        from complaints.models import Customer

        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = Customer.objects.filter(active=True).order_by("code")
        self.fields["template"].queryset = SurveyTemplate.objects.filter(next_version__isnull=True).order_by("code")
        self.fields["owner"].queryset = Employee.objects.filter(user__is_active=True).order_by("name")
        self.fields["deadline"].initial = default_deadline()
        self.fields["deadline"].help_text = _(
            "Four weeks from today unless you choose otherwise; not in the past and not before the period starts."
        )
        if user is not None and hasattr(user, "employee"):
            self.fields["owner"].initial = user.employee.pk


class AnswersForm(forms.Form):
    """One radio group per question of the form (sub-items, or the item itself), all optional:
    a customer may skip what does not apply. Field names: ``q<item>`` or ``q<item>_<sub>``."""

    comment = forms.CharField(
        label=_("Comments and suggestions"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    respondent = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100)

    def __init__(self, *args, template, items, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.groups = []
        choices = [(level.value, level.label) for level in Level]
        for item in items:
            subs = list(item.sub_items.all())
            names = []
            for sub in subs or [None]:
                name = f"q{item.pk}" if sub is None else f"q{item.pk}_{sub.pk}"
                label = (
                    localised(item.text, item.text_en, language)
                    if sub is None
                    else localised(sub.text, sub.text_en, language)
                )
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=choices, required=False, widget=forms.RadioSelect
                )
                self.fields[name].question = (item.pk, sub.pk if sub else None)
                names.append(name)
            self.groups.append({"item": item, "text": localised(item.text, item.text_en, language), "names": names})

    def question_groups(self):
        for group in self.groups:
            yield {**group, "fields": [self[name] for name in group["names"]]}

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for group in self.groups for name in group["names"]):
            raise ValidationError(_("Please answer at least one question."))
        return cleaned

    def answers(self) -> dict:
        return {
            self.fields[name].question: self.cleaned_data[name]
            for group in self.groups
            for name in group["names"]
            if self.cleaned_data.get(name)
        }


class StaffAnswersForm(AnswersForm):
    """The answers of a form received on paper, by fax, e-mail or phone."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNELS)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].label = _("Filled in by (customer's contact)")
        self.order_fields(["channel", "received_on", "respondent"])


class ReopenForm(forms.Form):
    """Why a closed campaign takes answers again, and until when."""

    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=_("New reply deadline"),
        widget=DateInput,
        help_text=_("Today or later; the customers' links take answers until the end of this day."),
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            # The old deadline while it has not passed, else the usual reply time from today.
            passed = campaign.deadline < timezone.localdate()
            self.fields["deadline"].initial = default_deadline() if passed else campaign.deadline
