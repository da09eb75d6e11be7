"""Print-ready Excel workbooks, shared by every export of the system.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``)
is written as a plain text cell, never evaluated.
"""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
FONT_NAME = "Noto Sans CJK SC"


def set_cell(ws, row, column, value):
    """Write ``value``; strings that look like formulas are stored as text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters (a soft line break pasted from Word) are not allowed in XLSX.
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Bypass openpyxl's type guessing, which would store it as a formula.
        cell._value = value
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def table_sheet(wb, *, title, columns, rows, widths, header_left="", document=""):
    """Fill a sheet with a title row, a header row and ``rows``, set up to print.

    Landscape A4, fit to one page wide, header rows repeated on every page, frozen panes,
    borders, and a header and footer naming the company, the document, the date and the page.
    """
    ws = wb.active if wb.active.max_row == 1 and wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = title[:31]
    ws.cell(row=1, column=1, value=title).font = Font(name=FONT_NAME, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for col, label in enumerate(columns, start=1):
        cell = set_cell(ws, 2, col, str(label))
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            cell = set_cell(ws, r, col, value)
            cell.border = BORDER
            cell.font = Font(name=FONT_NAME)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    company = header_left or settings.QMS_COMPANY_NAME
    ws.oddHeader.left.text = company.replace("&", "&&")
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.right.text = document.replace("&", "&&")
    ws.oddFooter.left.text = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    ws.oddFooter.right.text = "&P / &N"
    return ws


def workbook_bytes(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def new_workbook():
    return Workbook()
