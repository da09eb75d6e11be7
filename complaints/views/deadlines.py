"""``/complaints/deadlines/``: the deadline table. Everyone who uses complaints reads it; the
quality manager and administrators change the hours (403 for others posting)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from org.permissions import RoleRequiredMixin, is_administrator
from org.services import save_with_history

from .. import forms, permissions
from ..models import DeadlineRule


def can_edit_deadlines(user) -> bool:
    return permissions.is_quality_manager(user) or is_administrator(user)


class DeadlineRulesView(RoleRequiredMixin, TemplateView):
    template_name = "complaints/deadline_rules.html"

    def test_permission(self, user):
        return permissions.can_use_complaints(user)

    def get(self, request):
        return self.render_to_response(self._context(forms.DeadlineRuleFormSet(queryset=DeadlineRule.objects.all())))

    def post(self, request):
        if not can_edit_deadlines(request.user):
            raise PermissionDenied
        formset = forms.DeadlineRuleFormSet(request.POST, queryset=DeadlineRule.objects.all())
        if formset.is_valid():
            with transaction.atomic():
                for form in formset.forms:
                    if form.has_changed():
                        save_with_history(form.instance, actor=request.user, reason="deadline changed")
            messages.success(request, _("Deadlines saved. They apply to steps opened from now on."))
            return redirect("complaints:deadlines")
        return self.render_to_response(self._context(formset), status=400)

    def _context(self, formset):
        return {"formset": formset, "can_edit": can_edit_deadlines(self.request.user)}
