"""The complaint workflow service: every move, its role and state checks, timestamps, steps."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import services
from complaints.choices import (
    COMPLAINT_TRANSITIONS,
    INVESTIGATION_STATES,
    ComplaintStatus,
    FollowUpOutcome,
    Severity,
    StepKind,
)
from complaints.models import Complaint, ComplaintEvent
from complaints.signals import training_required
from core.errors import DomainError

from .conftest import advance, pdf_upload, register

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def snapshot(complaint):
    complaint.refresh_from_db()
    return (
        complaint.status,
        complaint.steps.count(),
        complaint.events.count(),
        complaint.history.count(),
        complaint.capas.count(),
    )


def test_register_numbers_complaints_and_opens_the_hand_over_step(cx):
    first = register(cx)
    second = register(cx)
    year = timezone.localtime(first.received_at).year
    assert first.number == f"CC-{year}-0001"
    assert second.number == f"CC-{year}-0002"
    assert first.registering_department == cx.sd
    assert first.defect_rate == pytest.approx(2.5)
    step = first.steps.get()
    assert step.kind == StepKind.HANDOVER and step.assignee == cx.sales
    assert first.history.first().history_user == cx.sales


def test_only_sales_register_complaints(cx):
    with pytest.raises(DomainError):
        services.complaint_register(
            actor=cx.qa,
            received_at=timezone.now(),
            channel="email",
            customer=cx.customer,
            product="X",
            defect_category="dimension",
            description="d",
        )
    assert not Complaint.objects.exists()


def test_defective_quantity_above_quantity_is_refused(cx):
    with pytest.raises(ValidationError):
        register(cx, quantity=10, defective_quantity=11)
    assert not Complaint.objects.exists()


def test_full_valid_path_records_every_timestamp_and_step(cx, make_complaint, django_capture_on_commit_callbacks):
    complaint = register(cx, severity=Severity.URGENT)
    received = []
    training_required.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="test-training")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            complaint = advance(cx, complaint, "closed")
    finally:
        training_required.disconnect(dispatch_uid="test-training")
    assert complaint.status == S.CLOSED
    assert complaint.quality_owner == cx.qa
    for field in (
        "handed_over_at",
        "validity_decided_at",
        "first_handled_at",
        "contained_at",
        "reply_approved_at",
        "reply_sent_at",
        "implemented_at",
        "verified_at",
        "trained_at",
        "closed_at",
        "first_closed_at",
    ):
        assert getattr(complaint, field) is not None, field
    assert complaint.capas.count() == 1
    capa = complaint.capas.get()
    assert list(capa.complaints.all()) == [complaint]
    assert complaint.reply_approved_by == cx.qm
    # The training step was recorded and announced once, with the contract's kwargs.
    assert complaint.trainings.get().department == cx.tree.prod
    assert len(received) == 1
    assert received[0]["source"] == complaint and received[0]["department"] == cx.tree.prod
    assert (
        received[0]["topic"] == "夹具点检新要求" and received[0]["actor"] == cx.qa and received[0]["due_date"] is None
    )
    # Every step was completed; the follow-up call is open for the first contact.
    open_steps = list(complaint.steps.filter(completed_at__isnull=True))
    assert [s.kind for s in open_steps] == [StepKind.FOLLOW_UP]
    assert open_steps[0].assignee == cx.sales
    # Deadlines from the rule table: urgent analysis 12 h after receipt, containment 24 h after the decision.
    analysis = complaint.steps.get(kind=StepKind.ANALYSIS)
    assert analysis.due_at == complaint.received_at + datetime.timedelta(hours=12)
    containment = complaint.steps.get(kind=StepKind.CONTAINMENT)
    assert containment.due_at == complaint.validity_decided_at + datetime.timedelta(hours=24)
    assert complaint.events.filter(action="closed", actor=cx.qm).exists()


def test_not_valid_closes_only_with_written_confirmation(cx, make_complaint):
    complaint = make_complaint("analysis")
    services.complaint_decide_validity(actor=cx.qa, complaint=complaint, valid=False, reasoning="客户使用方法不当")
    complaint.refresh_from_db()
    assert complaint.status == S.NOT_VALID
    assert complaint.first_handled_at == complaint.validity_decided_at
    with pytest.raises(ValidationError):
        services.complaint_confirm_not_valid(actor=cx.qa, complaint=complaint, confirmation=None)
    complaint.refresh_from_db()
    assert complaint.status == S.NOT_VALID
    services.complaint_confirm_not_valid(actor=cx.sales, complaint=complaint, confirmation=pdf_upload())
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED and complaint.closed_at
    assert complaint.attachments.get().kind == "customer_confirmation"


def test_no_capa_decision_needs_the_quality_manager(cx, make_complaint):
    complaint = make_complaint("capa_decision")
    services.complaint_propose_no_capa(actor=cx.qa, complaint=complaint, reasoning="单件偶发，风险低")
    before = snapshot(complaint)
    with pytest.raises(DomainError):
        services.complaint_decide_no_capa(actor=cx.qa, complaint=complaint, approve=True)
    assert snapshot(complaint) == before
    services.complaint_decide_no_capa(actor=cx.qm, complaint=complaint, approve=True)
    complaint.refresh_from_db()
    assert complaint.status == S.REPLY_DRAFT
    assert complaint.no_capa_approved_by == cx.qm and not complaint.capas.exists()


def test_link_existing_capa_to_several_complaints(cx, make_complaint, make_capa):
    capa = make_capa()
    a = make_complaint("capa_decision")
    b = make_complaint("capa_decision")
    services.complaint_link_capa(actor=cx.qa, complaint=a, capa=capa)
    services.complaint_link_capa(actor=cx.qa, complaint=b, capa=capa)
    assert set(capa.complaints.all()) == {a, b}
    assert list(a.capas.all()) == [capa]


def test_reply_returned_goes_back_to_drafting(cx, make_complaint):
    complaint = make_complaint("reply_approval")
    with pytest.raises(ValidationError):
        services.complaint_decide_reply(actor=cx.qm, complaint=complaint, approve=False, comment="")
    services.complaint_decide_reply(actor=cx.qm, complaint=complaint, approve=False, comment="补充围堵数量")
    complaint.refresh_from_db()
    assert complaint.status == S.REPLY_DRAFT and complaint.reply_approved_at is None


def test_not_effective_goes_back_to_implementation(cx, make_complaint):
    complaint = make_complaint("verification")
    services.complaint_verify(actor=cx.qa, complaint=complaint, effective=False, result="仍有不良")
    complaint.refresh_from_db()
    assert complaint.status == S.IMPLEMENTATION and complaint.verified_at is None


def test_unhappy_follow_up_reopens_and_final_closure_counts(cx, make_complaint):
    complaint = make_complaint("closed")
    first_close = complaint.closed_at
    with pytest.raises(ValidationError):
        services.complaint_follow_up(actor=cx.sales, complaint=complaint, outcome=FollowUpOutcome.UNHAPPY, note="")
    services.complaint_follow_up(
        actor=cx.sales, complaint=complaint, outcome=FollowUpOutcome.UNHAPPY, note="客户仍发现孔位偏移"
    )
    complaint.refresh_from_db()
    assert complaint.status == S.ROOT_CAUSE and complaint.reopen_count == 1
    assert complaint.last_reopened_at
    complaint = advance(cx, complaint, "closed")
    assert complaint.first_closed_at == first_close
    assert complaint.closed_at > first_close
    services.complaint_follow_up(actor=cx.sales, complaint=complaint, outcome=FollowUpOutcome.SATISFIED)
    complaint.refresh_from_db()
    assert complaint.status == S.ARCHIVED and complaint.archived_at
    assert complaint.follow_ups.count() == 2


def test_void_needs_a_reason_and_the_right_person(cx, make_complaint):
    complaint = make_complaint("containment")
    before = snapshot(complaint)
    with pytest.raises(DomainError):
        services.complaint_void(actor=cx.sales, complaint=complaint, reason="录入错误")
    with pytest.raises(ValidationError):
        services.complaint_void(actor=cx.qm, complaint=complaint, reason=" ")
    assert snapshot(complaint) == before
    services.complaint_void(actor=cx.qm, complaint=complaint, reason="重复录入")
    complaint.refresh_from_db()
    assert complaint.status == S.VOID and complaint.void_reason == "重复录入"
    assert not complaint.steps.filter(completed_at__isnull=True).exists()
    assert Complaint.objects.filter(pk=complaint.pk).exists()


def test_first_contact_may_void_before_hand_over(cx, make_complaint):
    complaint = make_complaint("registered")
    services.complaint_void(actor=cx.sales, complaint=complaint, reason="误录")
    complaint.refresh_from_db()
    assert complaint.status == S.VOID


def test_hand_over_must_go_to_quality(cx, make_complaint):
    complaint = make_complaint("registered")
    with pytest.raises(ValidationError):
        services.complaint_hand_over(actor=cx.sales, complaint=complaint, quality_owner=cx.operator)
    complaint.refresh_from_db()
    assert complaint.status == S.REGISTERED and complaint.quality_owner is None


# Every forbidden transition: wrong role and wrong state change nothing. --------------------

QA_MOVES = {
    "validity": lambda cx, c: services.complaint_decide_validity(actor=cx.who, complaint=c, valid=True, reasoning="r"),
    "contain": lambda cx, c: services.complaint_contain(actor=cx.who, complaint=c, stock="s", wip="", shipped=""),
    "root_cause": lambda cx, c: services.complaint_record_root_cause(
        actor=cx.who, complaint=c, whys=["w"], categories=["man"], root_cause="r"
    ),
    "open_capa": lambda cx, c: services.complaint_open_capa(
        actor=cx.who, complaint=c, title="t", problem_statement="p"
    ),
    "no_capa": lambda cx, c: services.complaint_propose_no_capa(actor=cx.who, complaint=c, reasoning="r"),
    "decide_no_capa": lambda cx, c: services.complaint_decide_no_capa(actor=cx.who, complaint=c, approve=True),
    "reply": lambda cx, c: services.complaint_submit_reply(actor=cx.who, complaint=c, text="t"),
    "decide_reply": lambda cx, c: services.complaint_decide_reply(actor=cx.who, complaint=c, approve=True),
    "send_reply": lambda cx, c: services.complaint_send_reply(actor=cx.who, complaint=c),
    "implement": lambda cx, c: services.complaint_record_implementation(actor=cx.who, complaint=c, summary="s"),
    "verify": lambda cx, c: services.complaint_verify(actor=cx.who, complaint=c, effective=True, result="r"),
    "training": lambda cx, c: services.complaint_record_training(
        actor=cx.who, complaint=c, department=cx.tree.prod, topic="t"
    ),
    "close": lambda cx, c: services.complaint_close(actor=cx.who, complaint=c),
    "follow_up": lambda cx, c: services.complaint_follow_up(actor=cx.who, complaint=c, outcome="satisfied"),
    "hand_over": lambda cx, c: services.complaint_hand_over(actor=cx.who, complaint=c, quality_owner=cx.qa),
    "confirm_not_valid": lambda cx, c: services.complaint_confirm_not_valid(
        actor=cx.who, complaint=c, confirmation=pdf_upload()
    ),
}

#: The state each move belongs to and the role that may make it.
MOVE_STATE = {
    "hand_over": (S.REGISTERED, "sales"),
    "validity": (S.ANALYSIS, "qa"),
    "confirm_not_valid": (S.NOT_VALID, "qa"),
    "contain": (S.CONTAINMENT, "qa"),
    "root_cause": (S.ROOT_CAUSE, "qa"),
    "open_capa": (S.CAPA_DECISION, "qa"),
    "no_capa": (S.CAPA_DECISION, "qa"),
    "decide_no_capa": (S.NO_CAPA_APPROVAL, "qm"),
    "reply": (S.REPLY_DRAFT, "qa"),
    "decide_reply": (S.REPLY_APPROVAL, "qm"),
    "send_reply": (S.REPLY_SEND, "qa"),
    "implement": (S.IMPLEMENTATION, "qa"),
    "verify": (S.VERIFICATION, "qa"),
    "training": (S.TRAINING, "qa"),
    "close": (S.CLOSURE, "qm"),
    "follow_up": (S.CLOSED, "sales"),
}

#: The reply is drafted while the investigation runs (the two branches run side by side).
ALSO_ALLOWED_IN = {"reply": INVESTIGATION_STATES}

WRONG_ROLES = {
    "sales": ["operator", "auditor", "qa"],
    "qa": ["sales", "operator", "auditor"],
    "qm": ["qa", "sales", "auditor"],
}
#: Moves open to both quality and sales (the written confirmation, sending the reply; the
#: hand-over may also be done by quality on behalf of the first contact).
SHARED = {"confirm_not_valid", "send_reply", "hand_over"}


@pytest.mark.parametrize("move", sorted(MOVE_STATE))
def test_every_move_refused_for_wrong_roles(cx, move):
    state, _role = MOVE_STATE[move]
    complaint = register(cx)
    if state == S.NOT_VALID:
        advance(cx, complaint, "analysis")
        services.complaint_decide_validity(actor=cx.qa, complaint=complaint, valid=False, reasoning="r")
    elif state == S.NO_CAPA_APPROVAL:
        advance(cx, complaint, "capa_decision")
        services.complaint_propose_no_capa(actor=cx.qa, complaint=complaint, reasoning="r")
    else:
        advance(cx, complaint, state)
    before = snapshot(complaint)
    wrong_roles = ["operator", "auditor", "prod_head"] if move in SHARED else WRONG_ROLES[_role]
    for wrong in wrong_roles:
        cx.who = getattr(cx, wrong)
        with pytest.raises(ValidationError):
            QA_MOVES[move](cx, complaint)
        assert snapshot(complaint) == before, (move, wrong)


@pytest.mark.parametrize("move", sorted(MOVE_STATE))
def test_every_move_refused_in_wrong_states(cx, move):
    """Each move, made by its rightful role, fails in every state it does not belong to."""
    state, role = MOVE_STATE[move]
    cx.who = getattr(cx, role)
    complaint = register(cx)
    visited = []
    for target in ["registered", "analysis", "containment", "reply_draft", "closure", "closed", "archived"]:
        advance(cx, complaint, target)
        if complaint.status == state or complaint.status in ALSO_ALLOWED_IN.get(move, ()):
            continue
        before = snapshot(complaint)
        with pytest.raises(ValidationError):
            QA_MOVES[move](cx, complaint)
        assert snapshot(complaint) == before, (move, target)
        visited.append(target)
    assert visited


def test_void_complaint_refuses_every_move(cx, make_complaint):
    complaint = make_complaint("containment")
    services.complaint_void(actor=cx.qm, complaint=complaint, reason="重复")
    before = snapshot(complaint)
    for move, (_state, role) in MOVE_STATE.items():
        cx.who = getattr(cx, role)
        with pytest.raises(ValidationError):
            QA_MOVES[move](cx, complaint)
    assert snapshot(complaint) == before


def test_transition_table_has_every_state():
    assert set(COMPLAINT_TRANSITIONS) == set(S.values)
    assert COMPLAINT_TRANSITIONS[S.VOID] == set() and COMPLAINT_TRANSITIONS[S.ARCHIVED] == set()


def test_every_event_names_actor_and_time(cx, make_complaint):
    complaint = make_complaint("reply_draft")
    events = list(ComplaintEvent.objects.filter(complaint=complaint))
    assert [e.action for e in events][:3] == ["register", "hand_over", "valid"]
    assert all(e.actor_id and e.at for e in events)


def test_numbers_restart_each_year_and_skip_nothing(cx):
    last_year = timezone.now() - datetime.timedelta(days=400)
    old = register(cx, received_at=last_year)
    new = register(cx)
    assert old.number == f"CC-{timezone.localtime(last_year).year}-0001"
    assert new.number.endswith("-0001")


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite serialises writers with a database lock; row locks need PostgreSQL (CI sets DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(cx):
    import threading

    from django.db import connections

    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def run():
        try:
            barrier.wait()
            numbers.append(register(cx).number)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"CC-{year}-{n:04d}" for n in range(1, 7)]


def test_quality_reassigns_the_open_step_and_hands_over_ownership(cx, make_complaint):
    complaint = make_complaint("containment")
    with pytest.raises(DomainError):
        services.complaint_assign_step(actor=cx.sales, complaint=complaint, assignee=cx.sales2)
    with pytest.raises(ValidationError):
        services.complaint_assign_step(actor=cx.qa, complaint=complaint, assignee=cx.operator, make_owner=True)
    complaint.refresh_from_db()
    assert complaint.quality_owner == cx.qa
    services.complaint_assign_step(actor=cx.qa, complaint=complaint, assignee=cx.qm, make_owner=True)
    complaint.refresh_from_db()
    assert complaint.quality_owner == cx.qm
    # Containment and the reply are open side by side: the step due first changes hands.
    open_steps = complaint.steps.filter(completed_at__isnull=True)
    assert open_steps.get(kind=StepKind.CONTAINMENT).assignee == cx.qm
    assert open_steps.get(kind=StepKind.REPLY_DRAFT).assignee == cx.qa
    services.complaint_assign_step(actor=cx.qa, complaint=complaint, assignee=cx.qm, kind=StepKind.REPLY_DRAFT)
    assert open_steps.get(kind=StepKind.REPLY_DRAFT).assignee == cx.qm
    assert complaint.events.filter(action="owner_changed").exists()
    # Later steps go to the new owner.
    advance(cx, complaint, "root_cause")
    assert complaint.steps.get(completed_at__isnull=True, kind=StepKind.ROOT_CAUSE).assignee == cx.qm


def test_step_log_is_written_in_the_company_language_whoever_acts(cx, make_complaint):
    """The step log is a company record: an English-speaking QA engineer's decision reads in
    Chinese (the company's language) like everyone else's."""
    from django.conf import settings
    from django.utils import translation

    assert settings.LANGUAGE_CODE == "zh-hans"
    complaint = make_complaint(to="analysis")
    with translation.override("en"):
        services.complaint_decide_validity(actor=cx.qa, complaint=complaint, valid=True, reasoning="尺寸超差，属实")
    step = complaint.steps.exclude(outcome="").order_by("-completed_at", "-pk").first()
    assert step.outcome == "有效"
