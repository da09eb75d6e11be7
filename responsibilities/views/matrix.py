"""Responsibility matrices (职责矩阵): the company's quality responsibility matrix at
/responsibilities/matrix/, the other matrices at /responsibilities/matrices/<pk>/, grid
editing, the workflow and the printed copies.

Everybody logged in reads published versions; versions in preparation are for HR and
administrators (who edit them) and the general manager and quality manager (who approve
them); others get 404. One click on a cell of a draft cycles its mark and is saved at once:
``static/js/matrix.js`` posts it with fetch and updates the row checks from the JSON answer;
without JavaScript the same button submits the form and the page reloads.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.history import history_entries
from core.http import PDF, XLSX, file_response
from org.models import Department
from org.permissions import RoleRequiredMixin
from org.views import add_service_errors

from .. import matrix_exports, matrix_selectors, matrix_services
from .. import matrix_permissions as perms
from ..choices import CELL_SYMBOL, DocumentStatus, MatrixKind
from ..matrix_forms import MatrixCreateForm, MatrixDecisionForm, MatrixFilterForm, MatrixRowForm
from ..models import Matrix, MatrixCell, MatrixColumn, MatrixRow

CELL_HISTORY_LIMIT = 300


def _visible_matrix(request, pk) -> Matrix:
    matrix = get_object_or_404(Matrix.objects.select_related("prepared_by", "approved_by", "reviewed_by"), pk=pk)
    if not perms.can_view_matrix(request.user, matrix):
        raise Http404
    return matrix


class MatrixPageMixin:
    """Builds the context of a matrix page from ``self.get_matrix()``."""

    template_name = "responsibilities/matrix_detail.html"

    def get_matrix(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        user = self.request.user
        matrix = self.get_matrix()
        context = {"matrix": matrix, "is_company_page": getattr(self, "is_company_page", False)}
        if matrix is None:
            context["can_create"] = perms.can_edit_matrix(user)
            return super().get_context_data(**context, **kwargs)
        columns = list(matrix.columns.select_related("department", "post"))
        form = MatrixFilterForm(self.request.GET or None, columns=columns)
        filters = form.cleaned_data if form.is_valid() else {}
        grid = matrix_selectors.matrix_grid(matrix, department_id=filters.get("department"), group=filters.get("group"))
        can_edit = perms.can_edit_matrix(user)
        open_version = matrix_selectors.open_version_of(matrix) if perms.can_read_matrix_drafts(user) else None
        effective = (
            Matrix.objects.filter(document_number=matrix.document_number, status=DocumentStatus.EFFECTIVE).first()
            if matrix.status != DocumentStatus.EFFECTIVE
            else matrix
        )
        query = self.request.GET.urlencode()
        context.update(
            grid=grid,
            filter_form=form,
            filtered=bool(filters.get("department") or filters.get("group")),
            editing=can_edit and matrix.status == DocumentStatus.DRAFT,
            can_edit=can_edit,
            can_start_version=can_edit and open_version is None and matrix.status != DocumentStatus.DRAFT,
            can_submit=can_edit and matrix.status == DocumentStatus.DRAFT,
            can_decide=matrix.status == DocumentStatus.IN_REVIEW and perms.can_approve_matrix(user, matrix),
            open_version=open_version if open_version and open_version.pk != matrix.pk else None,
            effective=effective,
            row_form=MatrixRowForm() if can_edit and matrix.status == DocumentStatus.DRAFT else None,
            spare_departments=self.spare_departments(matrix, columns) if can_edit else [],
            query=f"?{query}" if query else "",
            symbols=CELL_SYMBOL,
        )
        return super().get_context_data(**context, **kwargs)

    def spare_departments(self, matrix, columns):
        if matrix.status != DocumentStatus.DRAFT or matrix.kind == MatrixKind.POST:
            return []
        used = {c.department_id for c in columns}
        return [d for d in Department.objects.valid_on().order_by("sort_order", "code") if d.pk not in used]


class CompanyMatrixView(MatrixPageMixin, TemplateView):
    """/responsibilities/matrix/: the company's quality responsibility matrix in force (or,
    before one is in force, the newest version the user may read)."""

    is_company_page = True

    def get_matrix(self):
        return matrix_selectors.company_matrix_for(self.request.user)


class MatrixDetailView(MatrixPageMixin, TemplateView):
    """/responsibilities/matrices/<pk>/: any matrix version the user may read."""

    def get_matrix(self):
        return _visible_matrix(self.request, self.kwargs["pk"])


class MatrixListView(TemplateView):
    """/responsibilities/matrices/: every matrix version the user may read."""

    template_name = "responsibilities/matrix_list.html"

    def get_context_data(self, **kwargs):
        matrices = list(matrix_selectors.matrix_list(self.request.user).select_related("approved_by"))
        return super().get_context_data(
            matrices=matrices, can_create=perms.can_edit_matrix(self.request.user), **kwargs
        )


class MatrixEditMixin(RoleRequiredMixin):
    """A POST on one matrix by HR or an administrator: 404 if the user may not read the
    matrix, 403 if they may read but not edit it."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.matrix = _visible_matrix(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return perms.can_edit_matrix(user)

    def back(self, anchor=""):
        return redirect(reverse("responsibilities:matrix_detail", args=[self.matrix.pk]) + anchor)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


class MatrixCellView(MatrixEditMixin, View):
    """POST ``cell=<row id>:<column id>``: the next mark of that cell. Answers JSON (for
    matrix.js) with the new mark and the checks of its row and of every column, else
    redirects back to the grid."""

    def post(self, request, pk):
        try:
            row_id, column_id = (int(part) for part in request.POST.get("cell", "").split(":"))
        except ValueError:
            return self.fail(_("Choose a cell."), status=400)
        row = get_object_or_404(MatrixRow, pk=row_id, matrix=self.matrix)
        column = get_object_or_404(MatrixColumn, pk=column_id, matrix=self.matrix)
        try:
            cell = matrix_services.matrix_cycle_cell(actor=request.user, matrix=self.matrix, row=row, column=column)
        except ValidationError as error:
            return self.fail(" ".join(error.messages), status=409)
        if not _wants_json(request):
            return self.back(f"#row-{row.pk}")
        values = list(MatrixCell.objects.filter(row=row).exclude(value="").values_list("value", flat=True))
        problems, _leads = matrix_selectors.row_problems(self.matrix.scheme, values)
        marked = set(
            MatrixCell.objects.filter(matrix=self.matrix).exclude(value="").values_list("column_id", flat=True)
        )
        return JsonResponse(
            {
                "cell": f"{row.pk}:{column.pk}",
                "value": cell.value,
                "symbol": cell.symbol,
                "label": cell.get_value_display() if cell.value else "",
                "row": row.pk,
                "problems": problems,
                "empty_columns": sorted(set(self.matrix.columns.values_list("pk", flat=True)) - marked),
            }
        )

    def fail(self, message, status):
        if _wants_json(self.request):
            return JsonResponse({"error": message}, status=status)
        messages.error(self.request, message)
        return self.back()


class MatrixAddRowView(MatrixEditMixin, View):
    def post(self, request, pk):
        form = MatrixRowForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.back()
        try:
            row = matrix_services.matrix_add_row(
                actor=request.user,
                matrix=self.matrix,
                clause=form.cleaned_data["clause"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(request, _("Row “%(row)s” added.") % {"row": row.label})
        return self.back(f"#row-{row.pk}")


class MatrixAddColumnView(MatrixEditMixin, View):
    def post(self, request, pk):
        department = Department.objects.valid_on().filter(pk=request.POST.get("department") or 0).first()
        if department is None:
            messages.error(request, _("Choose a department."))
            return self.back()
        try:
            matrix_services.matrix_add_column(actor=request.user, matrix=self.matrix, department=department)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(request, _("Column “%(name)s” added.") % {"name": department.name})
        return self.back()


class MatrixNewVersionView(MatrixEditMixin, View):
    def post(self, request, pk):
        try:
            draft = matrix_services.matrix_new_version(actor=request.user, matrix=self.matrix)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(request, _("Draft %(v)s started.") % {"v": draft.version_label})
        return redirect(draft.get_absolute_url())


class MatrixSubmitView(MatrixEditMixin, View):
    def post(self, request, pk):
        try:
            matrix_services.matrix_submit(actor=request.user, matrix=self.matrix)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Submitted for approval."))
        return self.back()


class MatrixCreateView(RoleRequiredMixin, FormView):
    """/responsibilities/matrices/new/: HR and administrators start a matrix."""

    template_name = "responsibilities/matrix_form.html"
    form_class = MatrixCreateForm

    def test_permission(self, user):
        return perms.can_edit_matrix(user)

    def get_initial(self):
        if not Matrix.objects.filter(kind=MatrixKind.COMPANY).exists():
            return {"kind": MatrixKind.COMPANY, "title": _("Quality responsibility matrix"), "with_clauses": True}
        return {"kind": MatrixKind.PROCESS, "with_clauses": False}

    def form_valid(self, form):
        data = form.cleaned_data
        department = data.get("department")
        try:
            matrix = matrix_services.matrix_create(
                actor=self.request.user,
                title=data["title"],
                kind=data["kind"],
                scheme=data["scheme"],
                document_number=data["document_number"],
                posts=list(department.posts.valid_on().order_by("sort_order", "code")) if department else None,
                clauses=None if data["with_clauses"] else [],
                steps=form.step_lines(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Matrix %(number)s created as a draft.") % {"number": matrix.document_number})
        return redirect(matrix.get_absolute_url())


class MatrixDecideView(RoleRequiredMixin, FormView):
    """/responsibilities/matrices/<pk>/decide/: the general manager or the quality manager
    approves a version in review or returns it with a comment."""

    template_name = "responsibilities/matrix_decide.html"
    form_class = MatrixDecisionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.matrix = _visible_matrix(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return perms.can_approve_matrix(user, self.matrix)

    def get(self, request, *args, **kwargs):
        if self.matrix.status != DocumentStatus.IN_REVIEW:
            messages.error(request, _("Only a version in review can be decided."))
            return redirect(self.matrix.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(matrix=self.matrix, grid=matrix_selectors.matrix_grid(self.matrix), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                matrix_services.matrix_approve(
                    actor=self.request.user, matrix=self.matrix, effective_date=data["effective_date"]
                )
                messages.success(self.request, _("Approved."))
            else:
                matrix_services.matrix_reject(actor=self.request.user, matrix=self.matrix, comment=data["comment"])
                messages.success(self.request, _("Returned to draft."))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(self.matrix.get_absolute_url())


class MatrixHistoryView(TemplateView):
    """/responsibilities/matrices/<pk>/history/: the document's workflow and every cell,
    row and column change of this version, newest first."""

    template_name = "responsibilities/matrix_history.html"

    def get_context_data(self, **kwargs):
        matrix = _visible_matrix(self.request, self.kwargs["pk"])
        rows = {r.pk: r for r in MatrixRow.objects.filter(matrix=matrix).select_related("clause")}
        columns = {c.pk: c for c in MatrixColumn.objects.filter(matrix=matrix).select_related("department", "post")}
        records = list(
            MatrixCell.history.filter(matrix_id=matrix.pk).select_related("history_user").order_by("history_date")
        )
        previous, changes = {}, []
        for record in records:
            old = previous.get(record.id, "")
            previous[record.id] = record.value if record.history_type != "-" else ""
            user = record.history_user
            changes.append(
                {
                    "when": record.history_date,
                    "who": (user.get_full_name() or user.get_username()) if user else _("system"),
                    "row": rows[record.row_id].label if record.row_id in rows else f"#{record.row_id}",
                    "column": columns[record.column_id].label
                    if record.column_id in columns
                    else f"#{record.column_id}",
                    "old": CELL_SYMBOL.get(old, old),
                    "new": CELL_SYMBOL.get(previous[record.id], ""),
                }
            )
        changes.reverse()
        return super().get_context_data(
            matrix=matrix,
            entries=history_entries(matrix),
            cell_changes=changes[:CELL_HISTORY_LIMIT],
            more_changes=max(0, len(changes) - CELL_HISTORY_LIMIT),
            **kwargs,
        )


class MatrixExportMixin:
    def get_matrix(self):
        if "pk" in self.kwargs:
            return _visible_matrix(self.request, self.kwargs["pk"])
        matrix = matrix_selectors.company_matrix_for(self.request.user)
        if matrix is None:
            raise Http404
        return matrix


class MatrixXlsxView(MatrixExportMixin, View):
    """/responsibilities/matrix.xlsx and /responsibilities/matrices/<pk>/matrix.xlsx."""

    def get(self, request, pk=None):
        matrix = self.get_matrix()
        content = matrix_exports.matrix_xlsx(matrix_selectors.matrix_grid(matrix))
        return file_response(
            content,
            content_type=XLSX,
            filename=matrix_exports.matrix_filename(matrix, "xlsx"),
            as_attachment=True,
        )


class MatrixPdfView(MatrixExportMixin, View):
    """/responsibilities/matrix.pdf and /responsibilities/matrices/<pk>/matrix.pdf."""

    def get(self, request, pk=None):
        matrix = self.get_matrix()
        content = matrix_exports.matrix_pdf(matrix_selectors.matrix_grid(matrix))
        return file_response(
            content,
            content_type=PDF,
            filename=matrix_exports.matrix_filename(matrix, "pdf"),
            as_attachment=True,
        )
