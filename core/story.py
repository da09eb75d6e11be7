"""Checks that the records tell a coherent story in time, whatever wrote them.

Run over every model of the project's apps after the demo chain (``manage.py load_demo
--check``) and in the tests, so a later change to a seed cannot silently put a CAPA's closure
before its opening or a step before the complaint was received. The rules are generic, read
from field names, so a new model is covered when its fields follow the project's naming:

* **start first**: a record's first event (the first of ``START_FIELDS`` it has) comes before
  every other event it records;
* **pairs**: of two fields named in ``ORDERED_PAIRS`` that a record both has, the first is not
  later than the second (prepared → reviewed → approved → effective, opened → closed, a step
  happened → it was recorded …);
* **nothing happened in the future**: event fields are not later than now (fields that name a
  plan, a deadline or an end are left out: ``FUTURE_ALLOWED``);
* **children after parents**: a record that points to another (a step to its complaint, an
  attendance to its event) is not made before the record it belongs to;
* **history moves forward**: each object's history rows are in time order and none is in the
  future.

A rule that the real world breaks on purpose is listed in ``EXCEPTIONS`` with the reason.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone

#: The first event of a record, by priority: the first of these fields a model has.
START_FIELDS = (
    "received_at",
    "received_on",
    "hire_date",
    "valid_from",
    "start",
    "period_start",
    "prepared_at",
    "opened_at",
    "planned_at",
    "registered_at",
    "created_at",
    "at",
    "acknowledged_at",
    "signed_at",
    "recorded_at",
    "issued_on",
)

#: When a record was made, for "children after parents": the first of these a model has, else
#: its start. (A campaign made in October asks about a period that began in January.)
RECORD_FIELDS = ("created_at", "registered_at", "opened_at", "prepared_at", "planned_at", "recorded_at")

#: Fields that may lie in the future, and are no event: plans, deadlines, ends, validity.
FUTURE_ALLOWED = {
    "due_at",
    "due_date",
    "disposition_due_at",
    "rework_due_at",
    "deadline",
    "valid_to",
    "valid_until",
    "end",
    "leaving_date",
    "effective_date",
    "period_start",
    "period_end",
    "date",
    "last_reminded_on",
}

#: Fields that are no event of the record itself and so are not held against its start.
NOT_EVENTS = FUTURE_ALLOWED | {"hire_date"}

#: (earlier, later) wherever a record has both fields.
ORDERED_PAIRS = (
    ("prepared_at", "reviewed_at"),
    ("reviewed_at", "approved_at"),
    ("prepared_at", "approved_at"),
    ("submitted_at", "approved_at"),
    ("approved_at", "published_at"),
    ("approved_at", "effective_date"),
    ("valid_from", "valid_to"),
    ("start", "end"),
    ("hire_date", "leaving_date"),
    ("period_start", "period_end"),
    ("issued_on", "valid_until"),
    ("created_at", "root_cause_at"),
    ("root_cause_at", "closed_at"),
    ("created_at", "closed_at"),
    ("opened_at", "completed_at"),
    ("created_at", "completed_at"),
    ("planned_at", "verified_at"),
    ("recorded_at", "closed_at"),
    ("validity_decided_at", "contained_at"),
    ("validity_decided_at", "reply_approved_at"),
    ("reply_approved_at", "reply_sent_at"),
    ("implemented_at", "verified_at"),
    ("verified_at", "trained_at"),
    ("first_closed_at", "closed_at"),
    ("closed_at", "archived_at"),
    ("quality_received_at", "inspected_at"),
    ("inspected_at", "disposed_at"),
    ("disposed_at", "reworked_at"),
    ("reworked_at", "redelivered_at"),
    ("redelivered_at", "closed_at"),
    ("confirmed_at", "decided_at"),
    ("decided_at", "booked_at"),
    ("registered_at", "confirmed_at"),
    ("date", "held_at"),
    # A step happened before (or when) it was recorded.
    ("completed_at", "recorded_at"),
    ("at", "recorded_at"),
    ("acknowledged_at", "recorded_at"),
    ("signed_at", "recorded_at"),
    ("confirmed_at", "confirmed_recorded_at"),
    ("decided_at", "decided_recorded_at"),
    ("booked_at", "booked_recorded_at"),
    ("voided_at", "voided_recorded_at"),
    ("held_at", "held_recorded_at"),
    ("cancelled_at", "cancelled_recorded_at"),
    ("result_at", "result_recorded_at"),
)

#: (model label, its field, a later-or-equal path through its relations): what a record does
#: after the record it belongs to was approved, planned or received. Checked where both are set.
AFTER_RELATED = (
    ("training.TrainingEvent", "date", "plan_item__plan__approved_at"),
    ("responsibilities.Acknowledgement", "acknowledged_at", "job_description__approved_at"),
    ("complaints.ComplaintEvent", "at", "complaint__received_at"),
    ("complaints.CapaEvent", "at", "capa__created_at"),
    ("complaints.FollowUpCall", "called_at", "complaint__received_at"),
    ("satisfaction.Response", "received_on", "campaign__created_at"),
    ("satisfaction.Invitation", "emailed_at", "campaign__created_at"),
)

#: (model label, rule name, field) combinations the real world allows, with the reason.
EXCEPTIONS = {
    # A qualification (a welder's certificate) may be earned before the holder joins.
    ("training.Qualification", "parent", "employee"),
    # An employee's login may have existed before the employee record, and a post may point
    # at its superior post that was set up later (a new post above old ones).
    ("org.Post", "parent", "superior"),
    # A complaint's customer and contact may be entered in the register after the first call.
    ("complaints.Complaint", "parent", "customer"),
    ("complaints.Complaint", "parent", "customer_contact"),
    # The standard survey form (version 1) is reference data that ``migrate`` installs on the
    # day the database is made; campaigns of the past, and its later versions, refer to it.
    ("satisfaction.Campaign", "parent", "template"),
    ("satisfaction.SurveyTemplate", "parent", "previous"),
}

PROJECT_APPS = ("org", "responsibilities", "complaints", "training", "satisfaction")


@dataclass(frozen=True)
class Violation:
    model: str
    pk: object
    rule: str
    detail: str

    def __str__(self):
        return f"{self.model} #{self.pk}: {self.rule}: {self.detail}"


def _before(earlier, later):
    """True when ``later`` lies before ``earlier`` (a violation). A datetime compared with a
    date counts as its day in the company's time zone."""
    if earlier is None or later is None:
        return False
    if isinstance(earlier, datetime.datetime) and isinstance(later, datetime.datetime):
        return later < earlier
    if isinstance(earlier, datetime.datetime):
        earlier = timezone.localtime(earlier).date()
    if isinstance(later, datetime.datetime):
        later = timezone.localtime(later).date()
    return later < earlier


def _date_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and not f.name.startswith("history_")
    ]


def _start_field(fields):
    return next((name for name in START_FIELDS if name in fields), None)


def project_models():
    return [
        m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m.__name__.startswith("Historical")
    ]


def check_story(*, now=None) -> list[Violation]:
    """Every violation of the rules above in the database, oldest rule first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    violations = []
    starts = {}
    for model in project_models():
        fields = _date_fields(model)
        if not fields:
            continue
        label = model._meta.label
        start = _start_field(fields)
        starts[model] = next((name for name in RECORD_FIELDS if name in fields), start)
        pairs = [(a, b) for a, b in ORDERED_PAIRS if a in fields and b in fields]
        events = [f for f in fields if f not in NOT_EVENTS]
        for row in model._default_manager.values("pk", *fields).iterator():
            pk = row["pk"]
            if start and row[start] is not None:
                for name in events:
                    if name != start and _before(row[start], row[name]):
                        violations.append(
                            Violation(label, pk, "start first", f"{name} {row[name]} < {start} {row[start]}")
                        )
            for a, b in pairs:
                if _before(row[a], row[b]):
                    violations.append(Violation(label, pk, "pairs", f"{b} {row[b]} < {a} {row[a]}"))
            for name in events:
                value = row[name]
                if value is None:
                    continue
                future = (
                    value > now + datetime.timedelta(minutes=1)
                    if isinstance(value, datetime.datetime)
                    else value > today
                )
                if future:
                    violations.append(Violation(label, pk, "future", f"{name} {value} is after now {now}"))
    violations += _check_parents(starts)
    violations += _check_related()
    violations += _check_history(now)
    return violations


def _check_parents(starts):
    violations = []
    for model, start in starts.items():
        if not start:
            continue
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or (label, "parent", field.name) in EXCEPTIONS:
                continue
            parent = field.related_model
            parent_start = starts.get(parent)
            if not parent_start:
                continue
            rows = model._default_manager.filter(**{f"{field.name}__isnull": False}).values_list(
                "pk", start, f"{field.name}__{parent_start}"
            )
            for pk, child_value, parent_value in rows.iterator():
                if _before(parent_value, child_value):
                    violations.append(
                        Violation(
                            label,
                            pk,
                            "parent",
                            f"{start} {child_value} < {field.name}.{parent_start} {parent_value}",
                        )
                    )
    return violations


def _check_related():
    violations = []
    for label, field, path in AFTER_RELATED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows = model._default_manager.filter(**{f"{field}__isnull": False, f"{path}__isnull": False})
        for pk, value, related in rows.values_list("pk", field, path).iterator():
            if _before(related, value):
                violations.append(Violation(label, pk, "after related", f"{field} {value} < {path} {related}"))
    return violations


def _check_history(now):
    violations = []
    for model in project_models():
        history = getattr(model, "history", None)
        if history is None or not hasattr(history, "model"):
            continue
        label = model._meta.label
        last = {}
        rows = history.model._default_manager.order_by("history_id").values_list("id", "history_id", "history_date")
        for pk, history_id, when in rows.iterator():
            if when > now + datetime.timedelta(minutes=1):
                violations.append(Violation(label, pk, "history", f"row {history_id} dated {when}, after now"))
            previous = last.get(pk)
            if previous and when < previous[1]:
                violations.append(
                    Violation(
                        label, pk, "history", f"row {history_id} dated {when} before row {previous[0]} {previous[1]}"
                    )
                )
            last[pk] = (history_id, when)
    return violations
