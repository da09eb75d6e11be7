"""Forms of the complaints app: one per workflow step, plus registration, CAPA and customers.

Forms only validate input; the services decide whether the move is allowed.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.choices import Role
from org.models import Department, Employee

from .choices import (
    ActionKind,
    AttachmentKind,
    CapaSource,
    CapaStatus,
    CauseCategory,
    FollowUpOutcome,
)
from .models import Capa, Complaint, Customer, CustomerContact, DeadlineRule
from .uploads import MAX_UPLOAD_BYTES, validate_upload

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UPLOAD_HELP = _("JPEG, PNG, PDF, xlsx or docx; at most %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024}


def _now_to_the_minute():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class HappenedAtMixin(forms.Form):
    """The "when it happened" field of every workflow step form (实际发生时间), in the company's
    time zone, to the minute, now by default. A step recorded late gets its real time; the
    service refuses a time in the future or before the step it follows."""

    happened_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        initial=_now_to_the_minute,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=DATETIME_WIDGET,
        help_text=_("Now by default. When you record a step later, give the time it really happened."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The step's own fields first, the time last.
        self.fields["happened_at"] = self.fields.pop("happened_at")


def users_with_roles(*roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[str(r) for r in roles])
        .distinct()
        .order_by("first_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class UploadField(forms.FileField):
    """A file checked by size and content (magic bytes), not by its name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", UPLOAD_HELP)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            validate_upload(data)
        return data


def active_departments():
    return Department.objects.valid_on().order_by("sort_order", "code")


class ComplaintForm(forms.ModelForm):
    """Registration (and correction) of a complaint's details."""

    photo = UploadField(label=_("Photo or customer report"), required=False)

    class Meta:
        model = Complaint
        fields = [
            "received_at",
            "channel",
            "customer",
            "customer_contact",
            "customer_reference",
            "product",
            "batch",
            "quantity",
            "defective_quantity",
            "defect_category",
            "severity",
            "description",
            "samples_requested",
            "samples_received_at",
            "responsible_departments",
        ]
        widgets = {
            "received_at": DATETIME_WIDGET,
            "samples_received_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "responsible_departments": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(active=True)
        self.fields["customer_contact"].queryset = CustomerContact.objects.select_related("customer").filter(
            customer__active=True
        )
        self.fields["responsible_departments"].queryset = active_departments()
        self.fields["responsible_departments"].required = False
        self.fields["received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["samples_received_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.instance.pk:
            self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if editing:
            del self.fields["photo"]

    def clean(self):
        data = super().clean()
        contact, customer = data.get("customer_contact"), data.get("customer")
        if contact and customer and contact.customer_id != customer.pk:
            self.add_error("customer_contact", _("This contact belongs to another customer."))
        received = data.get("received_at")
        if received and received > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("received_at", _("The receipt time cannot lie in the future."))
        return data

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class HandOverForm(HappenedAtMixin, forms.Form):
    quality_owner = UserChoiceField(label=_("Owner in quality"), queryset=None)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality_owner"].queryset = users_with_roles(Role.QA_ENGINEER, Role.QUALITY_MANAGER)


class AssignStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=(), required=False)
    assignee = UserChoiceField(label=_("Assignee of the open step"), queryset=None)
    make_owner = forms.BooleanField(label=_("Also make them the owner in quality"), required=False)

    def __init__(self, *args, open_steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Containment and the reply run side by side: then say which step changes hands.
        if len(open_steps) > 1:
            self.fields["kind"].choices = [(step.kind, step.get_kind_display()) for step in open_steps]
        else:
            del self.fields["kind"]
        self.fields["assignee"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class ValidityForm(HappenedAtMixin, forms.Form):
    valid = forms.TypedChoiceField(
        label=_("Is the complaint valid?"),
        choices=[("yes", _("Valid: the cause lies with us")), ("no", _("Not valid: explain to the customer"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_departments"].queryset = active_departments()


class ConfirmNotValidForm(HappenedAtMixin, forms.Form):
    confirmation = UploadField(label=_("Customer's written confirmation"))
    comment = forms.CharField(label=_("Comment"), required=False)


class ContainmentForm(HappenedAtMixin, forms.Form):
    stock = forms.CharField(label=_("Stock"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wip = forms.CharField(label=_("Work in progress"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    shipped = forms.CharField(label=_("Shipped goods"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    stop_line_notice = forms.BooleanField(label=_("A stop-line notice was issued"), required=False)
    disposition = forms.CharField(
        label=_("Nonconforming product disposition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(label=_("Comment"), required=False)

    def clean(self):
        data = super().clean()
        if not any((data.get(f) or "").strip() for f in ("stock", "wip", "shipped")):
            raise forms.ValidationError(_("Record what was done for stock, work in progress or shipped goods."))
        return data


class RootCauseForm(HappenedAtMixin, forms.Form):
    why_1 = forms.CharField(label=_("Why 1"), max_length=300)
    why_2 = forms.CharField(label=_("Why 2"), max_length=300, required=False)
    why_3 = forms.CharField(label=_("Why 3"), max_length=300, required=False)
    why_4 = forms.CharField(label=_("Why 4"), max_length=300, required=False)
    why_5 = forms.CharField(label=_("Why 5"), max_length=300, required=False)
    cause_categories = forms.MultipleChoiceField(
        label=_("Cause categories"), choices=CauseCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))


class CapaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_statement = forms.CharField(label=_("Problem statement"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=None, required=False)
    owner = UserChoiceField(label=_("Owner"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class ComplaintCapaForm(HappenedAtMixin, CapaForm):
    """The CAPA decision of a complaint: a new CAPA opened for it."""


class CapaOpenForm(HappenedAtMixin, CapaForm):
    """A CAPA opened on its own (internal nonconformity, audit finding …)."""

    source = forms.ChoiceField(label=_("Source"), choices=CapaSource.choices)


class LinkCapaForm(HappenedAtMixin, forms.Form):
    capa = forms.ModelChoiceField(label=_("Existing CAPA"), queryset=None)
    comment = forms.CharField(label=_("Comment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capa"].queryset = Capa.objects.exclude(status__in=(CapaStatus.CLOSED, CapaStatus.VOID))


class NoCapaForm(HappenedAtMixin, forms.Form):
    reasoning = forms.CharField(
        label=_("Why no CAPA is needed (risk reasoning)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(HappenedAtMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why it is returned."))
        return data


class ReplyForm(HappenedAtMixin, forms.Form):
    text = forms.CharField(label=_("Reply to the customer"), widget=forms.Textarea(attrs={"rows": 6}))


class CommentForm(HappenedAtMixin, forms.Form):
    """A step with an optional comment only (sending the reply, closing a CAPA)."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImplementationForm(HappenedAtMixin, forms.Form):
    summary = forms.CharField(label=_("What was implemented"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(HappenedAtMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Effective")), ("no", _("Not effective"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    result = forms.CharField(label=_("Method and findings"), widget=forms.Textarea(attrs={"rows": 3}))


class TrainingForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department to train"), queryset=None)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    due_date = forms.DateField(label=_("Train by"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()


class TrainingStepForm(HappenedAtMixin, TrainingForm):
    """The training step of a complaint (a CAPA records training needs without a step time)."""


class FollowUpForm(HappenedAtMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == FollowUpOutcome.UNHAPPY and not (data.get("note") or "").strip():
            self.add_error("note", _("Note what the customer is still unhappy about."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VoidForm(HappenedAtMixin, ReasonForm):
    """Voiding a complaint or a CAPA, or cancelling a CAPA action: the reason and when it was
    decided."""


class AttachmentForm(forms.Form):
    file = UploadField(label=_("File"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)


class RootCauseCapaForm(HappenedAtMixin, forms.Form):
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))
    categories = forms.MultipleChoiceField(
        label=_("Cause categories"), choices=CauseCategory.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = UserChoiceField(label=_("Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class CompleteActionForm(HappenedAtMixin, forms.Form):
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = UploadField(label=_("Evidence file"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("evidence") or "").strip() and not data.get("evidence_file"):
            raise forms.ValidationError(_("Give the evidence: a description, a file or both."))
        return data


class PlanCheckForm(forms.Form):
    method = forms.CharField(label=_("Method"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Due date"), widget=DATE_WIDGET)
    assignee = UserChoiceField(label=_("Verifier"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users_with_roles(Role.QA_ENGINEER, Role.QUALITY_MANAGER)


class RecordCheckForm(HappenedAtMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Effective")), ("no", _("Not effective"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "name_en", "language", "email", "phone", "address", "account_owner", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account_owner"].queryset = Employee.objects.filter(leaving_date__isnull=True).order_by("name")


class ContactForm(forms.ModelForm):
    class Meta:
        model = CustomerContact
        fields = ["name", "role", "phone", "email", "is_primary"]


class DeadlineRuleForm(forms.ModelForm):
    class Meta:
        model = DeadlineRule
        fields = ["hours_urgent", "hours_normal"]


DeadlineRuleFormSet = forms.modelformset_factory(DeadlineRule, form=DeadlineRuleForm, extra=0)
