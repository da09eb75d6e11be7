"""HR edits the company responsibility matrix in a real browser: three clicks on the grid
are saved without reloading the page, the "two leads" warning appears at once, one more
click fixes it, and the Excel file downloads and opens."""

# ruff: noqa: F811
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from responsibilities.models import MatrixCell
from tests.factories import PASSWORD
from tests.responsibilities.matrix_fixtures import clauses, company_matrix, row  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, start):
    page.goto(start)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def test_hr_fills_cells_sees_two_leads_fixes_it_and_downloads_excel(chromium, org_tree, company_matrix, artifacts):
    matrix = company_matrix
    url = matrix.get_absolute_url()
    columns = {c.department.code: c for c in matrix.columns.select_related("department")}
    r41, r84 = row(matrix, "4.1"), row(matrix, "8.4")

    def cell(r, code):
        return page.locator(f'button.cell[value="{r.pk}:{columns[code].pk}"]')

    page = chromium.new_page(locale="en-US")
    log_in(page, "hr", url)
    page.evaluate("window.notReloaded = true")
    check_84 = page.locator(f'[data-row-check="{r84.pk}"]')

    cell(r41, "GM").click()
    expect(cell(r41, "GM")).to_have_text("●")
    cell(r84, "PROD").click()
    expect(cell(r84, "PROD")).to_have_text("●")
    cell(r84, "QA").click()
    expect(cell(r84, "QA")).to_have_text("●")

    expect(check_84).to_contain_text("Two leads")
    expect(page.locator(f'#row-warnings [data-row-warning="{r84.pk}"]')).to_contain_text("Two leads")
    expect(page.locator(f'[data-empty-column="{columns["QA"].pk}"]')).to_be_hidden()
    expect(page.locator(f'[data-empty-column="{columns["PROD-W1"].pk}"]')).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # saved without reloading the page
    page.screenshot(path=str(artifacts / "matrix-two-leads.png"), full_page=True)

    # One more click turns the second lead into an assist: the warning goes.
    cell(r84, "QA").click()
    expect(cell(r84, "QA")).to_have_text("○")
    expect(check_84).to_have_text("")
    expect(page.locator(f'#row-warnings [data-row-warning="{r84.pk}"]')).to_have_count(0)
    values = {
        (c.row_id, c.column.department.code): c.value for c in MatrixCell.objects.select_related("column__department")
    }
    assert values == {(r41.pk, "GM"): "lead", (r84.pk, "PROD"): "lead", (r84.pk, "QA"): "assist"}

    # The page after a reload shows what was saved.
    page.reload()
    expect(cell(r84, "QA")).to_have_text("○")

    with page.expect_download() as download_info:
        page.click(f'a[href="/responsibilities/matrices/{matrix.pk}/matrix.xlsx"]')
    download = download_info.value
    assert re.match(r"QR-RM-01-V1\.0\.xlsx", download.suggested_filename)
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert ws.page_setup.orientation == "landscape"
    marks = {ws.cell(row=r, column=1).value: [ws.cell(row=r, column=c).value for c in range(3, 7)] for r in (5, 6, 7)}
    assert marks["4.1"] == ["●", None, None, None]
    assert marks["8.4"] == [None, "○", "●", None]
