"""Files built from the training selectors: the matrix and the plan as print-ready
workbooks, the employee training file as PDF and workbook."""

from copy import copy

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill

from core.pdf import render_pdf
from core.spreadsheet import FONT_NAME, new_workbook, set_cell, table_sheet, workbook_bytes

from .choices import CellStatus

#: Cell fills of the matrix statuses (also used in the printed file).
STATUS_FILLS = {
    CellStatus.VALID: "C6EFCE",
    CellStatus.EXPIRING: "FFEB9C",
    CellStatus.EXPIRED: "F4B6B0",
    CellStatus.MISSING: "F8D7DA",
    CellStatus.NOT_REQUIRED: "F2F2F2",
}


def _day(value):
    return value.isoformat() if value else ""


def cell_text(cell, labels=None) -> str:
    label = labels[cell.status] if labels else str(CellStatus(cell.status).label)
    if cell.status in (CellStatus.VALID, CellStatus.EXPIRING, CellStatus.EXPIRED) and cell.valid_until:
        return f"{label} {_day(cell.valid_until)}"
    if cell.status == CellStatus.NOT_REQUIRED:
        return "—"
    return label


def matrix_xlsx(matrix) -> bytes:
    """The training matrix: one row per employee and post, one column per required course,
    coloured by status; landscape, fit to width, header rows repeated, panes frozen.

    Styles are set once on a prototype cell per kind and copied to the others: assigning
    openpyxl style objects cell by cell costs seconds at 2000 × 30."""
    fixed = [_("Department"), _("Post"), _("Employee number"), _("Name"), _("Released for duty")]
    columns = fixed + [c.name for c in matrix.columns]
    wb = new_workbook()
    ws = table_sheet(
        wb,
        title=_("Training matrix as of %(day)s") % {"day": _day(matrix.day)},
        columns=columns,
        rows=[[""] * len(columns)],
        widths=[16, 16, 10, 10, 9] + [13] * len(matrix.columns),
        document=_("Training matrix"),
    )
    ws.freeze_panes = "F3"
    text_style = copy(ws.cell(row=3, column=1)._style)
    status_styles = {}
    for status in CellStatus:
        cell = ws.cell(row=3, column=1)
        cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
        status_styles[status.value] = copy(cell._style)
    labels = {status.value: str(status.label) for status in CellStatus}
    yes, not_yet = _("Yes"), _("Not yet")
    for r, row in enumerate(matrix.rows, start=3):
        values = [
            row.department.name,
            row.post.title,
            row.employee.number,
            row.employee.name,
            yes if row.released else not_yet,
        ]
        for c, value in enumerate(values, start=1):
            set_cell(ws, r, c, value)._style = copy(text_style)
        for c, cell in enumerate(row.cells, start=len(fixed) + 1):
            set_cell(ws, r, c, cell_text(cell, labels))._style = copy(status_styles[cell.status])
    if not matrix.rows:
        ws.delete_rows(3)
    legend_row = len(matrix.rows) + 4
    set_cell(ws, legend_row, 1, _("Legend")).font = Font(name=FONT_NAME, bold=True)
    for i, status in enumerate(CellStatus, start=2):
        set_cell(ws, legend_row, i, labels[status.value])._style = copy(status_styles[status.value])
    return workbook_bytes(wb)


def plan_xlsx(plan, items, progress) -> bytes:
    columns = [
        _("Line"),
        _("Planned month"),
        _("Content"),
        _("Audience"),
        _("Method"),
        _("Trainer"),
        _("Hours"),
        _("Assessment method"),
        _("Budget (CNY)"),
        _("Done"),
    ]
    rows = []
    for item in items:
        audience = [d.name for d in item.audience_departments.all()]
        audience += [p.title for p in item.audience_posts.all()]
        audience += [e.name for e in item.audience_employees.all()]
        rows.append(
            [
                item.line_key,
                item.planned_month,
                item.content,
                "、".join(audience),
                item.get_method_display(),
                item.trainer,
                float(item.hours),
                item.get_assessment_method_display(),
                float(item.budget),
                _("Yes") if item.done else "",
            ]
        )
    rows.append(["", "", _("Total"), "", "", "", float(sum(i.hours for i in items)), "", float(progress.budget), ""])
    wb = new_workbook()
    table_sheet(
        wb,
        title=f"{plan.title} · {_('revision')} {plan.revision} · {plan.get_status_display()}",
        columns=columns,
        rows=rows,
        widths=[6, 8, 30, 34, 10, 14, 7, 14, 11, 7],
        document=_("Annual training plan"),
    )
    return workbook_bytes(wb)


def employee_file_xlsx(data) -> bytes:
    employee = data["employee"]
    wb = new_workbook()
    table_sheet(
        wb,
        title=_("Training file %(name)s (%(number)s)") % {"name": employee.name, "number": employee.number},
        columns=[_("Date"), _("Event"), _("Course"), _("Hours"), _("Trainer"), _("Result"), _("Score")],
        rows=[
            [
                _day(a.event.date),
                a.event.title,
                a.event.course.name,
                float(a.event.hours),
                a.event.trainer,
                a.get_result_display(),
                float(a.score) if a.score is not None else "",
            ]
            for a in data["attendances"]
        ],
        widths=[11, 30, 24, 7, 14, 12, 7],
        document=_("Training file"),
    )
    table_sheet(
        wb,
        title=_("Qualifications"),
        columns=[_("Course"), _("Issued on"), _("Valid until"), _("Status")],
        rows=[
            [
                q.course.name,
                _day(q.issued_on),
                _day(q.valid_until) or _("does not expire"),
                _("void: %(reason)s") % {"reason": q.void_reason}
                if q.voided
                else (_("renewed") if q.renewed else str(CellStatus(q.status).label)),
            ]
            for q in data["qualifications"]
        ],
        widths=[30, 12, 14, 24],
        document=_("Training file"),
    )
    return workbook_bytes(wb)


def employee_file_pdf(data) -> bytes:
    html = render_to_string(
        "training/employee_file_pdf.html",
        data
        | {
            "company": settings.QMS_COMPANY_NAME,
            "printed_at": timezone.localtime(),
            "stylesheet": "qms-static:css/training-print.css",
        },
    )
    return render_pdf(html)
