"""The monthly complaint summary (客户投诉月度汇总, seed 002 4.2.4.10) for any date range.

``build_summary(user, start, end)`` returns every figure of the summary page, its Excel
workbook and its PDF, in a constant number of queries whatever the number of complaints:

* complaints received in the period, by customer, product and defect category (a Pareto
  table: count, share, cumulative share), valid / not valid / not yet decided, by severity;
* on-time rate of each measured deadline (``deadlines.deadline_outcomes``) and of the two
  return deadlines (disposition plan, rework);
* open and overdue items now, among the complaints of the period;
* mean hours from receipt to first handling, and from receipt to final closure; a complaint
  reopened after a closure counts by its final closure and not at all while it is open again;
* returns received in the period (count, quantities) and claims whose claim date lies in it
  (count, amounts claimed, accepted and booked).

Only complaints the user may see are counted (quality, auditors and administrators see all of
them, and so does the general manager here); voided complaints are left out of every figure
but their own count. Returns and claims follow the complaints they belong to (a claim without a
complaint counts for those who may see it).
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from org.choices import Role
from org.permissions import has_role

from .choices import COMPLAINT_CLOSED, ComplaintStatus, DeadlineStep, DefectCategory, Severity
from .deadlines import deadline_outcomes
from .models import Complaint, CustomerReturn
from .models.claims import ClaimStatus
from .models.returns import ReturnStatus
from .returns_claims_selectors import visible_claims
from .selectors import visible_complaints, with_current_step

#: Complaints of a period that are still being worked on.
FINISHED = (*COMPLAINT_CLOSED, ComplaintStatus.VOID)
#: How many overdue complaints the summary lists by name.
OVERDUE_LISTED = 50


class PeriodError(ValueError):
    """The period given in the query string cannot be read."""


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    month: str = ""  # "YYYY-MM" when the period is one calendar month

    @property
    def label(self):
        return self.month or f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def slug(self):
        return self.month or f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def bounds(self):
        """Aware datetimes [start, end) in the company's time zone."""
        tz = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return first, after

    def querystring(self):
        if self.month:
            return f"month={self.month}"
        return f"from={self.start:%Y-%m-%d}&to={self.end:%Y-%m-%d}"


def month_period(text: str) -> Period:
    try:
        year, month = (int(part) for part in text.split("-"))
        first = datetime.date(year, month, 1)
    except (ValueError, TypeError):
        raise PeriodError(_("Give the month as YYYY-MM.")) from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return Period(first, last, f"{first:%Y-%m}")


def period_from_query(params) -> Period:
    """``?month=YYYY-MM`` or ``?from=YYYY-MM-DD&to=YYYY-MM-DD``; the current month by default."""
    if params.get("from") or params.get("to"):
        try:
            start = datetime.date.fromisoformat(params.get("from", ""))
            end = datetime.date.fromisoformat(params.get("to", ""))
        except ValueError:
            raise PeriodError(_("Give both dates as YYYY-MM-DD.")) from None
        if end < start:
            raise PeriodError(_("The end date lies before the start date."))
        if (end - start).days > 3 * 366:
            raise PeriodError(_("Choose a period of at most three years."))
        return Period(start, end)
    month = params.get("month")
    if month:
        return month_period(month)
    return month_period(f"{timezone.localdate():%Y-%m}")


def summary_complaints(user):
    """The complaints whose figures ``user`` may see."""
    if has_role(user, Role.GENERAL_MANAGER):
        return Complaint.objects.all()
    return visible_complaints(user)


def may_see_summary(user) -> bool:
    from . import permissions

    return user.is_authenticated and (permissions.can_use_complaints(user) or has_role(user, Role.GENERAL_MANAGER))


@dataclass
class Summary:
    period: Period
    total: int = 0
    voided: int = 0
    by_customer: list = field(default_factory=list)
    by_product: list = field(default_factory=list)
    pareto: list = field(default_factory=list)
    validity: dict = field(default_factory=dict)
    by_severity: dict = field(default_factory=dict)
    deadlines: list = field(default_factory=list)
    open_count: int = 0
    overdue_count: int = 0
    overdue: list = field(default_factory=list)
    mean_first_handling_hours: float | None = None
    first_handled_count: int = 0
    mean_closure_hours: float | None = None
    closed_count: int = 0
    reopened_count: int = 0
    returns: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    generated_at: datetime.datetime = field(default_factory=timezone.now)


def _rows(qs, key, label_of=None):
    """[{"label", "count", "share"}] sorted by count, largest first, then by label."""
    counts = list(qs.values(key).annotate(n=Count("pk")).order_by("-n", key))
    total = sum(row["n"] for row in counts) or 1
    return [
        {
            "key": row[key],
            "label": label_of(row[key]) if label_of else row[key],
            "count": row["n"],
            "share": round(row["n"] * 100 / total, 1),
        }
        for row in counts
    ]


def pareto_rows(rows):
    """Add the cumulative share to rows already sorted by count, largest first."""
    total = sum(r["count"] for r in rows)
    running = 0
    result = []
    for row in rows:
        running += row["count"]
        result.append({**row, "cumulative": round(running * 100 / total, 1) if total else 0.0})
    return result


def _hours(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 3600


def _mean_hours(pairs):
    spans = [_hours(end - start) for start, end in pairs if start and end and end >= start]
    return (round(sum(spans) / len(spans), 1) if spans else None), len(spans)


def _rate(on_time, counted):
    return round(on_time * 100 / counted, 1) if counted else None


def _return_deadlines(returns, now):
    """On-time figures of the return disposition plan and the rework (same shape as
    ``deadline_outcomes``)."""
    result = {}
    specs = (
        (DeadlineStep.RETURN_DISPOSITION, "disposition_due_at", "disposed_at"),
        (DeadlineStep.REWORK, "rework_due_at", "reworked_at"),
    )
    for step, due_field, done_field in specs:
        bucket = {"label": step.label, "measured": 0, "on_time": 0, "late": 0, "open_overdue": 0, "open": 0}
        for row in returns:
            due, done = row[due_field], row[done_field]
            if due is None or row["status"] == ReturnStatus.VOIDED:
                continue
            bucket["measured"] += 1
            if done is not None:
                bucket["on_time" if done <= due else "late"] += 1
            elif now > due:
                bucket["open_overdue"] += 1
            else:
                bucket["open"] += 1
        bucket["rate"] = _rate(bucket["on_time"], bucket["on_time"] + bucket["late"] + bucket["open_overdue"])
        result[step.value] = bucket
    return result


def build_summary(user, period: Period, *, now=None) -> Summary:
    """Every figure of the summary of ``period`` over the complaints ``user`` may see."""
    now = now or timezone.now()
    first, after = period.bounds()
    in_period = summary_complaints(user).filter(received_at__gte=first, received_at__lt=after)
    counted = in_period.exclude(status=ComplaintStatus.VOID)
    summary = Summary(period=period, generated_at=now)

    # 1 query: every per-complaint field the figures below need.
    rows = list(
        with_current_step(counted).values(
            "pk",
            "status",
            "is_valid",
            "severity",
            "received_at",
            "first_handled_at",
            "closed_at",
            "reopen_count",
            "overdue",
        )
    )
    summary.total = len(rows)
    summary.voided = in_period.filter(status=ComplaintStatus.VOID).count()

    customers = _rows(counted, "customer__name")
    summary.by_customer = customers
    summary.by_product = _rows(counted, "product")
    categories = dict(DefectCategory.choices)
    summary.pareto = pareto_rows(_rows(counted, "defect_category", lambda v: str(categories.get(v, v))))

    summary.validity = {
        "valid": sum(1 for r in rows if r["is_valid"] is True),
        "not_valid": sum(1 for r in rows if r["is_valid"] is False),
        "undecided": sum(1 for r in rows if r["is_valid"] is None),
    }
    summary.by_severity = {
        "urgent": sum(1 for r in rows if r["severity"] == Severity.URGENT),
        "normal": sum(1 for r in rows if r["severity"] != Severity.URGENT),
    }

    open_rows = [r for r in rows if r["status"] not in FINISHED]
    summary.open_count = len(open_rows)
    overdue_ids = [r["pk"] for r in open_rows if r["overdue"]]
    summary.overdue_count = len(overdue_ids)
    summary.overdue = list(
        with_current_step(Complaint.objects.filter(pk__in=overdue_ids[:OVERDUE_LISTED]))
        .select_related("customer", "quality_owner")
        .order_by("current_due_at", "pk")
    )

    summary.mean_first_handling_hours, summary.first_handled_count = _mean_hours(
        (r["received_at"], r["first_handled_at"]) for r in rows
    )
    # Final closure only: a complaint reopened and still open has no final closure yet.
    summary.mean_closure_hours, summary.closed_count = _mean_hours(
        (r["received_at"], r["closed_at"]) for r in rows if r["status"] in COMPLAINT_CLOSED
    )
    summary.reopened_count = sum(1 for r in rows if r["reopen_count"])

    outcomes = deadline_outcomes(counted, now=now)
    returns_qs = CustomerReturn.objects.filter(
        complaint__in=summary_complaints(user), received_at__gte=first, received_at__lt=after
    )
    return_rows = list(
        returns_qs.values(
            "status",
            "received_qty",
            "ok_qty",
            "ng_qty",
            "scrap_qty",
            "rework_qty",
            "redelivered_qty",
            "replacement_qty",
            "disposition_due_at",
            "disposed_at",
            "rework_due_at",
            "reworked_at",
        )
    )
    outcomes.update(_return_deadlines(return_rows, now))
    summary.deadlines = [{"step": step, **values} for step, values in outcomes.items()]

    live = [r for r in return_rows if r["status"] != ReturnStatus.VOIDED]
    summary.returns = {
        "count": len(live),
        "open": sum(1 for r in live if r["status"] != ReturnStatus.CLOSED),
        "received_qty": sum(r["received_qty"] for r in live),
        "ok_qty": sum(r["ok_qty"] or 0 for r in live),
        "ng_qty": sum(r["ng_qty"] or 0 for r in live),
        "reworked_qty": sum(r["rework_qty"] or 0 for r in live),
        "scrap_qty": sum(r["scrap_qty"] or 0 for r in live),
        "redelivered_qty": sum(r["redelivered_qty"] or 0 for r in live),
        "replacement_qty": sum(r["replacement_qty"] or 0 for r in live),
    }

    # Claims the user may see, of complaints counted here (or of no complaint, e.g. a delivery claim),
    # by their claim date: a claim raised in the period counts in it even if typed in later.
    claims = (
        visible_claims(user)
        .filter(received_on__gte=period.start, received_on__lte=period.end)
        .filter(Q(complaint__isnull=True) | Q(complaint__in=summary_complaints(user)))
        .exclude(status=ClaimStatus.VOIDED)
    )
    zero = Decimal("0.00")
    totals = claims.aggregate(
        count=Count("pk"),
        claimed=Sum("amount"),
        accepted=Sum("accepted_amount", filter=Q(status__in=(ClaimStatus.APPROVED, ClaimStatus.BOOKED))),
        booked=Sum("accepted_amount", filter=Q(status=ClaimStatus.BOOKED)),
        rejected=Count("pk", filter=Q(status=ClaimStatus.REJECTED)),
        open=Count(
            "pk",
            filter=Q(
                status__in=(
                    ClaimStatus.REGISTERED,
                    ClaimStatus.CONFIRMED,
                    ClaimStatus.COUNTERSIGNED,
                    ClaimStatus.APPROVED,
                )
            ),
        ),
    )
    summary.claims = {k: (v if v is not None else zero) for k, v in totals.items()}
    return summary


# Pareto chart ---------------------------------------------------------------------------------


def pareto_svg(rows, *, width=640, height=300, title="") -> str:
    """A Pareto chart as inline SVG: a bar per category (count, largest first) and the
    cumulative share as a line with its own 0–100 % axis on the right. Labels are escaped."""
    left, right, top, bottom = 60, 44, 16, 80
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pareto" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px;height:auto" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{escape(title)}">'
    ]
    if not rows:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="13" fill="#666">'
            f"{escape(_('No complaints in this period.'))}</text></svg>"
        )
        return "".join(parts)
    peak = max(r["count"] for r in rows)
    step = plot_w / len(rows)
    bar_w = step * 0.62
    axis = 'stroke="#888" stroke-width="1"'
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" {axis}/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" {axis}/>')
    parts.append(f'<line x1="{left + plot_w}" y1="{top}" x2="{left + plot_w}" y2="{top + plot_h}" {axis}/>')
    for tick in range(0, 101, 25):
        y = top + plot_h - plot_h * tick / 100
        parts.append(
            f'<text x="{left + plot_w + 4}" y="{y + 4:.1f}" font-size="10" fill="#b35c00">{tick}%</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e5e5" stroke-width="1"/>'
        )
        if peak * tick % 100 == 0:  # counts are whole numbers: label only the grid lines that fall on one
            parts.append(
                f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#444">'
                f"{peak * tick // 100}</text>"
            )
    points = []
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        h = plot_h * row["count"] / peak
        y = top + plot_h - h
        full = str(row["label"])
        label = escape(full)
        short = escape(full if len(full) <= 12 else full[:11] + "…")
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#3b6ea5">'
            f"<title>{label}: {row['count']}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{row["count"]}</text>'
        )
        cx = left + i * step + step / 2
        cy = top + plot_h - plot_h * row["cumulative"] / 100
        points.append(f"{cx:.1f},{cy:.1f}")
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 12}" font-size="10" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 12})">{short}</text>'
        )
    parts.append(
        f'<polyline class="cumulative" points="{" ".join(points)}" fill="none" stroke="#d9822b" stroke-width="2"/>'
    )
    for point in points:
        x, y = point.split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#d9822b"/>')
    parts.append("</svg>")
    return "".join(parts)


# Follow-up list -------------------------------------------------------------------------------


def followup_list(user, period: Period | None = None, *, now=None):
    """The complaint follow-up list (客户投诉记录跟进清单 / 回访): closed complaints awaiting
    their follow-up call, with the call's due time, and, for ``period``, the complaints
    called in it with the outcome. Three queries (rules, complaints, calls)."""
    from .choices import FollowUpOutcome
    from .deadlines import due_at, rules
    from .models import FollowUpCall

    now = now or timezone.now()
    base = summary_complaints(user).select_related("customer", "customer_contact", "quality_owner")
    table = rules()
    awaiting = []
    for complaint in base.filter(status=ComplaintStatus.CLOSED).order_by("closed_at", "pk"):
        due = due_at(DeadlineStep.FOLLOW_UP, complaint.severity, complaint.closed_at, table)
        awaiting.append({"complaint": complaint, "due": due, "overdue": bool(due and now > due)})
    called = []
    if period is not None:
        first, after = period.bounds()
        calls = (
            FollowUpCall.objects.filter(complaint__in=base.values("pk"), called_at__gte=first, called_at__lt=after)
            .select_related("complaint__customer", "complaint__customer_contact", "called_by")
            .order_by("called_at", "pk")
        )
        called = [
            {"call": call, "complaint": call.complaint, "unhappy": call.outcome == FollowUpOutcome.UNHAPPY}
            for call in calls
        ]
    return {"awaiting": awaiting, "called": called}
