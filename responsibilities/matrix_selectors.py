"""Reads of responsibility matrices and grey areas, in a constant number of queries.

``matrix_grid`` loads a matrix version as a grid with the checks of every row:

* lead / assist: each row has exactly one lead (●); a row with no mark at all has nobody
  taking part;
* RACI: each row has exactly one "A" (accountable) and at least one "R" (someone doing
  the work);
* columns (departments or posts) that have no mark on any row.

``grey_area_findings`` builds the grey-area report (seed 003): overlaps (a row led by several
departments; the same duty in the effective job descriptions of posts in several
departments) and gaps (rows nobody leads, posts without duties, departments without an
effective charter). Duties are compared by grouping on a normalised text, never pairwise, so
the report stays linear in the number of duties.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from org.models import Department, Post

from . import matrix_permissions as perms
from .choices import (
    CELL_SYMBOL,
    GREY_AREA_OPEN,
    CellScheme,
    CellValue,
    DocumentStatus,
    GreyAreaKind,
    GreyAreaStatus,
    MatrixKind,
)
from .models import DepartmentCharter, Duty, GreyArea, Matrix, MatrixCell


@dataclass
class GridCell:
    column: object
    value: str = ""
    #: "<row id>:<column id>", what a click posts.
    ref: str = ""
    #: "<row key> · <column label>", the cell's accessible name.
    name: str = ""

    @property
    def symbol(self):
        return CELL_SYMBOL.get(self.value, "")


@dataclass
class GridRow:
    row: object
    cells: list
    problems: list = field(default_factory=list)
    lead_count: int = 0
    marked: bool = False

    @property
    def ok(self):
        return not self.problems


@dataclass
class Grid:
    matrix: Matrix
    columns: list
    rows: list
    empty_columns: list
    all_rows: list
    all_columns: list = field(default_factory=list)

    @property
    def problem_rows(self):
        return [r for r in self.all_rows if r.problems]

    @property
    def warning_count(self):
        return len(self.problem_rows) + len(self.empty_columns)


def row_problems(scheme, values) -> tuple[list[str], int]:
    """The check messages for one row with the given cell values, and its number of leads
    (leads for lead / assist, "A"s for RACI)."""
    problems = []
    if scheme == CellScheme.RACI:
        leads = sum(1 for v in values if v == CellValue.ACCOUNTABLE)
        if leads == 0:
            problems.append(_("No “A”: nobody is accountable."))
        elif leads > 1:
            problems.append(_("%(n)d “A”s: exactly one is accountable.") % {"n": leads})
        if not any(v == CellValue.RESPONSIBLE for v in values):
            problems.append(_("No “R”: nobody does the work."))
        return problems, leads
    leads = sum(1 for v in values if v == CellValue.LEAD)
    if not any(values):
        problems.append(_("Nobody takes part and nobody leads."))
    elif leads == 0:
        problems.append(_("No lead (●)."))
    elif leads > 1:
        problems.append(_("Two leads: %(n)d departments lead this row.") % {"n": leads})
    return problems, leads


def matrix_grid(matrix: Matrix, *, department_id=None, group=None, columns=None) -> Grid:
    """The matrix as a grid with its checks (3 queries). ``department_id`` shows only that
    column and the rows it marks; ``group`` only the clause rows of that clause group. The
    checks always look at the whole matrix. ``columns``: the matrix's columns if the caller
    has loaded them already."""
    if columns is None:
        columns = list(matrix.columns.select_related("department", "post"))
    rows = list(matrix.rows.select_related("clause"))
    values = {
        (r, c): v for r, c, v in MatrixCell.objects.filter(matrix=matrix).values_list("row_id", "column_id", "value")
    }
    marked_columns = {c for (_r, c), v in values.items() if v}
    all_rows = []
    labels = [(column.pk, column.label) for column in columns]
    for row in rows:
        key = row.key
        cells = [
            GridCell(column, values.get((row.pk, pk), ""), f"{row.pk}:{pk}", f"{key} · {label}")
            for column, (pk, label) in zip(columns, labels, strict=True)
        ]
        problems, leads = row_problems(matrix.scheme, [c.value for c in cells])
        all_rows.append(GridRow(row, cells, problems, leads, any(c.value for c in cells)))
    shown_columns = columns
    shown_rows = all_rows
    if group:
        shown_rows = [r for r in shown_rows if r.row.clause_id and r.row.clause.group == group]
    if department_id:
        index = next((i for i, c in enumerate(columns) if c.department_id == department_id), None)
        if index is None:
            shown_columns, shown_rows = [], []
        else:
            shown_columns = [columns[index]]
            shown_rows = [
                GridRow(r.row, [r.cells[index]], r.problems, r.lead_count, r.marked)
                for r in shown_rows
                if r.cells[index].value
            ]
    empty = [c for c in columns if c.pk not in marked_columns]
    return Grid(matrix, shown_columns, shown_rows, empty, all_rows, columns)


def company_matrix_for(user) -> Matrix | None:
    """The company matrix ``user`` is shown at /responsibilities/matrix/: the effective one;
    if there is none yet, the newest version the user may read."""
    base = Matrix.objects.filter(kind=MatrixKind.COMPANY).select_related("approved_by", "prepared_by")
    effective = base.filter(status=DocumentStatus.EFFECTIVE).first()
    if effective is not None:
        return effective
    return perms.visible_matrices(base, user).order_by("-prepared_at", "-version").first()


def open_version_of(matrix: Matrix):
    return (
        Matrix.objects.filter(
            document_number=matrix.document_number,
            status__in=(DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED),
        )
        .order_by("-version")
        .first()
    )


def matrix_list(user):
    """The matrix versions ``user`` may read, newest first within each document."""
    return perms.visible_matrices(Matrix.objects.all(), user).order_by("document_number", "-version")


# Grey areas ------------------------------------------------------------------------------------------


def normalise_duty(text: str) -> str:
    """The duty text as compared for overlaps: width-folded (NFKC), without spaces,
    punctuation or symbols (ASCII and CJK alike), case-folded."""
    folded = unicodedata.normalize("NFKC", text or "")
    kept = (ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")
    return "".join(kept).casefold()


@dataclass
class Finding:
    """One item of the grey-area report, perhaps already recorded as a ``GreyArea``."""

    key: str
    kind: str
    description: str
    departments: list
    link: str = ""
    recorded: object = None

    @property
    def kind_label(self):
        return GreyAreaKind(self.kind).label

    @property
    def is_overlap(self):
        return self.kind in (GreyAreaKind.TWO_LEADS, GreyAreaKind.SHARED_DUTY)

    @property
    def department_ids(self):
        return [d.pk for d in self.departments]


def _matrix_findings(matrix):
    if matrix is None:
        return []
    grid = matrix_grid(matrix)
    findings = []
    for grid_row in grid.all_rows:
        leads = [c.column for c in grid_row.cells if c.value in (CellValue.LEAD, CellValue.ACCOUNTABLE)]
        departments = [c.department for c in leads if c.department_id]
        label = grid_row.row.label
        if len(leads) > 1:
            findings.append(
                Finding(
                    key=f"two_leads:{matrix.document_number}:{grid_row.row.key}",
                    kind=GreyAreaKind.TWO_LEADS,
                    description=_("“%(row)s” is led by %(who)s.")
                    % {"row": label, "who": ", ".join(c.label for c in leads)},
                    departments=departments,
                    link=matrix.get_absolute_url(),
                )
            )
        elif not leads:
            findings.append(
                Finding(
                    key=f"no_lead:{matrix.document_number}:{grid_row.row.key}",
                    kind=GreyAreaKind.NO_LEAD,
                    description=_("Nobody leads “%(row)s”.") % {"row": label},
                    departments=[c.column.department for c in grid_row.cells if c.value and c.column.department_id],
                    link=matrix.get_absolute_url(),
                )
            )
    return findings


def _duty_findings(departments):
    """The same duty (after ``normalise_duty``) in the effective JDs of posts of two or more
    departments: one query, grouped in a dictionary."""
    groups = defaultdict(list)
    rows = Duty.objects.filter(
        job_description__status=DocumentStatus.EFFECTIVE, job_description__post__valid_to__isnull=True
    ).values_list("title", "job_description__post__department_id", "job_description__post__title")
    for title, department_id, post_title in rows:
        key = normalise_duty(title)
        if key:
            groups[key].append((title, department_id, post_title))
    findings = []
    for key, items in groups.items():
        department_ids = sorted({d for _t, d, _p in items}, key=lambda pk: departments[pk].sort_order)
        if len(department_ids) < 2:
            continue
        posts = sorted({p for _t, _d, p in items})
        findings.append(
            Finding(
                key=f"shared_duty:{key}"[:300],
                kind=GreyAreaKind.SHARED_DUTY,
                description=_("The duty “%(duty)s” is in the job descriptions of %(posts)s (%(departments)s).")
                % {
                    "duty": items[0][0],
                    "posts": ", ".join(posts),
                    "departments": ", ".join(departments[d].name for d in department_ids),
                },
                departments=[departments[d] for d in department_ids],
            )
        )
    return findings


def _post_findings(departments):
    posts = (
        Post.objects.valid_on()
        .annotate(
            effective_jds=Count(
                "job_descriptions", distinct=True, filter=Q(job_descriptions__status=DocumentStatus.EFFECTIVE)
            ),
            duty_count=Count("job_descriptions__duties", filter=Q(job_descriptions__status=DocumentStatus.EFFECTIVE)),
        )
        .filter(duty_count=0)
        .order_by("department__sort_order", "sort_order", "code")
    )
    findings = []
    for post in posts:
        if post.effective_jds:
            text = _("The effective job description of %(post)s lists no duties.") % {"post": post.title}
        else:
            text = _("%(post)s has no effective job description, so no duties.") % {"post": post.title}
        findings.append(
            Finding(
                key=f"post_without_duties:{post.code}",
                kind=GreyAreaKind.POST_WITHOUT_DUTIES,
                description=text,
                departments=[departments[post.department_id]],
                link=reverse("responsibilities:jd_detail", args=[post.pk]),
            )
        )
    return findings


def _charter_findings(departments):
    with_charter = set(
        DepartmentCharter.objects.filter(status=DocumentStatus.EFFECTIVE).values_list("department_id", flat=True)
    )
    return [
        Finding(
            key=f"no_charter:{d.code}",
            kind=GreyAreaKind.NO_CHARTER,
            description=_("%(department)s has no effective department charter.") % {"department": d.name},
            departments=[d],
            link=reverse("responsibilities:charter_detail", args=[d.pk]),
        )
        for d in departments.values()
        if d.is_current and d.pk not in with_charter
    ]


def grey_area_findings(matrix: Matrix | None = None) -> list[Finding]:
    """Every overlap and gap found now, overlaps first, each linked to the grey area recorded
    for it (if any, and not void). ``matrix``: the effective company matrix by default."""
    if matrix is None:
        matrix = Matrix.objects.filter(kind=MatrixKind.COMPANY, status=DocumentStatus.EFFECTIVE).first()
    departments = {d.pk: d for d in Department.objects.all()}
    findings = (
        _matrix_findings(matrix)
        + _duty_findings(departments)
        + _charter_findings(departments)
        + _post_findings(departments)
    )
    order = {kind: i for i, kind in enumerate(GreyAreaKind.values)}
    findings.sort(key=lambda f: order[f.kind])
    recorded = {
        g.finding_key: g
        for g in GreyArea.objects.filter(finding_key__in=[f.key for f in findings]).exclude(status=GreyAreaStatus.VOID)
    }
    for finding in findings:
        finding.recorded = recorded.get(finding.key)
    return findings


def grey_area_list(user, *, status=None, kind=None, department_id=None):
    """The grey areas ``user`` may read, with their departments and people (constant queries).
    ``status``: one of ``GreyAreaStatus``, or "active" for open and in progress."""
    queryset = perms.visible_grey_areas(GreyArea.objects.all(), user)
    if status == "active":
        queryset = queryset.filter(status__in=GREY_AREA_OPEN)
    elif status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if department_id:
        queryset = queryset.filter(departments=department_id)
    return queryset.select_related("owner", "recorded_by").prefetch_related(
        Prefetch("departments", queryset=Department.objects.order_by("sort_order", "code"))
    )
