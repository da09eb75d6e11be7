"""Department charters (部门职能说明书): read, start a new version, edit, submit, decide, history.

Everybody logged in reads a department's effective charter and its earlier published
versions. Versions in preparation are for the charter's editors (HR, the heads of the
department and of the departments above it) and, while in review, for its approvers (the head
one level up, never an author of the draft); others get 404. Every change goes through
``services``, which checks the same rights again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.history import ObjectHistoryView
from org.models import Department
from org.permissions import RoleRequiredMixin
from org.views import ServiceFormView, add_service_errors

from .. import permissions, services
from ..charter_forms import (
    CharterDecisionForm,
    CharterForm,
    kpi_formset,
    kpis_from,
    responsibilities_from,
    responsibility_formset,
)
from ..choices import DocumentStatus, KpiDimension
from ..models import DepartmentCharter

IN_PREPARATION = (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED)


def kpis_by_dimension(charter):
    """[(dimension label, [KPIs])] in the scorecard's order, empty dimensions included."""
    kpis = list(charter.kpis.all())
    return [(label, [k for k in kpis if k.dimension == value]) for value, label in KpiDimension.choices]


class CharterDetailView(TemplateView):
    """/responsibilities/departments/<pk>/charter/[?version=N]"""

    template_name = "responsibilities/charter_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        department = get_object_or_404(Department.objects.select_related("parent"), pk=self.kwargs["pk"])
        can_edit = permissions.can_edit_charter(user, department)
        versions = list(
            DepartmentCharter.objects.filter(department=department)
            .select_related("prepared_by", "reviewed_by", "approved_by")
            .order_by("-version")
        )
        for version in versions:
            version.department = department
        visible = [c for c in versions if permissions.can_view_charter(user, c, can_edit=can_edit)]
        charter = self.chosen(visible)
        open_version = next((c for c in visible if c.status in IN_PREPARATION), None)
        approvers = (
            permissions.charter_approvers(charter) if charter and charter.status == DocumentStatus.IN_REVIEW else set()
        )
        if charter is not None:
            prefetch_related_objects([charter], "responsibilities", "kpis")
        return super().get_context_data(
            department=department,
            charter=charter,
            versions=visible,
            effective=next((c for c in visible if c.status == DocumentStatus.EFFECTIVE), None),
            open_version=open_version,
            kpi_groups=kpis_by_dimension(charter) if charter else [],
            can_start=can_edit and department.is_current and not any(c.status in IN_PREPARATION for c in versions),
            can_edit=can_edit and charter is not None and charter.status == DocumentStatus.DRAFT,
            can_decide=user.pk in approvers,
            **kwargs,
        )

    def chosen(self, visible):
        """The requested version (404 if not visible); else the newest visible version in
        preparation, then the effective one, then the newest published one."""
        requested = self.request.GET.get("version")
        if requested:
            try:
                number = int(requested)
            except ValueError:
                raise Http404 from None
            found = next((c for c in visible if c.version == number), None)
            if found is None:
                raise Http404
            return found
        for wanted in (IN_PREPARATION, (DocumentStatus.EFFECTIVE,), permissions.CHARTER_READABLE_BY_ALL):
            found = next((c for c in visible if c.status in wanted), None)
            if found is not None:
                return found
        return None


class CharterMixin(RoleRequiredMixin):
    """Loads the charter from the URL: 404 if the user may not see it, 403 if they may see it
    but ``test_permission`` says they may not act on it."""

    def dispatch(self, request, *args, **kwargs):
        self.charter = get_object_or_404(DepartmentCharter.objects.select_related("department"), pk=kwargs["pk"])
        if not permissions.can_view_charter(request.user, self.charter):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return permissions.can_edit_charter(user, self.charter.department)

    def back(self):
        return redirect(self.charter.get_absolute_url())


class CharterNewDraftView(RoleRequiredMixin, View):
    """POST: start the next version of a department's charter from the latest one."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        self.department = get_object_or_404(Department, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return permissions.can_edit_charter(user, self.department)

    def post(self, request, pk):
        try:
            charter = services.charter_new_draft(actor=request.user, department=self.department)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("responsibilities:charter_detail", pk=self.department.pk)
        messages.success(request, _("Draft %(v)s started.") % {"v": charter.version_label})
        return redirect("responsibilities:charter_edit", pk=charter.pk)


class CharterEditView(CharterMixin, TemplateView):
    """The draft's purpose, key responsibilities and KPIs. A hidden revision number refuses a
    save over someone else's newer one, and the form keeps the input."""

    template_name = "responsibilities/charter_edit.html"

    def handle_not_draft(self):
        messages.error(
            self.request,
            _("Only a draft can be edited; this version is %(state)s.") % {"state": self.charter.get_status_display()},
        )
        return self.back()

    def get(self, request, *args, **kwargs):
        if self.charter.status != DocumentStatus.DRAFT:
            return self.handle_not_draft()
        charter = self.charter
        form = CharterForm(
            charter=charter,
            initial={name: getattr(charter, name) for name in services.CHARTER_FIELDS}
            | {"revision": charter.edit_revision},
        )
        return self.render(form, responsibility_formset(charter=charter), kpi_formset(charter=charter))

    def post(self, request, *args, **kwargs):
        if self.charter.status != DocumentStatus.DRAFT:
            return self.handle_not_draft()
        charter = self.charter
        form = CharterForm(request.POST, charter=charter)
        responsibilities = responsibility_formset(data=request.POST, charter=charter)
        kpis = kpi_formset(data=request.POST, charter=charter)
        if form.is_valid() and responsibilities.is_valid() and kpis.is_valid():
            try:
                services.charter_update(
                    actor=request.user,
                    charter=charter,
                    revision=form.cleaned_data["revision"],
                    fields=form.text_fields(),
                    responsibilities=responsibilities_from(responsibilities),
                    kpis=kpis_from(kpis),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Draft saved."))
                return self.back()
        return self.render(form, responsibilities, kpis)

    def render(self, form, responsibilities, kpis):
        marked = form.is_bound and (
            any(form.errors.get(name) for name in form.fields)
            or responsibilities.total_error_count()
            or kpis.total_error_count()
        )
        return self.render_to_response(
            self.get_context_data(
                charter=self.charter,
                department=self.charter.department,
                form=form,
                responsibilities=responsibilities,
                kpis=kpis,
                marked_errors=marked,
            )
        )


class CharterSubmitView(CharterMixin, View):
    """POST: send a draft to the approver."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.charter_submit(actor=request.user, charter=self.charter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Submitted for approval."))
        return self.back()


class CharterDecideView(CharterMixin, ServiceFormView):
    """The approver approves the version in review (it takes effect today) or returns it."""

    form_class = CharterDecisionForm
    template_name = "responsibilities/charter_decide.html"

    def test_permission(self, user):
        return user.pk in permissions.charter_approvers(self.charter)

    def get(self, request, *args, **kwargs):
        if self.charter.status != DocumentStatus.IN_REVIEW:
            messages.error(request, _("Only a version in review can be decided."))
            return self.back()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        charter = self.charter
        prefetch_related_objects([charter], "responsibilities", "kpis")
        return super().get_context_data(
            charter=charter, department=charter.department, kpi_groups=kpis_by_dimension(charter), **kwargs
        )

    def perform(self, form):
        charter = services.charter_decide(
            actor=self.request.user,
            charter=self.charter,
            approve=form.approve,
            comment=form.cleaned_data["comment"],
        )
        self.success_message = (
            _("Approved: %(v)s is in force.") if form.approve else _("Returned to draft: %(v)s.")
        ) % {"v": charter.version_label}
        return charter


class CharterHistoryView(ObjectHistoryView):
    """Who changed a charter version when; 404 for a version the user may not see."""

    model = DepartmentCharter

    def get_queryset(self):
        charter = get_object_or_404(DepartmentCharter.objects.select_related("department"), pk=self.kwargs["pk"])
        if not permissions.can_view_charter(self.request.user, charter):
            raise Http404
        return DepartmentCharter.objects.filter(pk=charter.pk)
