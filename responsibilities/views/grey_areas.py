"""Grey areas (职责灰色地带, seed 003): the report of overlaps and gaps found in the matrix,
the job descriptions and the charters, and the register of recorded grey areas.

HR, the quality manager and administrators record and close grey areas; the general manager
and auditors read the report and the whole register; a department head reads the grey areas
involving their departments; the owner of a grey area reads it and updates its proposal.
Others get 404 for a grey area and 403 for the report.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.history import history_entries
from core.http import XLSX, file_response
from org.models import Department
from org.permissions import RoleRequiredMixin
from org.views import add_service_errors

from .. import matrix_exports, matrix_selectors, matrix_services
from .. import matrix_permissions as perms
from ..choices import GreyAreaKind, GreyAreaStatus
from ..matrix_forms import GreyAreaCloseForm, GreyAreaForm
from ..models import GreyArea

PAGE_SIZE = 50


def _visible_grey_area(request, pk) -> GreyArea:
    queryset = perms.visible_grey_areas(GreyArea.objects.all(), request.user).select_related("owner", "recorded_by")
    grey_area = queryset.filter(pk=pk).first()
    if grey_area is None:
        raise Http404
    return grey_area


class GreyAreaReportView(RoleRequiredMixin, TemplateView):
    """/responsibilities/grey-areas/report/: what the data shows now, overlaps first; each
    finding links to its grey area or, for HR and the quality manager, to recording one."""

    template_name = "responsibilities/grey_area_report.html"

    def test_permission(self, user):
        return perms.can_view_grey_area_report(user)

    def get_context_data(self, **kwargs):
        findings = matrix_selectors.grey_area_findings()
        kind = self.request.GET.get("kind", "")
        shown = [f for f in findings if not kind or f.kind == kind]
        counts = dict.fromkeys(GreyAreaKind.values, 0)
        for finding in findings:
            counts[finding.kind] += 1
        return super().get_context_data(
            findings=shown,
            total=len(findings),
            unrecorded=sum(1 for f in findings if f.recorded is None),
            kinds=[(value, label, counts[value]) for value, label in GreyAreaKind.choices if value != "other"],
            kind=kind,
            can_record=perms.manages_grey_areas(self.request.user),
            **kwargs,
        )


class GreyAreaListView(TemplateView):
    """/responsibilities/grey-areas/: the register, narrowed to what the user may read."""

    template_name = "responsibilities/grey_area_list.html"

    def filters(self):
        params = self.request.GET
        status = params.get("status", "active")
        if status not in {"active", "all", *GreyAreaStatus.values}:
            status = "active"
        kind = params.get("kind") if params.get("kind") in GreyAreaKind.values else ""
        try:
            department_id = int(params.get("department") or 0) or None
        except ValueError:
            department_id = None
        return {"status": None if status == "all" else status, "kind": kind, "department_id": department_id}, status

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters, status = self.filters()
        page = Paginator(matrix_selectors.grey_area_list(user, **filters), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page_obj=page,
            grey_areas=page.object_list,
            status=status,
            kind=filters["kind"],
            department_id=filters["department_id"],
            statuses=[("active", _("Open or in progress")), ("all", _("All"))] + list(GreyAreaStatus.choices),
            kinds=GreyAreaKind.choices,
            departments=Department.objects.valid_on().order_by("sort_order", "code"),
            can_record=perms.manages_grey_areas(user),
            can_report=perms.can_view_grey_area_report(user),
            query=query.urlencode(),
            **kwargs,
        )


class GreyAreaExportView(GreyAreaListView):
    """/responsibilities/grey-areas.xlsx: the register with the page's filters, only what the
    user may read."""

    def get(self, request, *args, **kwargs):
        filters, _status = self.filters()
        content = matrix_exports.grey_area_register_xlsx(matrix_selectors.grey_area_list(request.user, **filters))
        return file_response(content, content_type=XLSX, filename="grey-area-register.xlsx", as_attachment=True)


class GreyAreaRecordView(RoleRequiredMixin, FormView):
    """/responsibilities/grey-areas/new/[?finding=<key>]: record a grey area, prefilled from
    a finding of the report."""

    template_name = "responsibilities/grey_area_form.html"
    form_class = GreyAreaForm

    def test_permission(self, user):
        return perms.manages_grey_areas(user)

    def get_initial(self):
        initial = {"owner": self.request.user.pk, "kind": GreyAreaKind.OTHER}
        key = self.request.GET.get("finding")
        if key:
            finding = next((f for f in matrix_selectors.grey_area_findings() if f.key == key), None)
            if finding is not None:
                initial.update(
                    kind=finding.kind,
                    description=finding.description,
                    departments=finding.department_ids,
                    finding_key=finding.key,
                )
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            grey_area = matrix_services.grey_area_record(
                actor=self.request.user,
                kind=data["kind"],
                description=data["description"],
                owner=data["owner"],
                departments=data["departments"],
                proposal=data["proposal"],
                due_date=data["due_date"],
                finding_key=data["finding_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Grey area %(number)s recorded.") % {"number": grey_area.number})
        return redirect(grey_area.get_absolute_url())


class GreyAreaDetailView(TemplateView):
    template_name = "responsibilities/grey_area_detail.html"

    def get_context_data(self, **kwargs):
        grey_area = _visible_grey_area(self.request, self.kwargs["pk"])
        user = self.request.user
        return super().get_context_data(
            grey_area=grey_area,
            departments=grey_area.departments.order_by("sort_order", "code"),
            can_update=grey_area.is_open and perms.can_update_grey_area(user, grey_area),
            can_close=grey_area.is_open and perms.manages_grey_areas(user),
            can_start=grey_area.status == GreyAreaStatus.OPEN and perms.can_update_grey_area(user, grey_area),
            close_form=GreyAreaCloseForm(),
            **kwargs,
        )


class GreyAreaMixin(RoleRequiredMixin):
    """One grey area from the URL: 404 if the user may not read it, 403 if they may read but
    not change it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.grey_area = _visible_grey_area(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return perms.can_update_grey_area(user, self.grey_area)


class GreyAreaEditView(GreyAreaMixin, FormView):
    template_name = "responsibilities/grey_area_form.html"
    form_class = GreyAreaForm

    def get_initial(self):
        g = self.grey_area
        return {
            "kind": g.kind,
            "description": g.description,
            "departments": list(g.departments.values_list("pk", flat=True)),
            "owner": g.owner_id,
            "proposal": g.proposal,
            "due_date": g.due_date,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not perms.manages_grey_areas(self.request.user):
            form.fields["owner"].disabled = True
            form.fields["kind"].disabled = True
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(grey_area=self.grey_area, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            matrix_services.grey_area_update(
                actor=self.request.user,
                grey_area=self.grey_area,
                departments=data["departments"],
                **{name: data[name] for name in matrix_services.GREY_AREA_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.grey_area.get_absolute_url())


class GreyAreaStartView(GreyAreaMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            matrix_services.grey_area_start(actor=request.user, grey_area=self.grey_area)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as in progress."))
        return redirect(self.grey_area.get_absolute_url())


class GreyAreaCloseView(GreyAreaMixin, View):
    """POST: resolve (with a note) or void (with a reason)."""

    http_method_names = ["post"]

    def test_permission(self, user):
        return perms.manages_grey_areas(user)

    def post(self, request, pk):
        form = GreyAreaCloseForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(self.grey_area.get_absolute_url())
        service = (
            matrix_services.grey_area_resolve
            if form.cleaned_data["action"] == "resolve"
            else matrix_services.grey_area_void
        )
        keyword = "resolution" if form.cleaned_data["action"] == "resolve" else "reason"
        try:
            service(actor=request.user, grey_area=self.grey_area, **{keyword: form.cleaned_data["note"]})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Closed."))
        return redirect(self.grey_area.get_absolute_url())


class GreyAreaHistoryView(TemplateView):
    template_name = "history/object_history.html"

    def get_context_data(self, **kwargs):
        grey_area = _visible_grey_area(self.request, self.kwargs["pk"])
        return super().get_context_data(
            object=grey_area,
            entries=history_entries(grey_area),
            model_name=GreyArea._meta.verbose_name,
            **kwargs,
        )
