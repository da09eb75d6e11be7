"""The analysis report: page, Excel and PDF, with constant query counts."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from complaints.models import Customer
from satisfaction import services
from satisfaction.choices import Level
from tests.satisfaction.fixtures import respond, start_campaign

S, F, N, D = Level.SATISFIED, Level.FAIRLY_SATISFIED, Level.NEUTRAL, Level.DISSATISFIED


@pytest.fixture
def answered(quality_manager, campaign, customers):
    c1, c2, c3 = customers
    respond(quality_manager, campaign, c1, {"A": S, "B": N, "D": F}, comment="交货很及时")
    respond(quality_manager, campaign, c2, {"A": D, "B": S})
    respond(quality_manager, campaign, c3, {"B": F, "D": S})
    return campaign


def add_customers(actor, campaign, count, start=10, years_later=1):
    """A campaign ``years_later`` years after ``campaign`` asking ``count`` new customers, who
    all answer."""
    new = [Customer.objects.create(code=f"X{start + i}", name=f"客户{start + i}") for i in range(count)]
    year = campaign.period_start.year + years_later
    later = start_campaign(
        actor,
        campaign.template,
        new,
        title=f"later {start}",
        period_start=campaign.period_start.replace(year=year),
        period_end=campaign.period_end.replace(year=year),
        deadline=campaign.period_end.replace(year=year),
    )
    for i, customer in enumerate(new):
        respond(actor, later, customer, {"A": [S, F, N, D][i % 4], "B": S, "D": F}, comment=f"意见 {i}")
    return later


def test_report_page_shows_figures_and_the_scoring_rule(client, quality_manager, answered, english):
    client.force_login(quality_manager)
    response = client.get(reverse("satisfaction:report", args=[answered.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "68.4" in body  # overall score and rate
    assert "Skipped questions are left out, not counted as zero" in body
    assert "<svg" in body and "交货很及时" in body
    assert "Fewer than 10 responses" in body


def test_report_query_count_does_not_grow_with_customers_or_campaigns(
    client, quality_manager, answered, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    small_campaign = add_customers(quality_manager, answered, 4, start=10, years_later=1)
    target = reverse("satisfaction:report", args=[small_campaign.pk])
    client.get(target)
    with django_assert_max_num_queries(20) as small:
        client.get(target)
    bigger = add_customers(quality_manager, answered, 14, start=20, years_later=2)
    big_target = reverse("satisfaction:report", args=[bigger.pk])
    client.get(big_target)
    with django_assert_max_num_queries(20) as large:
        response = client.get(big_target)
    assert len(large.captured_queries) == len(small.captured_queries)
    trend = response.context["report"].trend
    assert [p.campaign.pk for p in trend] == [answered.pk, small_campaign.pk, bigger.pk]
    assert [p.responded for p in trend] == [3, 4, 14]


def test_trend_shows_earlier_campaigns_oldest_first(quality_manager, answered, customers):
    from satisfaction.selectors import campaign_report

    later = add_customers(quality_manager, answered, 4)
    trend = campaign_report(later).trend
    assert [p.campaign for p in trend] == [answered, later]
    assert trend[0].responded == 3
    # 4 customers: A S/F/N/D = 40/32/24/0, B 20, D 32 → 92, 84, 76, 52 → mean 76.
    assert trend[1].overall == Decimal(76)


def test_excel_export_opens_with_the_figures(client, quality_manager, answered, django_assert_max_num_queries):
    client.force_login(quality_manager)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("satisfaction:report_xlsx", args=[answered.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = wb.worksheets[0]
    values = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value for r in range(3, 15)}
    assert 68.4 in values.values()
    assert 90 in values.values()
    items = wb.worksheets[1]
    rows = [[c.value for c in row] for row in items.iter_rows(min_row=3)]
    assert rows[0][:6] == ["质量", None, "Quality", 60, 40, 66.7]
    assert rows[1][:6] == [None, "性能", "Performance", 40, 20, 50]
    customers = wb.worksheets[2]
    assert [customers.cell(row=r, column=1).value for r in range(3, 6)] == ["C2", "C1", "C3"]
    assert customers.print_title_rows == "$1:$2" and customers.freeze_panes == "A3"
    assert customers.page_setup.orientation == "landscape"


def test_excel_writes_formula_like_comments_as_text(client, quality_manager, campaign, customers):
    respond(quality_manager, campaign, customers[0], {"D": S}, comment='=HYPERLINK("http://x")')
    client.force_login(quality_manager)
    response = client.get(reverse("satisfaction:report_xlsx", args=[campaign.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[2]
    cell = next(c for row in ws.iter_rows(min_row=3) for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_pdf_export_has_the_report_text(client, quality_manager, answered, english, django_assert_max_num_queries):
    client.force_login(quality_manager)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("satisfaction:report_pdf", args=[answered.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Customer satisfaction analysis report" in text
    assert "68.4" in text
    assert "交货很及时" in text


def test_management_reads_the_report(client, general_manager, auditor, prod_head, answered):
    for user in (general_manager, auditor, prod_head):
        client.force_login(user)
        assert client.get(reverse("satisfaction:report", args=[answered.pk])).status_code == 200
        page = client.get(reverse("satisfaction:report", args=[answered.pk])).content.decode()
        assert "answer_capa" not in page and "/capa/" not in page


def test_closing_keeps_the_report(quality_manager, answered):
    from satisfaction.selectors import campaign_report

    before = campaign_report(answered).overall
    services.campaign_close(actor=quality_manager, campaign=answered)
    assert campaign_report(answered).overall == before


def test_texts_are_escaped_in_the_charts(quality_manager, customers):
    from satisfaction.charts import report_charts
    from satisfaction.selectors import campaign_report
    from tests.satisfaction.fixtures import make_template

    template = make_template(
        quality_manager,
        code="X",
        items=[{"points": Decimal(100), "text": "<script>alert(1)</script>", "text_en": "", "sub_items": []}],
    )
    campaign = start_campaign(quality_manager, template, customers[:1], title="<b>bold</b>")
    charts = report_charts(campaign_report(campaign))
    for svg in charts.values():
        assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in charts["items"]


def test_pdf_prints_the_local_time_to_the_minute(client, quality_manager, answered):
    # 00:30:45 in the company's time zone is 16:30 of the day before in UTC.
    local = timezone.localtime().replace(hour=0, minute=30, second=45, microsecond=0)
    with time_machine.travel(local, tick=False):
        client.force_login(quality_manager)
        response = client.get(reverse("satisfaction:report_pdf", args=[answered.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"{local:%Y-%m-%d} 00:30" in text
    assert f"{local.astimezone(datetime.UTC):%Y-%m-%d %H:%M}" not in text and "00:30:45" not in text
