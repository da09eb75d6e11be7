"""The deadline table: seed defaults, due times per severity, on-time outcomes, editing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import deadlines
from complaints.choices import DeadlineStep, Severity, StepKind
from complaints.models import Complaint, DeadlineRule

from .conftest import advance, register

pytestmark = pytest.mark.django_db


def test_defaults_from_seed_002_are_loaded():
    rules = {r.step: (r.start_event, r.hours_urgent, r.hours_normal) for r in DeadlineRule.objects.all()}
    assert rules["analysis"] == ("receipt", 12, 12)
    assert rules["first_handling"] == ("receipt", 48, 168)
    assert rules["containment"] == ("validity_decision", 24, 24)
    assert rules["reply"] == ("validity_decision", 48, 48)
    assert rules["return_disposition"] == ("return_received", 12, 12)
    assert rules["rework"] == ("disposition", 24, 24)


def test_due_at_uses_the_severity():
    start = timezone.now()
    assert deadlines.due_at(DeadlineStep.FIRST_HANDLING, Severity.URGENT, start) == start + datetime.timedelta(hours=48)
    assert deadlines.due_at(DeadlineStep.FIRST_HANDLING, Severity.NORMAL, start) == start + datetime.timedelta(
        hours=168
    )
    assert deadlines.due_at(DeadlineStep.ANALYSIS, Severity.NORMAL, None) is None


def test_a_changed_rule_applies_to_steps_opened_later(cx):
    DeadlineRule.objects.filter(step="analysis").update(hours_normal=6)
    complaint = register(cx)
    advance(cx, complaint, "analysis")
    step = complaint.steps.get(kind=StepKind.ANALYSIS)
    assert step.due_at == complaint.received_at + datetime.timedelta(hours=6)


def test_deadline_outcomes_against_hand_computed_figures(cx):
    now = timezone.now()
    received = now - datetime.timedelta(days=5)
    on_time = register(cx, received_at=received)
    advance(cx, on_time, "reply_draft")
    late = register(cx, received_at=received)
    advance(cx, late, "analysis")
    # Make the first judged 2 h after receipt (on time) and the second 20 h after (late);
    # a third still waits for its analysis, 5 days after receipt (open and overdue).
    Complaint.objects.filter(pk=on_time.pk).update(
        validity_decided_at=received + datetime.timedelta(hours=2),
        first_handled_at=received + datetime.timedelta(hours=10),
        contained_at=received + datetime.timedelta(hours=30),
    )
    Complaint.objects.filter(pk=late.pk).update(validity_decided_at=received + datetime.timedelta(hours=20))
    register(cx, received_at=received)
    fresh = register(cx, received_at=now - datetime.timedelta(hours=1))
    outcomes = deadlines.deadline_outcomes(Complaint.objects.all(), now=now)
    assert outcomes["analysis"] == {
        "label": DeadlineStep.ANALYSIS.label,
        "measured": 4,
        "on_time": 1,
        "late": 1,
        "open_overdue": 1,
        "open": 1,
        "rate": round(100 / 3, 1),
    }
    assert outcomes["containment"]["measured"] == 2
    assert outcomes["containment"]["late"] == 1  # 28 h after the decision, 24 h allowed
    assert outcomes["containment"]["open_overdue"] == 1
    assert outcomes["first_handling"]["on_time"] == 1
    assert fresh.pk


def test_outcomes_take_two_queries(cx, django_assert_num_queries):
    for _ in range(5):
        register(cx)
    with django_assert_num_queries(2):
        deadlines.deadline_outcomes(Complaint.objects.all())


def test_quality_manager_edits_deadlines_others_read(client, cx):
    url = reverse("complaints:deadlines")
    rules = list(DeadlineRule.objects.order_by("pk"))
    data = {"form-TOTAL_FORMS": str(len(rules)), "form-INITIAL_FORMS": str(len(rules))}
    for i, rule in enumerate(rules):
        data[f"form-{i}-id"] = rule.pk
        data[f"form-{i}-hours_urgent"] = rule.hours_urgent
        data[f"form-{i}-hours_normal"] = 10 if rule.step == "analysis" else rule.hours_normal
    client.force_login(cx.qa)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    assert DeadlineRule.objects.get(step="analysis").hours_normal == 12
    client.force_login(cx.qm)
    assert client.post(url, data).status_code == 302
    rule = DeadlineRule.objects.get(step="analysis")
    assert rule.hours_normal == 10 and rule.history.first().history_user == cx.qm
    data["form-0-hours_urgent"] = "0"
    assert client.post(url, data).status_code == 400
