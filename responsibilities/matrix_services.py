"""Every change to responsibility matrices and grey areas.

A matrix version moves like a job description: draft → in review → approved → effective
(on its effective date) → superseded; a review can send it back to draft with a comment. Only a
draft changes; editing an approved or effective matrix starts a new draft version that copies
the rows, columns and cells (``matrix_new_version``). The checks of the rows (one lead each,
someone taking part) are warnings shown to editors and approvers: a matrix may be approved
with a known grey area, which is then recorded and followed up as a ``GreyArea``.

Grey areas move open → in progress → resolved (with a resolution note), or void (with a
reason) from either open state. Every service checks the actor's right and the state on the
server and raises ``DomainError`` (a ValidationError) or ``PermissionDenied``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from org.models import Department, Post, today
from org.services import save_with_history

from . import matrix_permissions as perms
from .choices import (
    CELL_CYCLE,
    GREY_AREA_TRANSITIONS,
    CellScheme,
    DocumentStatus,
    GreyAreaKind,
    GreyAreaStatus,
    MatrixKind,
    MatrixRowKind,
)
from .models import GreyArea, IsoClause, Matrix, MatrixCell, MatrixColumn, MatrixRow
from .services import _move

IN_PREPARATION = (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED)
COMPANY_MATRIX_NUMBER = "QR-RM-01"


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _locked_draft(matrix) -> Matrix:
    current = Matrix.objects.select_for_update().get(pk=matrix.pk)
    if current.status != DocumentStatus.DRAFT:
        raise DomainError(
            _("Only a draft can be edited; this version is %(state)s. Start a new version to change it.")
            % {"state": current.get_status_display()}
        )
    return current


# Building a matrix ---------------------------------------------------------------------------------


@transaction.atomic
def matrix_create(
    *,
    actor,
    title: str,
    kind: str = MatrixKind.COMPANY,
    scheme: str = CellScheme.LEAD_ASSIST,
    document_number: str = "",
    scope: str = "",
    departments=None,
    posts=None,
    clauses=None,
    steps=(),
) -> Matrix:
    """Create version 1 of a matrix as a draft.

    Columns: ``departments`` (default: every current department) for a company or process
    matrix, ``posts`` for a post-level matrix. Rows: ``clauses`` (default for a company matrix:
    every ISO 9001 clause) and then one row per text in ``steps``.
    """
    _require(perms.can_edit_matrix(actor))
    if not document_number:
        document_number = COMPANY_MATRIX_NUMBER if kind == MatrixKind.COMPANY else _next_number(kind)
    if Matrix.objects.filter(document_number=document_number).exists():
        raise ValidationError({"document_number": _("This document number is taken.")})
    matrix = Matrix(
        title=title,
        kind=kind,
        scheme=scheme,
        document_number=document_number,
        scope=scope,
        version=1,
        status=DocumentStatus.DRAFT,
        prepared_by=actor,
        prepared_at=timezone.now(),
    )
    save_with_history(matrix, actor=actor)
    if kind == MatrixKind.POST:
        for post in posts if posts is not None else []:
            matrix_add_column(actor=actor, matrix=matrix, post=post)
    else:
        if departments is None:
            departments = Department.objects.valid_on().order_by("sort_order", "code")
        for department in departments:
            matrix_add_column(actor=actor, matrix=matrix, department=department)
    if clauses is None and kind == MatrixKind.COMPANY:
        clauses = IsoClause.objects.all()
    for clause in clauses or []:
        matrix_add_row(actor=actor, matrix=matrix, clause=clause)
    for text in steps:
        matrix_add_row(actor=actor, matrix=matrix, text=text)
    return matrix


def _next_number(kind):
    prefix = {MatrixKind.PROCESS: "QR-PM-", MatrixKind.POST: "QR-DM-"}.get(kind, "QR-RM-")
    taken = set(Matrix.objects.filter(document_number__startswith=prefix).values_list("document_number", flat=True))
    n = 1
    while f"{prefix}{n:02d}" in taken:
        n += 1
    return f"{prefix}{n:02d}"


@transaction.atomic
def matrix_add_row(*, actor, matrix: Matrix, clause: IsoClause | None = None, text: str = "", kind=None) -> MatrixRow:
    """Add a row at the end of a draft: a clause, or a process / work step named by ``text``."""
    _require(perms.can_edit_matrix(actor))
    matrix = _locked_draft(matrix)
    if kind is None:
        kind = MatrixRowKind.CLAUSE if clause is not None else MatrixRowKind.STEP
    last = matrix.rows.order_by("-order").values_list("order", flat=True).first() or 0
    row = MatrixRow(matrix=matrix, order=last + 1, kind=kind, clause=clause, text=text.strip())
    return save_with_history(row, actor=actor)


@transaction.atomic
def matrix_add_column(
    *, actor, matrix: Matrix, department: Department | None = None, post: Post | None = None
) -> MatrixColumn:
    """Add a department (company or process matrix) or a post (post-level matrix) as a column."""
    _require(perms.can_edit_matrix(actor))
    matrix = _locked_draft(matrix)
    if (matrix.kind == MatrixKind.POST) != (post is not None) or (department is None) == (post is None):
        raise ValidationError(_("A post-level matrix has posts as columns; the other matrices have departments."))
    last = matrix.columns.order_by("-order").values_list("order", flat=True).first() or 0
    column = MatrixColumn(matrix=matrix, order=last + 1, department=department, post=post)
    return save_with_history(column, actor=actor)


@transaction.atomic
def matrix_set_cell(*, actor, matrix: Matrix, row: MatrixRow, column: MatrixColumn, value: str) -> MatrixCell:
    """Put ``value`` (a ``CellValue`` of the matrix's scheme, or "" for an empty cell) where
    ``row`` meets ``column`` of a draft matrix, with history. Setting the value a cell already
    has writes nothing (an import run twice changes nothing).

    Raises ``PermissionDenied`` unless ``actor`` is HR or an administrator, ``DomainError``
    unless the matrix is a draft, and ``ValidationError`` for a value outside the scheme or a
    row / column of another matrix.
    """
    _require(perms.can_edit_matrix(actor))
    matrix = _locked_draft(matrix)
    value = value or ""
    cell = MatrixCell.objects.filter(row=row, column=column).first()
    if cell is None:
        cell = MatrixCell(matrix=matrix, row=row, column=column, value=value)
        if not value:
            cell.full_clean()
            return cell
    elif cell.value == value:
        return cell
    cell.matrix, cell.value = matrix, value
    cell.row, cell.column = row, column
    return save_with_history(cell, actor=actor)


@transaction.atomic
def matrix_cycle_cell(*, actor, matrix: Matrix, row: MatrixRow, column: MatrixColumn) -> MatrixCell:
    """One click on a cell: the next value of the scheme (empty → ● → ○ → empty, or
    empty → R → A → C → I → empty)."""
    current = MatrixCell.objects.filter(row=row, column=column).values_list("value", flat=True).first() or ""
    cycle = CELL_CYCLE[CellScheme(matrix.scheme)]
    following = cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else ""
    return matrix_set_cell(actor=actor, matrix=matrix, row=row, column=column, value=following)


def matrix_row_by_key(matrix: Matrix, key: str) -> MatrixRow | None:
    """The row an import names by ``key``: an ISO clause number ("8.4") or the row's text."""
    key = (key or "").strip()
    return (
        matrix.rows.select_related("clause").filter(clause__number=key).first()
        or matrix.rows.select_related("clause").filter(clause__isnull=True, text=key).first()
    )


def matrix_column_by_key(matrix: Matrix, key: str) -> MatrixColumn | None:
    """The column an import names by a department code (or a post code, post-level matrix)."""
    key = (key or "").strip()
    if matrix.kind == MatrixKind.POST:
        return matrix.columns.select_related("post").filter(post__code=key).first()
    return matrix.columns.select_related("department").filter(department__code=key).first()


@transaction.atomic
def matrix_draft_for_edit(*, actor, matrix: Matrix) -> Matrix:
    """The draft to edit ``matrix`` in: its open draft, else a new version copied from the
    latest one. An import uses this so that it never changes an approved document; a version
    in review or approved (but not yet effective) must be decided first."""
    _require(perms.can_edit_matrix(actor))
    latest = Matrix.objects.filter(document_number=matrix.document_number).order_by("-version").first()
    if latest.status == DocumentStatus.DRAFT:
        return latest
    return matrix_new_version(actor=actor, matrix=latest)


# Versions and approval --------------------------------------------------------------------------------


@transaction.atomic
def matrix_new_version(*, actor, matrix: Matrix) -> Matrix:
    """Start the next version as a draft copying the latest version's rows, columns and cells.
    The effective version stays in force until the new one takes effect."""
    _require(perms.can_edit_matrix(actor))
    versions = Matrix.objects.select_for_update().filter(document_number=matrix.document_number).order_by("-version")
    latest = versions.first()
    if latest.status in IN_PREPARATION:
        raise DomainError(_("Version %(v)s is still in preparation.") % {"v": latest.version_label})
    draft = Matrix(
        title=latest.title,
        kind=latest.kind,
        scheme=latest.scheme,
        document_number=latest.document_number,
        scope=latest.scope,
        version=latest.version + 1,
        status=DocumentStatus.DRAFT,
        prepared_by=actor,
        prepared_at=timezone.now(),
    )
    save_with_history(draft, actor=actor, reason=_("New version of %(v)s") % {"v": latest.version_label})
    rows = {}
    for row in latest.rows.all():
        rows[row.pk] = save_with_history(
            MatrixRow(matrix=draft, order=row.order, kind=row.kind, clause_id=row.clause_id, text=row.text),
            actor=actor,
        )
    columns = {}
    for column in latest.columns.all():
        columns[column.pk] = save_with_history(
            MatrixColumn(matrix=draft, order=column.order, department_id=column.department_id, post_id=column.post_id),
            actor=actor,
        )
    for cell in latest.cells.exclude(value=""):
        save_with_history(
            MatrixCell(matrix=draft, row=rows[cell.row_id], column=columns[cell.column_id], value=cell.value),
            actor=actor,
        )
    return draft


@transaction.atomic
def matrix_update(*, actor, matrix: Matrix, title: str, scope: str = "", change_description: str = "") -> Matrix:
    """Change the title, scope and description of the change of a draft."""
    _require(perms.can_edit_matrix(actor))
    current = _locked_draft(matrix)
    current.title, current.scope, current.change_description = title, scope, change_description
    current.edit_revision += 1
    return save_with_history(current, actor=actor)


@transaction.atomic
def matrix_submit(*, actor, matrix: Matrix) -> Matrix:
    """Send a draft for approval. It needs at least one row and one column; the row checks
    are warnings the approver sees, not a barrier."""
    _require(perms.can_edit_matrix(actor))
    current = Matrix.objects.select_for_update().get(pk=matrix.pk)
    if not current.rows.exists() or not current.columns.exists():
        raise DomainError(_("A matrix needs at least one row and one column."))
    _move(current, DocumentStatus.IN_REVIEW)
    current.review_comment = ""
    return save_with_history(current, actor=actor, reason=_("Submitted for approval"))


@transaction.atomic
def matrix_reject(*, actor, matrix: Matrix, comment: str) -> Matrix:
    """Send a version in review back to draft with the approver's comment."""
    current = Matrix.objects.select_for_update().get(pk=matrix.pk)
    if current.status != DocumentStatus.IN_REVIEW:
        raise DomainError(_("Only a version in review can be returned."))
    _require(perms.can_approve_matrix(actor, current))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what has to change.")})
    _move(current, DocumentStatus.DRAFT)
    current.review_comment = comment
    current.reviewed_by, current.reviewed_at = actor, timezone.now()
    current.edit_revision += 1
    return save_with_history(current, actor=actor, reason=_("Returned to draft"))


@transaction.atomic
def matrix_approve(*, actor, matrix: Matrix, effective_date: datetime.date | None = None) -> Matrix:
    """Approve a version in review (general manager or quality manager, not its author). It
    takes effect on ``effective_date`` (today if empty) and supersedes the version in force."""
    current = Matrix.objects.select_for_update().get(pk=matrix.pk)
    if current.status != DocumentStatus.IN_REVIEW:
        raise DomainError(_("Only a version in review can be approved."))
    _require(perms.can_approve_matrix(actor, current))
    effective_date = effective_date or today()
    if effective_date < today():
        raise ValidationError({"effective_date": _("The effective date cannot lie in the past.")})
    _move(current, DocumentStatus.APPROVED)
    now = timezone.now()
    current.approved_by, current.approved_at = actor, now
    current.reviewed_by, current.reviewed_at = current.reviewed_by or actor, current.reviewed_at or now
    current.effective_date = effective_date
    save_with_history(current, actor=actor, reason=_("Approved"))
    if effective_date <= today():
        _make_effective(current, actor=actor)
    return current


def _make_effective(matrix, *, actor):
    previous = Matrix.objects.select_for_update().filter(status=DocumentStatus.EFFECTIVE)
    if matrix.kind == MatrixKind.COMPANY:
        previous = previous.filter(kind=MatrixKind.COMPANY)
    else:
        previous = previous.filter(document_number=matrix.document_number)
    for old in previous.exclude(pk=matrix.pk):
        _move(old, DocumentStatus.SUPERSEDED)
        save_with_history(old, actor=actor, reason=_("Superseded by %(v)s") % {"v": matrix.version_label})
    _move(matrix, DocumentStatus.EFFECTIVE)
    save_with_history(matrix, actor=actor, reason=_("Took effect"))


@transaction.atomic
def matrix_activate_due(*, actor=None, day=None) -> int:
    """Make every approved matrix whose effective date has come effective (run daily with
    ``activate_due_documents``' schedule). Returns how many."""
    day = day or today()
    count = 0
    for matrix in Matrix.objects.select_for_update().filter(status=DocumentStatus.APPROVED, effective_date__lte=day):
        _make_effective(matrix, actor=actor)
        count += 1
    return count


# Grey areas ----------------------------------------------------------------------------------------------

GREY_AREA_FIELDS = ("kind", "description", "owner", "proposal", "due_date")


@transaction.atomic
def grey_area_record(
    *,
    actor,
    kind: str,
    description: str,
    owner,
    departments=(),
    proposal: str = "",
    due_date: datetime.date | None = None,
    finding_key: str = "",
) -> GreyArea:
    """Record a grey area (an overlap or a gap), usually from a finding of the grey-area report
    (``finding_key`` links it). HR, the quality manager and administrators record them."""
    _require(perms.manages_grey_areas(actor))
    if finding_key and GreyArea.objects.filter(finding_key=finding_key).exclude(status=GreyAreaStatus.VOID).exists():
        raise ValidationError(_("This finding is already recorded as a grey area."))
    grey_area = GreyArea(
        kind=GreyAreaKind(kind),
        description=description,
        owner=owner,
        proposal=proposal,
        due_date=due_date,
        finding_key=finding_key[:300],
        recorded_by=actor,
    )
    save_with_history(grey_area, actor=actor, reason=_("Recorded"))
    grey_area.departments.set(departments)
    return grey_area


@transaction.atomic
def grey_area_update(*, actor, grey_area: GreyArea, departments=None, **fields) -> GreyArea:
    """Change the description, owner, proposal, due date or departments of an open grey area.
    The owner may update it too (to write the proposal)."""
    current = GreyArea.objects.select_for_update().get(pk=grey_area.pk)
    _require(perms.can_update_grey_area(actor, current))
    if not current.is_open:
        raise DomainError(_("A %(state)s grey area cannot change.") % {"state": current.get_status_display()})
    for name, value in fields.items():
        if name not in GREY_AREA_FIELDS:
            raise ValueError(name)
        if name == "owner" and value != current.owner and not perms.manages_grey_areas(actor):
            raise PermissionDenied
        setattr(current, name, value)
    save_with_history(current, actor=actor)
    if departments is not None:
        current._history_user = actor
        current.departments.set(departments)
    return current


def _grey_move(grey_area, to_status):
    if to_status not in GREY_AREA_TRANSITIONS[grey_area.status]:
        raise DomainError(
            _("A %(state)s grey area cannot become %(target)s.")
            % {"state": grey_area.get_status_display(), "target": GreyAreaStatus(to_status).label}
        )
    grey_area.status = to_status


@transaction.atomic
def grey_area_start(*, actor, grey_area: GreyArea) -> GreyArea:
    """The owner (or a manager of grey areas) starts working on it."""
    current = GreyArea.objects.select_for_update().get(pk=grey_area.pk)
    _require(perms.can_update_grey_area(actor, current))
    _grey_move(current, GreyAreaStatus.IN_PROGRESS)
    return save_with_history(current, actor=actor, reason=_("Work started"))


@transaction.atomic
def grey_area_resolve(*, actor, grey_area: GreyArea, resolution: str) -> GreyArea:
    """Close it as resolved, saying how (a changed matrix, charter or job description)."""
    current = GreyArea.objects.select_for_update().get(pk=grey_area.pk)
    _require(perms.manages_grey_areas(actor))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the grey area was resolved.")})
    _grey_move(current, GreyAreaStatus.RESOLVED)
    current.resolution, current.closed_at = resolution, timezone.now()
    return save_with_history(current, actor=actor, reason=_("Resolved"))


@transaction.atomic
def grey_area_void(*, actor, grey_area: GreyArea, reason: str) -> GreyArea:
    """Close it as void (recorded by mistake, not a grey area after all), with the reason."""
    current = GreyArea.objects.select_for_update().get(pk=grey_area.pk)
    _require(perms.manages_grey_areas(actor))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for voiding it.")})
    _grey_move(current, GreyAreaStatus.VOID)
    current.void_reason, current.closed_at = reason, timezone.now()
    return save_with_history(current, actor=actor, reason=_("Voided"))
