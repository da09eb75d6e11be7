"""Building workbooks for the import tests, and reading exported ones back."""

import io

from openpyxl import Workbook, load_workbook

from responsibilities import services
from responsibilities.imports import SHEET_BY_KEY

XLSX_NAME = "org.xlsx"


def workbook_bytes(sheets: dict, *, headers: dict | None = None) -> bytes:
    """{sheet key: [row values in template column order]} as .xlsx bytes, with the template's
    bilingual header row (or ``headers[sheet]`` instead)."""
    wb = Workbook()
    wb.remove(wb.active)
    for key, rows in sheets.items():
        ws = wb.create_sheet(key)
        header = (headers or {}).get(key) or [c.header for c in SHEET_BY_KEY[key].columns]
        ws.append(header)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def open_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_values(ws, first_row=1):
    return [list(r) for r in ws.iter_rows(min_row=first_row, values_only=True)]


def effective_jd(post, *, editor, approver, capture, duties, kpis=()):
    """Write, submit and approve a job description of ``post`` so that it is in force today."""
    jd = services.jd_new_draft(actor=editor, post=post)
    services.jd_update(actor=editor, jd=jd, revision=jd.edit_revision, duties=duties, kpis=list(kpis))
    services.jd_submit(actor=editor, jd=jd)
    with capture(execute=False):
        services.jd_approve(actor=approver, jd=jd)
    jd.refresh_from_db()
    return jd
