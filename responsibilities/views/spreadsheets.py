"""Excel import and export: the page listing the downloads, the import template, the upload
and its result, and the workbook of every effective job description's duties and KPIs.

Who may do what (checked on the server for every view):

* importing, and the template with the current data, are for HR and administrators;
* the duties-and-KPIs workbook is for HR, administrators, auditors and the quality
  department (the quality manager and the QA engineers);
* the page itself is shown to all of them; everybody else gets 403.
"""

from django import forms
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.http import XLSX, file_response
from org.choices import Role
from org.models import today
from org.permissions import RoleRequiredMixin, has_role

from .. import exports, imports
from ..permissions import manages_all_documents


def can_import(user) -> bool:
    """HR and administrators load organisations from Excel."""
    return manages_all_documents(user)


def can_export_duties(user) -> bool:
    """The duties and KPIs of every post: HR, administrators, auditors, the quality department."""
    return can_import(user) or has_role(user, Role.AUDITOR, Role.QUALITY_MANAGER, Role.QA_ENGINEER)


def can_use_spreadsheets(user) -> bool:
    """Whether the "Import / export" page (and its menu entry) is for ``user``."""
    return user.is_authenticated and (can_import(user) or can_export_duties(user))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        help_text=gettext_lazy("At most 5 MB. Use the template: its sheets and column headers are how rows are read."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only: show what would change, write nothing"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refuse by the announced size before reading anything into memory.
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported.")
                % {"size": f"{upload.size / 1048576:.1f}", "max": imports.MAX_UPLOAD_BYTES // 1048576}
            )
        data = upload.read(imports.MAX_UPLOAD_BYTES + 1)
        try:
            imports.check_upload(data, upload.name)
        except imports.UploadRejected as error:
            raise forms.ValidationError(error.messages) from None
        self.data_bytes = data
        return upload


class SpreadsheetsMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return can_use_spreadsheets(user)


class SpreadsheetsView(SpreadsheetsMixin, TemplateView):
    """``/responsibilities/spreadsheets/``: every Excel file the user may download or upload."""

    template_name = "responsibilities/spreadsheets.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_import=can_import(user),
            can_export_duties=can_export_duties(user),
            matrix_links=_optional_links(
                [
                    ("responsibilities:matrix_xlsx", _("Company responsibility matrix")),
                    ("responsibilities:grey_area_xlsx", _("Grey-area register")),
                ]
            ),
            **kwargs,
        )


def _optional_links(candidates):
    """(url, label) for the routes that exist: the matrix exports come from another part of
    the module and are listed once they are there."""
    from django.urls import NoReverseMatch

    links = []
    for name, label in candidates:
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


class ImportMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return can_import(user)


class ImportTemplateView(ImportMixin, View):
    """The import workbook: empty but for one example row, or (``?current=1``) filled with the
    organisation as it stands, to edit and import back."""

    def get(self, request):
        current = request.GET.get("current") == "1"
        content = imports.import_template_xlsx(imports.current_rows() if current else None)
        name = f"organisation-{today():%Y%m%d}.xlsx" if current else "import-template.xlsx"
        return file_response(content, content_type=XLSX, filename=name, as_attachment=True)


class ImportView(ImportMixin, TemplateView):
    """Upload a workbook; the same page shows the result: counts per sheet, errors, and what
    the system has that the file does not."""

    template_name = "responsibilities/import_upload.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportForm())
        return super().get_context_data(sheets=imports.SHEETS, max_mb=imports.MAX_UPLOAD_BYTES // 1048576, **kwargs)

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = imports.run_import(
                actor=request.user,
                data=form.data_bytes,
                filename=form.cleaned_data["file"].name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except imports.UploadRejected as error:
            form.add_error("file", error.messages)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if result.applied:
            messages.success(
                request,
                _("Imported: %(n)d rows created or updated.") % {"n": result.changed}
                if result.changed
                else _("Imported: nothing had changed."),
            )
        labels = {s.key: f"{s.zh} {s.key}" for s in imports.SHEETS}
        return self.render_to_response(
            self.get_context_data(
                form=ImportForm(),
                result=result,
                filename=form.cleaned_data["file"].name,
                counts=[(labels[key], counts) for key, counts in result.counts.items()],
                missing=[(labels[key], items) for key, items in result.missing.items()],
            )
        )


class DutiesExportView(RoleRequiredMixin, View):
    """``/responsibilities/duties.xlsx``: the duties and KPIs of every effective job description."""

    def test_permission(self, user):
        return can_export_duties(user)

    def get(self, request):
        return file_response(
            exports.duties_kpis_xlsx(),
            content_type=XLSX,
            filename=f"duties-kpis-{today():%Y%m%d}.xlsx",
            as_attachment=True,
        )
