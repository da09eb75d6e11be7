"""The personal-inbox section of the responsibility matrix (registered in ``apps.py``).

HR and administrators see the checks failing on the company matrix (the version in
preparation, else the one in force); the general manager and the quality manager see matrix
versions waiting for their decision; everybody sees the open grey areas they own. A constant
number of queries per request.
"""

from .choices import GREY_AREA_OPEN, DocumentStatus, MatrixKind
from .matrix_permissions import can_approve_matrix, can_edit_matrix, can_read_matrix_drafts
from .matrix_selectors import matrix_grid
from .models import GreyArea, Matrix


def inbox_context(request):
    user = request.user
    if not user.is_authenticated:
        return None
    section = {
        "grey_areas": list(
            GreyArea.objects.filter(owner=user, status__in=GREY_AREA_OPEN).order_by("due_date", "pk")[:10]
        ),
    }
    if can_edit_matrix(user):
        matrix = (
            Matrix.objects.filter(kind=MatrixKind.COMPANY)
            .exclude(status__in=(DocumentStatus.SUPERSEDED, DocumentStatus.OBSOLETE))
            .order_by("-version")
            .first()
        )
        if matrix is not None:
            grid = matrix_grid(matrix)
            if grid.warning_count:
                section["matrix"], section["matrix_warnings"] = matrix, grid.warning_count
    if can_read_matrix_drafts(user):
        section["to_decide"] = [
            m
            for m in Matrix.objects.filter(status=DocumentStatus.IN_REVIEW).order_by("document_number")
            if can_approve_matrix(user, m)
        ]
    if section["grey_areas"] or section.get("matrix") or section.get("to_decide"):
        return section
    return None
