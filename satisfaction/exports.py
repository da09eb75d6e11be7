"""The analysis report (顾客满意度调查分析报告) as Excel and PDF, built from
``selectors.campaign_report`` in the language of the request."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import STATIC_SCHEME, render_pdf
from core.spreadsheet import new_workbook, table_sheet, workbook_bytes

from . import charts
from .choices import Level
from .scoring import one_decimal

STYLESHEET = f"{STATIC_SCHEME}css/satisfaction-print.css"


def report_filename(campaign, extension):
    return f"satisfaction-{campaign.period_start:%Y}-{campaign.pk}.{extension}"


def _num(value):
    """One decimal place as a number cell (empty when there is no value)."""
    rounded = one_decimal(value)
    return "" if rounded is None else float(rounded)


def scoring_note():
    return _(
        "Customer score = sum of the item scores (item points × share of the chosen level; sub-items share "
        "their item's points by weight). Skipped questions are left out, not counted as zero: a skipped "
        "sub-item takes the result of its item's answered sub-items, and a customer who skipped an item is "
        "scored over the points of the items answered, scaled to 100. Overall score = mean over the "
        "responding customers; satisfaction rate = overall score / 100."
    )


def report_xlsx(report) -> bytes:
    campaign = report.campaign
    wb = new_workbook()
    document = _("Customer satisfaction analysis report")
    summary = [
        (_("Campaign"), campaign.title),
        (_("Period"), f"{campaign.period_start:%Y-%m-%d} – {campaign.period_end:%Y-%m-%d}"),
        (_("Template"), str(campaign.template)),
        (_("Invited"), report.invited),
        (_("Responded"), report.responded),
        (_("Not answered yet"), report.missing),
        (_("Overall score"), _num(report.overall)),
        (_("Satisfaction rate (%)"), _num(report.rate_percent)),
        (_("Target rate (%)"), _num(campaign.target_rate)),
        (_("Target met"), _("yes") if report.meets_target else _("no")),
        (_("How scores are computed"), scoring_note()),
    ]
    table_sheet(
        wb,
        title=_("Summary"),
        columns=[_("Figure"), _("Value")],
        rows=summary,
        widths=[28, 90],
        document=document,
    )
    levels = list(Level)
    item_rows = []
    for row in report.items:
        item_rows.append(
            [
                row.item.text,
                "",
                row.item.text_en,
                _num(row.item.points),
                _num(row.stats.mean),
                _num(row.stats.percent),
                row.stats.answered,
                *[row.stats.distribution[lv] for lv in levels],
            ]
        )
        for sub in row.sub_rows:
            item_rows.append(
                [
                    "",
                    sub.sub_item.text,
                    sub.sub_item.text_en,
                    _num(sub.stats.points),
                    _num(sub.stats.mean),
                    _num(sub.stats.percent),
                    sub.stats.answered,
                    *[sub.stats.distribution[lv] for lv in levels],
                ]
            )
    table_sheet(
        wb,
        title=_("Items"),
        columns=[
            _("Item"),
            _("Sub-item"),
            _("English"),
            _("Points"),
            _("Mean score"),
            _("Share of points"),
            _("Answers"),
            *[lv.label for lv in levels],
        ],
        rows=item_rows,
        widths=[18, 30, 30, 9, 11, 11, 9, *[11] * len(levels)],
        document=document,
    )
    customer_rows = [
        [
            c.response.customer.code,
            c.response.customer.name,
            c.response.get_channel_display(),
            c.response.received_on,
            _num(c.score),
            *[_num(c.item_scores.get(row.item.pk)) for row in report.items],
            c.response.comment,
        ]
        for c in sorted(report.customers, key=lambda c: (c.score is None, c.score, c.response.customer.code))
    ]
    table_sheet(
        wb,
        title=_("Customers"),
        columns=[
            _("Code"),
            _("Customer"),
            _("Channel"),
            _("Received on"),
            _("Score"),
            *[row.item.text for row in report.items],
            _("Comments"),
        ],
        rows=customer_rows,
        widths=[12, 28, 12, 13, 9, *[10] * len(report.items), 50],
        document=document,
    )
    for ws in wb.worksheets:
        if ws.title == str(_("Customers")):
            for cell in ws["D"][2:]:
                cell.number_format = "yyyy-mm-dd"
    trend_rows = [
        [
            p.campaign.title,
            p.campaign.period_start,
            p.responded,
            _num(p.overall),
            _num(None if p.rate is None else p.rate * 100),
            _num(p.campaign.target_rate),
        ]
        for p in report.trend
    ]
    ws = table_sheet(
        wb,
        title=_("Trend"),
        columns=[
            _("Campaign"),
            _("From"),
            _("Responded"),
            _("Overall score"),
            _("Satisfaction rate (%)"),
            _("Target rate (%)"),
        ],
        rows=trend_rows,
        widths=[30, 13, 11, 13, 18, 14],
        document=document,
    )
    for cell in ws["B"][2:]:
        cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(wb)


def report_pdf(report) -> bytes:
    html = render_to_string(
        "satisfaction/report_pdf.html",
        {
            "report": report,
            "campaign": report.campaign,
            "charts": charts.report_charts(report),
            "stylesheet": STYLESHEET,
            "company": settings.QMS_COMPANY_NAME,
            "printed": timezone.localtime(),
            "scoring_note": scoring_note(),
            "levels": [(level, level.label) for level in Level],
        },
    )
    return render_pdf(html)
