"""The monthly complaint summary as Excel and PDF, and the printable follow-up list, built
from ``summary.build_summary`` / ``summary.followup_list`` (the views only wrap the bytes)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.pdf import STATIC_SCHEME, render_pdf
from core.spreadsheet import new_workbook, table_sheet, workbook_bytes

from .summary import Summary, pareto_svg

STYLESHEET = f"{STATIC_SCHEME}css/complaints-summary-print.css"


def _hours(value):
    return "" if value is None else value


def _rate(value):
    return "" if value is None else value / 100


def summary_xlsx(summary: Summary) -> bytes:
    """One workbook: key figures, by customer, by product, Pareto of defect categories,
    deadlines, overdue complaints, returns and claims; every sheet print-ready."""
    wb = new_workbook()
    title = _("Complaint summary %(period)s") % {"period": summary.period.label}
    document = _("Complaint summary")
    figures = [
        (_("Complaints received"), summary.total),
        (_("Voided (not counted)"), summary.voided),
        (pgettext("complaint validity", "Valid"), summary.validity["valid"]),
        (_("Not valid"), summary.validity["not_valid"]),
        (_("Validity not yet decided"), summary.validity["undecided"]),
        (_("Urgent"), summary.by_severity["urgent"]),
        (_("Normal"), summary.by_severity["normal"]),
        (_("Still open"), summary.open_count),
        (_("Overdue now"), summary.overdue_count),
        (_("Mean hours to first handling"), _hours(summary.mean_first_handling_hours)),
        (_("Complaints handled"), summary.first_handled_count),
        (_("Mean hours to final closure"), _hours(summary.mean_closure_hours)),
        (_("Complaints finally closed"), summary.closed_count),
        (_("Reopened at least once"), summary.reopened_count),
        (_("Returns"), summary.returns["count"]),
        (_("Returned quantity"), summary.returns["received_qty"]),
        (_("Claims"), summary.claims["count"]),
        (_("Amount claimed (CNY)"), summary.claims["claimed"]),
        (_("Amount approved (CNY)"), summary.claims["accepted"]),
        (_("Amount booked (CNY)"), summary.claims["booked"]),
    ]
    ws = table_sheet(
        wb,
        title=title,
        columns=[_("Figure"), _("Value")],
        rows=[(str(label), value) for label, value in figures],
        widths=[36, 16],
        document=document,
    )
    ws.title = str(_("Overview"))[:31]
    for label, rows in ((_("By customer"), summary.by_customer), (_("By product"), summary.by_product)):
        table_sheet(
            wb,
            title=f"{label} {summary.period.label}",
            columns=[label, _("Complaints"), _("Share %")],
            rows=[(r["label"], r["count"], r["share"]) for r in rows],
            widths=[40, 14, 12],
            document=document,
        ).title = str(label)[:31]
    table_sheet(
        wb,
        title=f"{_('Defect categories (Pareto)')} {summary.period.label}",
        columns=[_("Defect category"), _("Complaints"), _("Share %"), _("Cumulative %")],
        rows=[(r["label"], r["count"], r["share"], r["cumulative"]) for r in summary.pareto],
        widths=[32, 14, 12, 14],
        document=document,
    ).title = str(_("Pareto"))[:31]
    ws = table_sheet(
        wb,
        title=f"{_('On-time rate of each deadline')} {summary.period.label}",
        columns=[
            _("Deadline"),
            _("Measured"),
            _("On time"),
            _("Late"),
            _("Open, overdue"),
            _("Open"),
            _("On-time rate"),
        ],
        rows=[
            (str(d["label"]), d["measured"], d["on_time"], d["late"], d["open_overdue"], d["open"], _rate(d["rate"]))
            for d in summary.deadlines
        ],
        widths=[40, 11, 11, 11, 14, 11, 14],
        document=document,
    )
    ws.title = str(_("Deadlines"))[:31]
    for row in ws.iter_rows(min_row=3, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "0.0%"
    table_sheet(
        wb,
        title=f"{_('Overdue complaints')} {summary.period.label}",
        columns=[_("Number"), _("Customer"), _("Product / model"), _("Status"), _("Due"), _("Owner in quality")],
        rows=[
            (
                c.number,
                c.customer.name,
                c.product,
                c.get_status_display(),
                c.current_due_at or "",
                (c.quality_owner.get_full_name() or c.quality_owner.username) if c.quality_owner else "",
            )
            for c in summary.overdue
        ],
        widths=[18, 28, 28, 26, 18, 18],
        document=document,
    ).title = str(_("Overdue"))[:31]
    r, c = summary.returns, summary.claims
    table_sheet(
        wb,
        title=f"{_('Returns and claims')} {summary.period.label}",
        columns=[_("Figure"), _("Value")],
        rows=[
            (_("Returns received"), r["count"]),
            (_("Returns still open"), r["open"]),
            (_("Quantity received"), r["received_qty"]),
            (_("Quantity OK at inspection"), r["ok_qty"]),
            (_("Quantity NG at inspection"), r["ng_qty"]),
            (_("Quantity reworked"), r["reworked_qty"]),
            (_("Quantity scrapped (MRB)"), r["scrap_qty"]),
            (_("Quantity re-delivered"), r["redelivered_qty"]),
            (_("Of which replacement"), r["replacement_qty"]),
            (_("Claims registered"), c["count"]),
            (_("Claims open"), c["open"]),
            (_("Claims rejected"), c["rejected"]),
            (_("Amount claimed (CNY)"), c["claimed"]),
            (_("Amount approved (CNY)"), c["accepted"]),
            (_("Amount booked (CNY)"), c["booked"]),
        ],
        widths=[36, 16],
        document=document,
    ).title = str(_("Returns and claims"))[:31]
    return workbook_bytes(wb)


def summary_context(summary: Summary) -> dict:
    return {
        "summary": summary,
        "pareto_svg": pareto_svg(summary.pareto, title=_("Pareto of defect categories")),
        "company": settings.QMS_COMPANY_NAME,
        "printed_at": timezone.localtime(),
        "stylesheet": STYLESHEET,
    }


def summary_pdf(summary: Summary) -> bytes:
    return render_pdf(render_to_string("complaints/summary_pdf.html", summary_context(summary)))


def followup_pdf(rows: dict, period) -> bytes:
    html = render_to_string(
        "complaints/followup_pdf.html",
        {
            "rows": rows,
            "period": period,
            "company": settings.QMS_COMPANY_NAME,
            "printed_at": timezone.localtime(),
            "stylesheet": STYLESHEET,
        },
    )
    return render_pdf(html)
