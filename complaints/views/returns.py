"""Customer returns: list, receive (warehouse), detail with the moves the user may make now,
one POST endpoint per move, and the history.

Users who may not see a return get 404 (the queryset is narrowed); users who see it but may
not make a move get 403; a move the state does not allow is shown as an error message and
changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.history import ObjectHistoryView
from org.choices import Role
from org.permissions import RoleRequiredMixin, has_role
from org.views import ServiceFormView

from ..models.returns import RETURN_ACTIONS, CustomerReturn, ReturnStatus
from ..returns_claims_forms import RETURN_FORMS, ReturnReceiveForm
from ..returns_claims_selectors import may_use_returns, visible_returns
from ..services import returns as services


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ReturnListView(RoleRequiredMixin, ListView):
    """/complaints/returns/[?status=…]"""

    template_name = "complaints/return_list.html"
    context_object_name = "returns"
    paginate_by = 50

    def test_permission(self, user):
        return may_use_returns(user)

    def get_queryset(self):
        qs = visible_returns(self.request.user).select_related("complaint__customer", "received_by")
        status = self.request.GET.get("status", "")
        if status in ReturnStatus.values:
            qs = qs.filter(status=status)
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=ReturnStatus.choices,
            status=self.request.GET.get("status", ""),
            can_receive=has_role(self.request.user, Role.WAREHOUSE),
            **kwargs,
        )


class ReturnReceiveView(RoleRequiredMixin, ServiceFormView):
    """/complaints/returns/new/[?complaint=<number>]: the warehouse records goods received."""

    template_name = "complaints/return_form.html"
    form_class = ReturnReceiveForm

    def test_permission(self, user):
        return has_role(user, Role.WAREHOUSE)

    def get_initial(self):
        return {"complaint": self.request.GET.get("complaint", ""), "replacement_needed": True}

    def perform(self, form):
        data = form.cleaned_data
        result = services.return_receive(
            actor=self.request.user,
            complaint=data["complaint"],
            product=data["product"],
            batch=data["batch"],
            return_note=data["return_note"],
            received_qty=data["received_qty"],
            replacement_needed=data["replacement_needed"],
            happened_at=data["happened_at"],
        )
        messages.success(self.request, _("Return %(number)s recorded.") % {"number": result.number})
        return result


def _visible_return(request, pk):
    return get_object_or_404(
        visible_returns(request.user).select_related(
            "complaint__customer",
            "received_by",
            "quality_received_by",
            "inspected_by",
            "disposed_by",
            "reworked_recorded_by",
            "mrb_decided_by",
            "redelivered_by",
            "closed_by",
        ),
        pk=pk,
    )


class ReturnDetailView(TemplateView):
    """/complaints/returns/<pk>/"""

    template_name = "complaints/return_detail.html"

    def get_context_data(self, **kwargs):
        customer_return = _visible_return(self.request, self.kwargs["pk"])
        user = self.request.user
        actions = [
            {
                "name": name,
                "label": move.label,
                "form": RETURN_FORMS[name](auto_id=f"id_{name}_%s"),
                "danger": name == "void",
            }
            for name, move in RETURN_ACTIONS.items()
            if services.can_do(user, customer_return, name)
        ]
        return super().get_context_data(
            object=customer_return,
            r=customer_return,
            actions=actions,
            events=customer_return.events.select_related("actor"),
            overdue=customer_return.overdue_steps(),
            **kwargs,
        )


class ReturnActionView(View):
    """POST /complaints/returns/<pk>/<action>/: one move through its service."""

    def post(self, request, pk, action):
        if action not in RETURN_ACTIONS:
            raise Http404
        customer_return = _visible_return(request, pk)
        if not has_role(request.user, *RETURN_ACTIONS[action].roles):
            raise PermissionDenied
        form = RETURN_FORMS[action](request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return redirect(customer_return)
        data = dict(form.cleaned_data)
        call = {
            "take_over": services.return_take_over,
            "inspect": services.return_inspect,
            "dispose": services.return_dispose,
            "rework": services.return_record_rework,
            "mrb": services.return_mrb_decide,
            "redeliver": services.return_redeliver,
            "close": services.return_close,
            "void": services.return_void,
        }[action]
        try:
            call(actor=request.user, customer_return=customer_return, **data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("%(action)s: done.") % {"action": RETURN_ACTIONS[action].label})
        return redirect(customer_return)


class ReturnHistoryView(ObjectHistoryView):
    model = CustomerReturn

    def get_queryset(self):
        return visible_returns(self.request.user)
