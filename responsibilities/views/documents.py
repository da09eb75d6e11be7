"""Printed job descriptions: one version as PDF, and a department's set as one PDF or a zip.

The views only check access and wrap the bytes of ``responsibilities.exports`` in a response.
A job description PDF follows the reading rules of the HTML page (``selectors.jd_for_user``:
404 for a version the user may not see); a department's set is for HR and administrators,
readers of every document (auditors, the general and quality managers) and the editors of
that department's branch, 403 for everyone else.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from core.http import PDF, file_response
from org.models import Department, Post, today
from org.permissions import RoleRequiredMixin

from .. import exports, permissions, selectors


class JdPdfView(View):
    """``/responsibilities/posts/<post pk>/jd.pdf[?version=N]``: the version the HTML page would
    show, inline. The effective version is its stored issued copy; others carry a watermark."""

    def get(self, request, post_pk):
        post = get_object_or_404(Post.objects.select_related("department"), pk=post_pk)
        version = request.GET.get("version")
        if version is not None:
            try:
                version = int(version)
            except ValueError:
                raise Http404 from None
        jd = selectors.jd_for_user(request.user, post, version)
        return file_response(
            exports.issued_or_rendered_pdf(jd, request=request),
            content_type=PDF,
            filename=f"{jd.document_number}-{jd.version_label}.pdf",
            as_attachment=False,
        )


class DepartmentDocumentsMixin(RoleRequiredMixin):
    """Loads the department from the URL; lets through those who may print its set."""

    def dispatch(self, request, *args, **kwargs):
        self.department = get_object_or_404(Department, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return permissions.can_print_department_set(user, self.department)

    def filename(self, extension):
        return f"JD-{self.department.code}-{today():%Y%m%d}.{extension}"


class DepartmentBundlePdfView(DepartmentDocumentsMixin, View):
    """The effective job descriptions of a department and its sub-departments as one PDF with
    a table of contents, joined from the issued copies."""

    def get(self, request, pk):
        return file_response(
            exports.department_bundle_pdf(self.department),
            content_type=PDF,
            filename=self.filename("pdf"),
            as_attachment=True,
        )


class DepartmentZipView(DepartmentDocumentsMixin, View):
    """The same issued copies as a zip, one ``<post code>.pdf`` per post."""

    def get(self, request, pk):
        return file_response(
            exports.department_zip(self.department),
            content_type="application/zip",
            filename=self.filename("zip"),
            as_attachment=True,
        )
