"""Printed copies of responsibility matrices (Excel and PDF) and the grey-area register (Excel).

Built from ``matrix_selectors.matrix_grid`` / ``grey_area_list``: the views only wrap the
bytes in a response. Every copy names the company, the document number, the version and its
status, so a printout shows which version it is. Texts are in the company's language.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.pdf import STATIC_SCHEME, render_pdf
from core.spreadsheet import BORDER, FONT_NAME, HEADER_FILL, new_workbook, set_cell, table_sheet, workbook_bytes
from core.timefmt import local_day, local_minute

from .choices import CELL_SYMBOL, CellScheme, CellValue, DocumentStatus

WARN_FILL = PatternFill("solid", fgColor="FDECEA")
FIRST_DATA_ROW = 5


def matrix_filename(matrix, extension):
    return f"{matrix.document_number}-{matrix.version_label}.{extension}"


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else "—"


def _day(value):
    """The company's day of a moment (approval times are stored in UTC), or a date."""
    return local_day(value) or "—"


def legend(scheme) -> list[str]:
    if scheme == CellScheme.RACI:
        values = (CellValue.RESPONSIBLE, CellValue.ACCOUNTABLE, CellValue.CONSULTED, CellValue.INFORMED)
    else:
        values = (CellValue.LEAD, CellValue.ASSIST)
    return [f"{CELL_SYMBOL[v]} {v.label}" for v in values]


def version_line(matrix) -> str:
    return _("Document no. %(number)s · version %(version)s · %(status)s · effective %(date)s") % {
        "number": matrix.document_number,
        "version": matrix.version_label,
        "status": matrix.get_status_display(),
        "date": _day(matrix.effective_date),
    }


def matrix_xlsx(grid) -> bytes:
    """The matrix as a workbook ready to print: landscape A4 fitted to one page wide, title
    rows repeated and panes frozen below the department names, borders, a legend, the
    approval and a header and footer with company, document number, version, date and page."""
    with translation.override(settings.LANGUAGE_CODE):
        return workbook_bytes(_matrix_workbook(grid))


def _matrix_workbook(grid):
    matrix, columns = grid.matrix, grid.columns
    wb = new_workbook()
    ws = wb.active
    ws.title = matrix.document_number[:31]
    last = 3 + len(columns)
    plain = Font(name=FONT_NAME)
    bold = Font(name=FONT_NAME, bold=True)
    centre = Alignment(horizontal="center", vertical="center")
    wrap = Alignment(vertical="center", wrap_text=True)

    set_cell(ws, 1, 1, f"{settings.QMS_COMPANY_NAME} {matrix.title}".strip()).font = Font(
        name=FONT_NAME, bold=True, size=14
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    set_cell(ws, 2, 1, version_line(matrix)).font = plain
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    set_cell(ws, 3, 1, "  ".join([_("Legend:"), *legend(matrix.scheme)])).font = plain
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last)

    heads = [_("Clause"), _("Clause / process / work step"), *[c.label for c in columns], _("Check")]
    for col, text in enumerate(heads, start=1):
        cell = set_cell(ws, 4, col, text)
        cell.font, cell.fill, cell.border = bold, HEADER_FILL, BORDER
        vertical = 3 <= col < last
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=not vertical, text_rotation=255 if vertical else 0
        )
    ws.row_dimensions[4].height = 90

    for r, grid_row in enumerate(grid.rows, start=FIRST_DATA_ROW):
        row = grid_row.row
        values = [row.clause.number if row.clause_id else "", row.clause.title if row.clause_id else row.text]
        values += [CELL_SYMBOL.get(c.value, "") for c in grid_row.cells]
        values.append(" ".join(grid_row.problems))
        for col, value in enumerate(values, start=1):
            cell = set_cell(ws, r, col, value)
            cell.font, cell.border = plain, BORDER
            cell.alignment = centre if 3 <= col < last or col == 1 else wrap
            if col == last and value:
                cell.fill = WARN_FILL

    after = FIRST_DATA_ROW + len(grid.rows) + 1
    signatures = [
        (_("Prepared by"), _person(matrix.prepared_by), _day(matrix.prepared_at)),
        (_("Approved by"), _person(matrix.approved_by), _day(matrix.approved_at)),
    ]
    for offset, (label, name, day) in enumerate(signatures):
        set_cell(ws, after + offset, 2, f"{label}: {name}  {day}").font = plain
    if grid.empty_columns:
        text = _("Departments without any mark: %(names)s") % {"names": "、".join(c.label for c in grid.empty_columns)}
        set_cell(ws, after + len(signatures), 2, text).font = plain

    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 34
    for col in range(3, last):
        ws.column_dimensions[get_column_letter(col)].width = 4.5
    ws.column_dimensions[get_column_letter(last)].width = 26
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3).coordinate
    ws.print_title_rows = f"1:{FIRST_DATA_ROW - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    document = f"{matrix.document_number} {matrix.version_label}"
    if matrix.status != DocumentStatus.EFFECTIVE:
        document += f" ({matrix.get_status_display()})"
    ws.oddHeader.left.text = settings.QMS_COMPANY_NAME.replace("&", "&&")
    ws.oddHeader.center.text = matrix.title.replace("&", "&&")
    ws.oddHeader.right.text = document.replace("&", "&&")
    ws.oddFooter.left.text = _("Printed %(time)s") % {"time": local_minute(timezone.now())}
    ws.oddFooter.center.text = (_("Effective %(date)s") % {"date": _day(matrix.effective_date)}).replace("&", "&&")
    ws.oddFooter.right.text = _("Page &P of &N")
    return wb


def matrix_pdf(grid) -> bytes:
    """The matrix on A4 landscape (A3 from 25 columns on), for printing and signing."""
    matrix = grid.matrix
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "responsibilities/matrix_pdf.html",
            {
                "grid": grid,
                "matrix": matrix,
                "company": settings.QMS_COMPANY_NAME,
                "version_line": version_line(matrix),
                "legend": legend(matrix.scheme),
                "symbols": CELL_SYMBOL,
                "wide": len(grid.columns) >= 25,
                "printed": local_minute(timezone.now()),
                "prepared": f"{_person(matrix.prepared_by)} {_day(matrix.prepared_at)}",
                "approved": f"{_person(matrix.approved_by)} {_day(matrix.approved_at)}",
                "stylesheet": f"{STATIC_SCHEME}css/matrix-print.css",
            },
        )
    return render_pdf(html)


def grey_area_register_xlsx(grey_areas) -> bytes:
    """The grey-area register (what the user may see), one row per grey area."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = new_workbook()
        rows = [
            (
                g.number,
                g.get_kind_display(),
                g.description,
                "、".join(d.name for d in g.departments.all()),
                _person(g.owner),
                g.proposal,
                _day(g.due_date),
                g.get_status_display(),
                g.resolution or g.void_reason,
                _day(g.recorded_at),
            )
            for g in grey_areas
        ]
        table_sheet(
            wb,
            title=str(_("Grey-area register")),
            columns=[
                _("No."),
                _("Kind"),
                _("Description"),
                _("Departments involved"),
                _("Owner"),
                _("Improvement proposal"),
                _("Due date"),
                _("Status"),
                _("Resolution or reason"),
                _("Recorded"),
            ],
            rows=rows,
            widths=[9, 22, 40, 20, 12, 36, 11, 10, 30, 11],
            document=str(_("Grey-area register")),
        )
        return workbook_bytes(wb)
