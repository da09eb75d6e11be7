"""Print-ready Excel workbooks, shared by every export of the system.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or ``@``)
is written as a plain text cell, never evaluated. A moment is written as a real date-time
cell in the company's time zone, to the minute (``yyyy-mm-dd hh:mm``); a day as a date cell
(``yyyy-mm-dd``): pass datetimes and dates as they are, never as text.
"""

import datetime
from copy import copy
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.timefmt import EXCEL_DAY, EXCEL_MINUTE, excel_datetime, local_minute

FORMULA_PREFIXES = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
FONT_NAME = "Noto Sans CJK SC"


def _cell_value(value):
    """``(value, number format or None)`` as a cell stores it."""
    if isinstance(value, Promise):
        return str(value), None
    if isinstance(value, datetime.datetime):
        return excel_datetime(value), EXCEL_MINUTE
    if isinstance(value, datetime.date):
        return value, EXCEL_DAY
    return value, None


def set_cell(ws, row, column, value):
    """Write ``value``; strings that look like formulas are stored as text, moments in the
    company's time zone to the minute."""
    cell = ws.cell(row=row, column=column)
    value, number_format = _cell_value(value)
    if number_format:
        cell.number_format = number_format
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
    ws.oddFooter.left.text = local_minute(timezone.now())
    ws.oddFooter.right.text = "&P / &N"
    return ws


def workbook_bytes(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def new_workbook():
    return Workbook()


# Write-only workbooks, for exports of many thousand rows -----------------------------------


def write_only_style(ws, *, font=None, fill=None, border=None, alignment=None):
    """A style to hand to ``write_only_cell``: built once, copied onto each cell (much faster
    than setting font, border and alignment on every one of a hundred thousand cells)."""
    from openpyxl.cell import WriteOnlyCell

    proto = WriteOnlyCell(ws)
    for name, value in (("font", font), ("fill", fill), ("border", border), ("alignment", alignment)):
        if value is not None:
            setattr(proto, name, value)
    return proto._style


def write_only_cell(ws, value, style=None):
    """A cell for a write-only sheet; like ``set_cell``, formula-like text stays text and
    moments are local to the minute."""
    from openpyxl.cell import WriteOnlyCell

    value, number_format = _cell_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        # Every string is written as text, so formula-like text never becomes a formula; and
        # skipping openpyxl's type guessing is what makes large sheets fast.
        cell._value = value
        cell.data_type = "s"
    elif value is not None:
        cell.value = value
    if style is not None:
        cell._style = copy(style)
    if number_format:
        cell.number_format = number_format
    return cell


def write_only_table(wb, *, title, columns, rows, widths, document="", sheet_title=None):
    """``table_sheet`` for a write-only workbook (``new_write_only_workbook()``): rows are
    streamed to the file as they come, so memory stays flat for tens of thousands of rows.

    The same print set-up: landscape A4, one page wide, title and header rows repeated on every
    page, frozen panes, borders, and a header and footer naming company, document, date and page.
    """
    ws = wb.create_sheet((sheet_title or title)[:31])
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.left.text = settings.QMS_COMPANY_NAME.replace("&", "&&")
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.right.text = document.replace("&", "&&")
    ws.oddFooter.left.text = local_minute(timezone.now())
    ws.oddFooter.right.text = "&P / &N"
    ws.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    title_style = write_only_style(ws, font=Font(name=FONT_NAME, bold=True, size=14))
    ws.append([write_only_cell(ws, title, title_style)])
    header = write_only_style(
        ws,
        font=Font(name=FONT_NAME, bold=True),
        fill=HEADER_FILL,
        border=BORDER,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )
    ws.append([write_only_cell(ws, str(label), header) for label in columns])
    body = write_only_style(
        ws, font=Font(name=FONT_NAME), border=BORDER, alignment=Alignment(vertical="top", wrap_text=True)
    )
    for values in rows:
        ws.append([write_only_cell(ws, value, body) for value in values])
    return ws


def new_write_only_workbook():
    return Workbook(write_only=True)
