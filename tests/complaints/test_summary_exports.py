"""The summary as Excel and PDF and the follow-up list as PDF, opened and read back."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.complaints import records, summary_data
from tests.complaints.summary_data import YEAR


@pytest.fixture
def p(org_tree):
    return records.people(org_tree)


@pytest.fixture
def data(p):
    return summary_data.build(p)


def _pdf_text(content):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _in_english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_excel_holds_the_hand_computed_figures(client, p, data, english, django_assert_max_num_queries):
    client.force_login(p.qm)
    _in_english(client)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("complaints:summary_xlsx") + f"?month={YEAR}-10")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f"complaint-summary-{YEAR}-10.xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    overview = {row[0]: row[1] for row in wb["Overview"].iter_rows(min_row=3, values_only=True)}
    assert overview["Complaints received"] == 5
    assert overview["Not valid"] == 1
    assert overview["Mean hours to final closure"] == 168
    assert overview["Amount claimed (CNY)"] == 18000
    pareto = list(wb["Pareto"].iter_rows(min_row=3, values_only=True))
    assert pareto == [("Dimension", 3, 60, 60), ("Appearance", 1, 20, 80), ("Packaging and labelling", 1, 20, 100)]
    deadlines = {row[0]: row[6] for row in wb["Deadlines"].iter_rows(min_row=3, values_only=True)}
    assert deadlines["Initial analysis (valid or not)"] == pytest.approx(0.6)
    assert deadlines["Rework of returned goods"] == 0
    overdue = list(wb["Overdue"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in overdue] == [data["D"].number]
    ws = wb["Overview"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"


def test_excel_due_time_is_a_local_time_to_the_minute(client, p, data):
    complaint = data["D"]
    due = complaint.steps.get(completed_at__isnull=True).due_at
    client.force_login(p.qm)
    month = f"{timezone.localtime(complaint.received_at):%Y-%m}"
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("complaints:summary_xlsx") + f"?month={month}").content))
    (row,) = wb["Overdue"].iter_rows(min_row=3)
    cell = row[4]
    assert cell.value == timezone.localtime(due).replace(tzinfo=None, second=0, microsecond=0)
    assert cell.value != due.astimezone(datetime.UTC).replace(tzinfo=None, second=0, microsecond=0)
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_excel_writes_formula_like_customer_names_as_text(client, p, data):
    records.complaint(
        registered_by=p.sales, cust=records.customer("EVIL", "=HYPERLINK(1)"), received_at=summary_data.at(10, 14, 8)
    )
    client.force_login(p.qm)
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("complaints:summary_xlsx") + f"?month={YEAR}-10").content)
    )
    cells = [c for row in wb["By customer"].iter_rows(min_row=3) for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and cells[0].data_type == "s"


def test_pdf_has_the_figures_and_the_chart(client, p, data, english):
    client.force_login(p.qm)
    _in_english(client)
    response = client.get(reverse("complaints:summary_pdf") + f"?from={YEAR}-10-01&to={YEAR}-10-31")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Complaint summary" in text and f"{YEAR}-10-01" in text
    assert "Alpha Auto" in text and "Beta Motors" in text
    assert "60.0 %" in text  # analysis on-time rate
    assert "Dimension" in text


def test_follow_up_pdf_lists_the_complaints_awaiting_a_call(client, p, data, english):
    client.force_login(p.qm)
    response = client.get(reverse("complaints:followup_pdf") + f"?month={YEAR}-10")
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert data["B"].number in text and data["C"].number in text
    assert data["A"].number not in text


def test_sales_user_exports_only_their_complaints(client, p, data):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="sales2"))
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("complaints:summary_xlsx") + f"?month={YEAR}-10").content)
    )
    assert [row[0] for row in wb["By customer"].iter_rows(min_row=3, values_only=True)] == ["Beta Motors"]
