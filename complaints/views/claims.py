"""Customer claims: list, register (sales), detail with the moves the user may make now, one
POST endpoint per move, and the history. 404 for claims the user may not see, 403 for a move
the user's role or department does not allow, an error message for a move the state does
not allow (nothing changes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.history import ObjectHistoryView
from org.choices import Role
from org.models import Department
from org.permissions import RoleRequiredMixin, has_role, headed_department_ids
from org.views import ServiceFormView

from ..models.claims import CLAIM_ACTIONS, Claim, ClaimCountersignature, ClaimStatus
from ..returns_claims_forms import CLAIM_FORMS, ClaimRegisterForm
from ..returns_claims_selectors import may_use_claims, visible_claims
from ..services import claims as services


class ClaimListView(RoleRequiredMixin, ListView):
    """/complaints/claims/[?status=…]"""

    template_name = "complaints/claim_list.html"
    context_object_name = "claims"
    paginate_by = 50

    def test_permission(self, user):
        return may_use_claims(user)

    def get_queryset(self):
        qs = visible_claims(self.request.user).select_related("customer", "complaint")
        status = self.request.GET.get("status", "")
        if status in ClaimStatus.values:
            qs = qs.filter(status=status)
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=ClaimStatus.choices,
            status=self.request.GET.get("status", ""),
            can_register=has_role(self.request.user, Role.SALES),
            **kwargs,
        )


class ClaimRegisterView(RoleRequiredMixin, ServiceFormView):
    """/complaints/claims/new/: sales records a customer's claim."""

    template_name = "complaints/claim_form.html"
    form_class = ClaimRegisterForm

    def test_permission(self, user):
        return has_role(user, Role.SALES)

    def get_initial(self):
        return {"complaint": self.request.GET.get("complaint", ""), "received_on": timezone.localdate()}

    def perform(self, form):
        data = form.cleaned_data
        claim = services.claim_register(actor=self.request.user, **data)
        messages.success(self.request, _("Claim %(number)s registered.") % {"number": claim.number})
        return claim


def _visible_claim(request, pk):
    signatures = ClaimCountersignature.objects.select_related("department", "signed_by")
    return get_object_or_404(
        visible_claims(request.user)
        .select_related(
            "customer",
            "complaint",
            "planning_department",
            "registered_by",
            "confirmed_by",
            "decided_by",
            "booked_by",
            "voided_by",
        )
        .prefetch_related(Prefetch("countersignatures", queryset=signatures)),
        pk=pk,
    )


class ClaimDetailView(TemplateView):
    """/complaints/claims/<pk>/"""

    template_name = "complaints/claim_detail.html"

    def get_context_data(self, **kwargs):
        claim = _visible_claim(self.request, self.kwargs["pk"])
        user = self.request.user
        actions = []
        for name, move in CLAIM_ACTIONS.items():
            if not services.can_do(user, claim, name):
                continue
            form = CLAIM_FORMS[name](auto_id=f"id_{name}_%s")
            if name == "countersign":
                ids = [s.department_id for s in services.signable_departments(user, claim)]
                form.fields["department"].queryset = Department.objects.filter(pk__in=ids)
                form.initial["department"] = ids[0]
            actions.append({"name": name, "label": move.label, "form": form, "danger": name in ("void", "reject")})
        return super().get_context_data(object=claim, claim=claim, actions=actions, **kwargs)


class ClaimActionView(View):
    """POST /complaints/claims/<pk>/<action>/"""

    def post(self, request, pk, action):
        if action not in CLAIM_ACTIONS:
            raise Http404
        claim = _visible_claim(request, pk)
        user = request.user
        if action == "confirm":
            allowed = services.may_confirm(user, claim)
        elif action == "countersign":
            allowed = bool(headed_department_ids(user)) or user.is_superuser
        else:
            allowed = has_role(user, *CLAIM_ACTIONS[action].roles)
        if not allowed:
            raise PermissionDenied
        form = CLAIM_FORMS[action](request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return redirect(claim)
        data = form.cleaned_data
        try:
            if action == "confirm":
                services.claim_confirm(actor=user, claim=claim, **data)
            elif action == "countersign":
                services.claim_countersign(actor=user, claim=claim, **data)
            elif action == "approve":
                services.claim_approve(actor=user, claim=claim, **data)
            elif action == "reject":
                services.claim_reject(actor=user, claim=claim, **data)
            elif action == "book":
                services.claim_book(actor=user, claim=claim, **data)
            else:
                services.claim_void(actor=user, claim=claim, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(action)s: done.") % {"action": CLAIM_ACTIONS[action].label})
        return redirect(claim)


class ClaimHistoryView(ObjectHistoryView):
    model = Claim

    def get_queryset(self):
        return visible_claims(self.request.user)
