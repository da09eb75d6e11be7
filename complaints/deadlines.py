"""Deadlines of the complaint procedure: the default table, due times and on-time figures.

All deadlines are calendar hours counted from an event (``DeadlineRule``); the datetimes are
aware and shown in ``settings.TIME_ZONE``. Adding hours to an aware datetime is exact, so the
company's time zone only matters for display and for month boundaries.
"""

import datetime

from django.utils import timezone

from .choices import DeadlineStep, Severity, StartEvent

D, E = DeadlineStep, StartEvent

#: step, start event, hours urgent, hours normal, note. The first six rows are seed 002's
#: table; the others are company defaults so that every step has a due time.
DEFAULT_RULES = [
    (D.ANALYSIS, E.RECEIPT, 12, 12, "seed 002 4.2.4.2"),
    (D.FIRST_HANDLING, E.RECEIPT, 48, 168, "urgent 2 days, normal 7 days"),
    (D.CONTAINMENT, E.VALIDITY_DECISION, 24, 24, "seed 002 4.2.4.3"),
    (D.REPLY, E.VALIDITY_DECISION, 48, 48, "seed 002 4.2.4.8.1"),
    (D.RETURN_DISPOSITION, E.RETURN_RECEIVED, 12, 12, "seed 002 4.3.3"),
    (D.REWORK, E.DISPOSITION, 24, 24, "seed 002 4.3.1.6"),
    (D.HANDOVER, E.RECEIPT, 2, 4, ""),
    (D.ROOT_CAUSE, E.VALIDITY_DECISION, 48, 48, "needed before the reply"),
    (D.IMPLEMENTATION, E.REPLY_SENT, 168, 336, ""),
    (D.VERIFICATION, E.IMPLEMENTED, 168, 336, ""),
    (D.TRAINING, E.VERIFIED, 168, 168, ""),
    (D.CLOSURE, E.TRAINED, 48, 72, ""),
    (D.FOLLOW_UP, E.CLOSED, 168, 336, ""),
    (D.CUSTOMER_CONFIRMATION, E.VALIDITY_DECISION, 168, 168, ""),
]

#: The deadlines the monthly summary reports on, with the complaint fields that start and
#: end them: deadline step → (start field, end field). The services store in these fields when
#: the step happened, not when it was typed in, so a step recorded late counts by its real time.
MEASURED = {
    D.ANALYSIS: ("received_at", "validity_decided_at"),
    D.FIRST_HANDLING: ("received_at", "first_handled_at"),
    D.CONTAINMENT: ("validity_decided_at", "contained_at"),
    D.REPLY: ("validity_decided_at", "reply_sent_at"),
}


def load_default_rules(rule_model) -> int:
    """Create the default rules that are missing (used by the data migration); returns the count."""
    created = 0
    for step, start, urgent, normal, note in DEFAULT_RULES:
        _rule, made = rule_model.objects.get_or_create(
            step=step.value,
            defaults={"start_event": start.value, "hours_urgent": urgent, "hours_normal": normal, "note": note},
        )
        created += made
    return created


def rules() -> dict:
    """{step value: DeadlineRule} (one query)."""
    from .models import DeadlineRule

    return {rule.step: rule for rule in DeadlineRule.objects.all()}


def hours_for(step, severity, rule_table=None) -> int | None:
    table = rule_table if rule_table is not None else rules()
    rule = table.get(str(step))
    return rule.hours_for(severity) if rule else None


def due_at(step, severity, start: datetime.datetime | None, rule_table=None) -> datetime.datetime | None:
    """When ``step`` is due for a complaint of ``severity`` whose start event happened at ``start``."""
    if start is None:
        return None
    hours = hours_for(step, severity, rule_table)
    return start + datetime.timedelta(hours=hours) if hours else None


def deadline_outcomes(complaints_qs, *, now=None) -> dict:
    """On-time figures for each measured deadline (``MEASURED``) over ``complaints_qs``.

    For each deadline step value returns a dict with ``label``, ``measured`` (complaints whose
    start event happened), ``on_time`` (done by the due time), ``late`` (done after it),
    ``open_overdue`` (not done and past due), ``open`` (not done, not yet due) and ``rate``
    (on_time / (on_time + late + open_overdue) in per cent, ``None`` when nothing counted).
    A complaint judged not valid counts for the analysis and first-handling deadlines only;
    void complaints are left out. Two queries, whatever the number of complaints.
    """
    from .choices import ComplaintStatus

    now = now or timezone.now()
    table = rules()
    fields = {"severity", "is_valid", "status"}
    for start, end in MEASURED.values():
        fields |= {start, end}
    result = {
        step.value: {"label": step.label, "measured": 0, "on_time": 0, "late": 0, "open_overdue": 0, "open": 0}
        for step in MEASURED
    }
    for row in complaints_qs.exclude(status=ComplaintStatus.VOID).values(*sorted(fields)).iterator():
        for step, (start_field, end_field) in MEASURED.items():
            if step in (D.CONTAINMENT, D.REPLY) and row["is_valid"] is False:
                continue
            start = row[start_field]
            due = due_at(step, row["severity"] or Severity.NORMAL, start, table)
            if due is None:
                continue
            bucket = result[step.value]
            bucket["measured"] += 1
            done = row[end_field]
            if done is not None:
                bucket["on_time" if done <= due else "late"] += 1
            elif now > due:
                bucket["open_overdue"] += 1
            else:
                bucket["open"] += 1
    for bucket in result.values():
        counted = bucket["on_time"] + bucket["late"] + bucket["open_overdue"]
        bucket["rate"] = round(bucket["on_time"] * 100 / counted, 1) if counted else None
    return result


def is_overdue(due: datetime.datetime | None, done: datetime.datetime | None = None, now=None) -> bool:
    if due is None:
        return False
    return (done or now or timezone.now()) > due
