"""Forms of customer returns and claims: one per move, each handing its cleaned data to the
service of the same name (the services check state, role and quantities again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Department

from .forms import HappenedAtMixin
from .models import Complaint, Customer
from .models.claims import ClaimKind, Liability

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WhenMixin(HappenedAtMixin):
    """When a move of a return happened (实际发生时间), now by default."""


# Returns ----------------------------------------------------------------------------------


class ReturnReceiveForm(WhenMixin):
    complaint = forms.CharField(label=_("Complaint number"), max_length=30)
    product = forms.CharField(label=_("Product / model"), max_length=120)
    batch = forms.CharField(label=_("Batch"), max_length=60, required=False)
    return_note = forms.CharField(label=_("Customer's return note"), max_length=60, required=False)
    received_qty = forms.IntegerField(label=_("Quantity received (counted)"), min_value=1)
    replacement_needed = forms.BooleanField(label=_("The customer needs replacement goods"), required=False)

    def clean_complaint(self):
        number = self.cleaned_data["complaint"].strip()
        try:
            return Complaint.objects.get(number__iexact=number)
        except Complaint.DoesNotExist:
            raise forms.ValidationError(_("No complaint has the number %(number)s.") % {"number": number}) from None


class ReturnTakeOverForm(WhenMixin):
    pass


class ReturnInspectForm(WhenMixin):
    ok_qty = forms.IntegerField(label=_("Quantity OK"), min_value=0)
    ng_qty = forms.IntegerField(label=_("Quantity NG"), min_value=0)
    notes = forms.CharField(label=_("Inspection findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReturnDisposeForm(WhenMixin):
    plan = forms.CharField(label=_("Disposition plan"), widget=forms.Textarea(attrs={"rows": 3}))
    rework_qty = forms.IntegerField(label=_("Quantity to rework"), min_value=0)
    scrap_qty = forms.IntegerField(label=_("Quantity proposed for scrap (to the MRB)"), min_value=0)


class ReturnReworkForm(WhenMixin):
    ok_qty = forms.IntegerField(label=_("Quantity OK after rework"), min_value=0)
    ng_qty = forms.IntegerField(label=_("Quantity still NG (to the MRB)"), min_value=0)
    notes = forms.CharField(label=_("Rework notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReturnMrbForm(WhenMixin):
    scrap_qty = forms.IntegerField(label=_("Quantity scrapped"), min_value=0)
    decision = forms.CharField(label=_("MRB decision"), widget=forms.Textarea(attrs={"rows": 3}))
    members = forms.CharField(label=_("MRB members"), max_length=300, required=False)


class ReturnRedeliverForm(WhenMixin):
    redelivered_qty = forms.IntegerField(label=_("Quantity re-delivered"), min_value=0)
    replacement_qty = forms.IntegerField(label=_("Of which replacement pieces"), min_value=0, initial=0)
    delivery_note = forms.CharField(label=_("Delivery note"), max_length=60, required=False)


class ReturnCloseForm(WhenMixin):
    pass


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class ReturnVoidForm(WhenMixin, VoidForm):
    pass


RETURN_FORMS = {
    "take_over": ReturnTakeOverForm,
    "inspect": ReturnInspectForm,
    "dispose": ReturnDisposeForm,
    "rework": ReturnReworkForm,
    "mrb": ReturnMrbForm,
    "redeliver": ReturnRedeliverForm,
    "close": ReturnCloseForm,
    "void": ReturnVoidForm,
}


# Claims -----------------------------------------------------------------------------------


class ClaimRegisterForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.filter(active=True))
    kind = forms.ChoiceField(label=_("Kind"), choices=ClaimKind.choices)
    complaint = forms.CharField(label=_("Complaint number"), max_length=30, required=False)
    customer_reference = forms.CharField(label=_("Customer's reference"), max_length=60, required=False)
    received_on = forms.DateField(
        label=_("Claim date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the customer raised the claim; the number and the monthly summary use its month."),
    )
    amount = forms.DecimalField(label=_("Amount claimed (CNY)"), max_digits=12, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("Reason given by the customer"), widget=forms.Textarea(attrs={"rows": 3}))
    planning_department = forms.ModelChoiceField(
        label=_("Planning department (delivery claims)"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planning_department"].queryset = Department.objects.valid_on()

    def clean_complaint(self):
        number = self.cleaned_data["complaint"].strip()
        if not number:
            return None
        try:
            return Complaint.objects.get(number__iexact=number)
        except Complaint.DoesNotExist:
            raise forms.ValidationError(_("No complaint has the number %(number)s.") % {"number": number}) from None


class ClaimConfirmForm(HappenedAtMixin):
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3}))
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices)
    accepted_amount = forms.DecimalField(
        label=_("Amount accepted (CNY)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments that countersign"),
        queryset=Department.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.valid_on()


class ClaimCountersignForm(HappenedAtMixin):
    department = forms.ModelChoiceField(label=_("For the department"), queryset=Department.objects.all())
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ClaimDecisionForm(HappenedAtMixin):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ClaimBookForm(HappenedAtMixin):
    voucher = forms.CharField(label=_("Accounting voucher"), max_length=60)


class ClaimVoidForm(HappenedAtMixin, VoidForm):
    pass


CLAIM_FORMS = {
    "confirm": ClaimConfirmForm,
    "countersign": ClaimCountersignForm,
    "approve": ClaimDecisionForm,
    "reject": ClaimDecisionForm,
    "book": ClaimBookForm,
    "void": ClaimVoidForm,
}
