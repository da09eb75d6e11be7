"""The company matrix as Excel and PDF: opened and checked, print settings included; query
counts pinned; the same visibility as the page."""

# ruff: noqa: F811
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from responsibilities import matrix_services
from responsibilities.choices import CellValue
from tests.responsibilities.matrix_fixtures import (  # noqa: F401
    CLEAN,
    clauses,
    company_matrix,
    effective_matrix,
    fill,
    gm_user,
    row,
)

pytestmark = pytest.mark.django_db

XLSX = reverse("responsibilities:matrix_xlsx")


def open_xlsx(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_matrix_xlsx_is_print_ready(client, effective_matrix, org_tree, settings):
    settings.QMS_COMPANY_NAME = "Ruituo Auto Parts"
    client.force_login(org_tree.auditor)
    response = client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "QR-RM-01-V1.0.xlsx" in response["Content-Disposition"]
    ws = open_xlsx(response)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$4"
    assert ws.freeze_panes == "C5"
    assert "Ruituo Auto Parts" in ws.oddHeader.left.text
    assert ws.oddHeader.right.text.startswith("QR-RM-01 V1.0")
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    assert ws.column_dimensions["B"].width > ws.column_dimensions["C"].width
    assert ws["C4"].border.left.style == "thin"
    assert "QR-RM-01" in ws["A2"].value and "V1.0" in ws["A2"].value
    assert "●" in ws["A3"].value and "○" in ws["A3"].value  # legend
    header = [ws.cell(row=4, column=c).value for c in range(1, 8)]
    assert header[2:6] == ["General management", "Quality", "Production", "Workshop 1"]
    rows = {ws.cell(row=r, column=1).value: [ws.cell(row=r, column=c).value for c in range(3, 7)] for r in (5, 6, 7)}
    assert rows["4.1"] == ["●", "○", None, None]
    assert rows["8.4"] == [None, None, "●", "○"]


def test_xlsx_header_says_draft_and_lists_check_warnings(client, company_matrix, org_tree, english):
    fill(company_matrix, org_tree.hr_user, {("8.4", "GM"): CellValue.LEAD, ("8.4", "QA"): CellValue.LEAD})
    client.force_login(org_tree.hr_user)
    response = client.get(reverse("responsibilities:matrix_detail_xlsx", args=[company_matrix.pk]))
    ws = open_xlsx(response)
    assert "V1.0 (" in ws.oddHeader.right.text  # the status of a version not in force
    checks = [ws.cell(row=r, column=7).value for r in (5, 6, 7)]
    assert checks[2] and "2" in checks[2]


def test_formula_like_row_text_stays_text(client, org_tree, clauses):
    matrix = matrix_services.matrix_create(
        actor=org_tree.hr_user, title="P", kind="process", departments=[org_tree.qa], steps=["=HYPERLINK(1)"]
    )
    client.force_login(org_tree.hr_user)
    ws = open_xlsx(client.get(reverse("responsibilities:matrix_detail_xlsx", args=[matrix.pk])))
    assert ws["B5"].value == "=HYPERLINK(1)" and ws["B5"].data_type == "s"


def test_staff_cannot_download_a_draft(client, company_matrix, org_tree):
    client.force_login(org_tree.operator)
    assert client.get(reverse("responsibilities:matrix_detail_xlsx", args=[company_matrix.pk])).status_code == 404
    assert client.get(XLSX).status_code == 404  # no company matrix the operator may read


def test_matrix_pdf_shows_document_number_version_and_marks(client, effective_matrix, org_tree):
    client.force_login(org_tree.operator)
    response = client.get(reverse("responsibilities:matrix_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "QR-RM-01" in text and "V1.0" in text
    assert "4.1" in text and "●" in text


def test_xlsx_query_count_does_not_grow_with_rows(client, org_tree, clauses, django_assert_max_num_queries):
    client.force_login(org_tree.hr_user)
    counts = []
    for n in (2, 10):
        matrix = matrix_services.matrix_create(
            actor=org_tree.hr_user,
            title=f"P{n}",
            kind="process",
            departments=org_tree.departments,
            steps=[f"Step {i}" for i in range(n)],
        )
        for r in matrix.rows.all():
            matrix_services.matrix_set_cell(
                actor=org_tree.hr_user, matrix=matrix, row=r, column=matrix.columns.first(), value="lead"
            )
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("responsibilities:matrix_detail_xlsx", args=[matrix.pk]))
        assert open_xlsx(response).max_row >= 4 + n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_new_version_row_check_uses_the_draft(client, effective_matrix, org_tree):
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    matrix_services.matrix_set_cell(
        actor=org_tree.hr_user,
        matrix=draft,
        row=row(draft, "4.1"),
        column=draft.columns.get(department__code="QA"),
        value=CellValue.LEAD,
    )
    client.force_login(org_tree.auditor)
    ws = open_xlsx(client.get(XLSX))  # the auditor gets the version in force
    assert ws["D5"].value == "○"
