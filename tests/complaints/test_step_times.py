"""Steps recorded after they happened: each keeps when it happened, when it was recorded and who
recorded it; deadlines and on-time rates use the time it happened; a time in the future or
before the step it follows is refused and changes nothing. After a valid validity decision the
containment and the reply to the customer run side by side, in any order."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from complaints import exports, services
from complaints.choices import ComplaintStatus, StepKind
from complaints.models import Capa, ComplaintEvent, ComplaintStep
from complaints.services import returns as return_services
from complaints.summary import build_summary, month_period
from core.errors import DomainError
from org.choices import Role
from tests.factories import UserFactory

from .conftest import advance, register

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@pytest.fixture
def morning():
    """Today 09:00 in the company's time zone: the QA engineer types in what happened overnight."""
    day = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _snapshot(complaint):
    complaint.refresh_from_db()
    return (
        complaint.status,
        complaint.validity_decided_at,
        complaint.contained_at,
        complaint.reply_sent_at,
        ComplaintStep.objects.filter(complaint=complaint).count(),
        ComplaintStep.objects.filter(complaint=complaint, completed_at__isnull=True).count(),
        ComplaintEvent.objects.filter(complaint=complaint).count(),
    )


def _phoned_at_nine_pm(cx, morning):
    """A complaint phoned in at 21:00 yesterday, typed in and handed over at 09:00 today."""
    received = morning - datetime.timedelta(hours=12)
    with time_machine.travel(morning, tick=False):
        complaint = register(cx, received_at=received)
        services.complaint_hand_over(
            actor=cx.sales,
            complaint=complaint,
            quality_owner=cx.qa,
            happened_at=received + datetime.timedelta(minutes=30),
        )
    return complaint


# Recorded late, counted on time ---------------------------------------------------------------


def test_a_step_recorded_late_counts_by_when_it_happened(cx, morning):
    """Analysis is due 12 h after receipt (09:00). Decided at 22:00 but typed in at 09:30, it
    counts as on time; the same decision typed in at 09:30 without its time counts as late."""
    on_time = _phoned_at_nine_pm(cx, morning)
    late = _phoned_at_nine_pm(cx, morning)
    decided = morning - datetime.timedelta(hours=11)
    typed = morning + datetime.timedelta(minutes=30)
    with time_machine.travel(typed, tick=False):
        services.complaint_decide_validity(
            actor=cx.qa, complaint=on_time, valid=True, reasoning="孔位超差属实", happened_at=decided
        )
        services.complaint_decide_validity(actor=cx.qa, complaint=late, valid=True, reasoning="孔位超差属实")

    on_time.refresh_from_db()
    assert on_time.validity_decided_at == decided
    step = on_time.steps.get(kind=StepKind.ANALYSIS)
    assert (step.completed_at, step.recorded_at, step.completed_by) == (decided, typed, cx.qa)
    assert not step.is_overdue()
    event = on_time.events.get(action="valid")
    assert (event.at, event.recorded_at, event.actor) == (decided, typed, cx.qa)
    # The next steps start when the decision happened: their deadlines count from 22:00.
    containment = on_time.steps.get(kind=StepKind.CONTAINMENT, completed_at__isnull=True)
    assert containment.opened_at == decided
    assert containment.due_at == decided + datetime.timedelta(hours=24)

    late.refresh_from_db()
    assert late.validity_decided_at == typed
    assert late.steps.get(kind=StepKind.ANALYSIS).is_overdue()

    with time_machine.travel(typed, tick=False):
        summary = build_summary(cx.qm, month_period(f"{timezone.localtime(on_time.received_at):%Y-%m}"))
    analysis = next(d for d in summary.deadlines if d["step"] == "analysis")
    assert (analysis["on_time"], analysis["late"], analysis["rate"]) == (1, 1, 50.0)


def test_containment_done_at_half_past_seven_typed_in_at_nine(cx, morning):
    complaint = _phoned_at_nine_pm(cx, morning)
    with time_machine.travel(morning, tick=False):
        services.complaint_decide_validity(
            actor=cx.qa,
            complaint=complaint,
            valid=True,
            reasoning="r",
            happened_at=morning - datetime.timedelta(hours=11),
        )
        services.complaint_contain(
            actor=cx.qa,
            complaint=complaint,
            stock="库存隔离",
            wip="",
            shipped="",
            happened_at=morning - datetime.timedelta(minutes=90),
        )
    complaint.refresh_from_db()
    assert complaint.contained_at == morning - datetime.timedelta(minutes=90)
    step = complaint.steps.get(kind=StepKind.CONTAINMENT)
    assert (step.completed_at, step.recorded_at, step.completed_by) == (complaint.contained_at, morning, cx.qa)
    # First handling is when the containment happened, not when it was typed in.
    assert complaint.first_handled_at == complaint.contained_at
    assert complaint.steps.get(kind=StepKind.ROOT_CAUSE).opened_at == complaint.contained_at


# Refused times change nothing -------------------------------------------------------------------


def test_a_time_in_the_future_is_refused_and_changes_nothing(cx, morning):
    complaint = _phoned_at_nine_pm(cx, morning)
    with time_machine.travel(morning, tick=False):
        before = _snapshot(complaint)
        with pytest.raises(DomainError) as refused:
            services.complaint_decide_validity(
                actor=cx.qa,
                complaint=complaint,
                valid=True,
                reasoning="r",
                happened_at=morning + datetime.timedelta(hours=2),
            )
        assert "happened_at" in refused.value.error_dict
        assert _snapshot(complaint) == before


def test_a_time_before_the_step_it_follows_is_refused_and_changes_nothing(cx, morning):
    complaint = _phoned_at_nine_pm(cx, morning)
    handed_over = morning - datetime.timedelta(hours=11, minutes=30)
    with time_machine.travel(morning, tick=False):
        before = _snapshot(complaint)
        for too_early in (
            handed_over - datetime.timedelta(minutes=10),
            complaint.received_at - datetime.timedelta(days=1),
        ):
            with pytest.raises(DomainError) as refused:
                services.complaint_decide_validity(
                    actor=cx.qa, complaint=complaint, valid=True, reasoning="r", happened_at=too_early
                )
            assert "happened_at" in refused.value.error_dict
            assert _local(handed_over) in refused.value.error_dict["happened_at"][0].messages[0]
            assert _snapshot(complaint) == before
        # A hand-over cannot have happened before the complaint was received.
        other = register(cx, received_at=morning - datetime.timedelta(hours=2))
        with pytest.raises(DomainError):
            services.complaint_hand_over(
                actor=cx.sales, complaint=other, quality_owner=cx.qa, happened_at=morning - datetime.timedelta(hours=3)
            )
        other.refresh_from_db()
        assert other.status == S.REGISTERED and other.handed_over_at is None


def test_the_step_form_refuses_a_future_time_with_a_form_error(client, cx, morning):
    complaint = _phoned_at_nine_pm(cx, morning)
    client.force_login(cx.qa)
    url = reverse("complaints:step", args=[complaint.pk, "validity"])
    with time_machine.travel(morning, tick=False):
        before = _snapshot(complaint)
        response = client.post(
            url,
            {
                "validity-valid": "yes",
                "validity-reasoning": "属实",
                "validity-happened_at": _local(morning + datetime.timedelta(days=1)).replace(" ", "T"),
            },
        )
        assert response.status_code == 400
        assert response.context["step_forms"][0]["form"].errors["happened_at"]
        assert _snapshot(complaint) == before

        happened = morning - datetime.timedelta(hours=10)
        response = client.post(
            url,
            {
                "validity-valid": "yes",
                "validity-reasoning": "属实",
                "validity-happened_at": _local(happened).replace(" ", "T"),
            },
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.validity_decided_at == happened
    assert complaint.history.first().history_user == cx.qa


def test_the_step_forms_default_to_now_in_the_company_time_zone(client, cx, morning):
    complaint = _phoned_at_nine_pm(cx, morning)
    client.force_login(cx.qa)
    with time_machine.travel(morning, tick=False):
        html = client.get(complaint.get_absolute_url()).content.decode()
    assert f'name="validity-happened_at" value="{_local(morning).replace(" ", "T")}"' in html


# Parallel branches ------------------------------------------------------------------------------


def test_valid_decision_opens_containment_and_the_reply_side_by_side(client, cx):
    complaint = advance(cx, register(cx), "containment")
    open_steps = complaint.steps.filter(completed_at__isnull=True)
    assert {s.kind for s in open_steps} == {StepKind.CONTAINMENT, StepKind.REPLY_DRAFT}
    containment = open_steps.get(kind=StepKind.CONTAINMENT)
    reply = open_steps.get(kind=StepKind.REPLY_DRAFT)
    assert containment.due_at == complaint.validity_decided_at + datetime.timedelta(hours=24)
    assert reply.due_at == complaint.validity_decided_at + datetime.timedelta(hours=48)
    client.force_login(cx.qa)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-step="containment"' in html and 'data-step="reply_draft"' in html
    assert 'id="step-contain"' in html and 'id="step-reply"' in html


def test_the_reply_goes_out_before_the_containment_is_recorded(cx):
    complaint = advance(cx, register(cx), "containment")
    services.complaint_submit_reply(actor=cx.qa, complaint=complaint, text="已隔离库存，正在分析原因。")
    services.complaint_decide_reply(actor=cx.qm, complaint=complaint, approve=True)
    services.complaint_send_reply(actor=cx.qa, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.status == S.CONTAINMENT and complaint.reply_sent_at and complaint.contained_at is None
    assert [s.kind for s in complaint.steps.filter(completed_at__isnull=True)] == [StepKind.CONTAINMENT]
    # The investigation goes on; implementation opens once it has ended too.
    complaint = advance(cx, complaint, "implementation")
    assert complaint.contained_at > complaint.reply_sent_at
    implementation = complaint.steps.get(kind=StepKind.IMPLEMENTATION)
    assert implementation.completed_at is None
    assert implementation.due_at == complaint.reply_sent_at + datetime.timedelta(hours=336)
    assert complaint.events.filter(action="capa_opened", to_status=S.IMPLEMENTATION).exists()


def test_the_containment_is_recorded_before_the_reply(cx):
    complaint = advance(cx, register(cx), "reply_draft")
    assert complaint.contained_at and complaint.reply_sent_at is None
    assert [s.kind for s in complaint.steps.filter(completed_at__isnull=True)] == [StepKind.REPLY_DRAFT]
    complaint = advance(cx, complaint, "implementation")
    assert complaint.reply_sent_at and complaint.status == S.IMPLEMENTATION


def test_the_reply_needs_the_validity_decision(cx):
    complaint = advance(cx, register(cx), "analysis")
    with pytest.raises(DomainError):
        services.complaint_submit_reply(actor=cx.qa, complaint=complaint, text="t")
    complaint.refresh_from_db()
    assert complaint.status == S.ANALYSIS and complaint.reply_text == ""


def test_void_completes_both_open_branches(cx):
    complaint = advance(cx, register(cx), "containment")
    services.complaint_void(actor=cx.qm, complaint=complaint, reason="重复录入")
    complaint.refresh_from_db()
    assert complaint.status == S.VOID
    assert not complaint.steps.filter(completed_at__isnull=True).exists()


# Both times on the pages and in the PDFs ------------------------------------------------------------


def test_the_timeline_and_the_pdf_show_both_times_where_they_differ(english_pages, cx, morning):
    client = english_pages
    complaint = _phoned_at_nine_pm(cx, morning)
    contained = morning - datetime.timedelta(minutes=90)
    with time_machine.travel(morning, tick=False):
        services.complaint_decide_validity(
            actor=cx.qa,
            complaint=complaint,
            valid=True,
            reasoning="r",
            happened_at=morning - datetime.timedelta(hours=11),
        )
        services.complaint_contain(
            actor=cx.qa, complaint=complaint, stock="隔离", wip="", shipped="", happened_at=contained
        )
        services.complaint_submit_reply(actor=cx.qa, complaint=complaint, text="回复")
    client.force_login(cx.qa)
    html = client.get(complaint.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert _local(contained) in timeline
    assert f"(recorded {_local(morning)} by {cx.qa.get_full_name()})" in timeline
    # Registration, hand-over, decision and containment were typed in late; the reply was not.
    assert timeline.count("(recorded ") == 4

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.complaint_pdf(complaint))).pages)
    assert _local(contained) in text and _local(morning) in text


def test_capa_steps_keep_both_times(english_pages, cx, morning, make_capa):
    client = english_pages
    with time_machine.travel(morning - datetime.timedelta(hours=3), tick=False):
        capa = make_capa()
    found = morning - datetime.timedelta(hours=2)
    with time_machine.travel(morning, tick=False):
        with pytest.raises(DomainError):
            services.capa_record_root_cause(
                actor=cx.qa, capa=capa, root_cause="r", happened_at=morning - datetime.timedelta(hours=4)
            )
        capa.refresh_from_db()
        assert capa.status == "open" and capa.root_cause == ""
        services.capa_record_root_cause(actor=cx.qa, capa=capa, root_cause="参数漂移", happened_at=found)
    capa.refresh_from_db()
    assert capa.root_cause_at == found
    event = capa.events.get(action="root_cause")
    assert (event.at, event.recorded_at, event.actor) == (found, morning, cx.qa)
    client.force_login(cx.qa)
    html = client.get(capa.get_absolute_url()).content.decode()
    assert _local(found) in html and f"(recorded {_local(morning)} by {cx.qa.get_full_name()})" in html
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.capa_pdf(capa))).pages)
    assert _local(found) in text and _local(morning) in text


def test_return_moves_keep_both_times_and_refuse_going_back(english_pages, cx, morning):
    client = english_pages
    warehouse = UserFactory(username="warehouse", groups=[Role.WAREHOUSE])
    complaint = advance(cx, register(cx, received_at=morning - datetime.timedelta(days=2)), "analysis")
    received = morning - datetime.timedelta(hours=20)
    with time_machine.travel(morning, tick=False):
        r = return_services.return_receive(
            actor=warehouse, complaint=complaint, product="支架", received_qty=10, happened_at=received
        )
        with pytest.raises(DomainError):
            return_services.return_take_over(
                actor=cx.qa, customer_return=r, happened_at=received - datetime.timedelta(hours=1)
            )
        r.refresh_from_db()
        assert r.status == "received" and r.quality_received_at is None
        taken = received + datetime.timedelta(hours=2)
        return_services.return_take_over(actor=cx.qa, customer_return=r, happened_at=taken)
    r.refresh_from_db()
    assert r.quality_received_at == taken
    event = r.events.get(action="take_over")
    assert (event.at, event.recorded_at, event.actor) == (taken, morning, cx.qa)
    client.force_login(cx.qa)
    html = client.get(r.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert _local(taken) in timeline and f"(recorded {_local(morning)} by {cx.qa.get_full_name()})" in timeline


def test_the_migration_backfills_the_recorded_times_from_the_step_times(cx, morning):
    """Rows written before the migration were stamped when typed: recorded = happened."""
    import importlib

    from django.apps import apps

    from complaints.models import CapaEvent, CustomerReturn, ReturnEvent

    migration = importlib.import_module("complaints.migrations.0005_happened_at")
    warehouse = UserFactory(username="warehouse", groups=[Role.WAREHOUSE])
    complaint = advance(cx, register(cx), "root_cause")
    r = return_services.return_receive(actor=warehouse, complaint=complaint, product="支架", received_qty=3)
    r = return_services.return_take_over(actor=cx.qa, customer_return=r)
    ReturnEvent.objects.all().delete()
    ComplaintEvent.objects.update(recorded_at=morning + datetime.timedelta(days=30))
    ComplaintStep.objects.update(recorded_at=None)
    CapaEvent.objects.update(recorded_at=morning + datetime.timedelta(days=30))

    migration.backfill(apps, None)

    assert all(e.recorded_at == e.at for e in ComplaintEvent.objects.all())
    assert all(s.recorded_at == s.completed_at for s in ComplaintStep.objects.all())
    r = CustomerReturn.objects.get(pk=r.pk)
    assert [(e.action, e.at, e.recorded_at, e.actor) for e in r.events.all()] == [
        ("receive", r.received_at, r.received_at, warehouse),
        ("take_over", r.quality_received_at, r.quality_received_at, cx.qa),
    ]


def test_a_capa_action_done_yesterday_and_recorded_today_keeps_yesterday(cx, morning, make_capa):
    from complaints.choices import ActionKind

    with time_machine.travel(morning - datetime.timedelta(days=2), tick=False):
        capa = make_capa()
        action = services.capa_add_action(
            actor=cx.qa,
            capa=capa,
            kind=ActionKind.CORRECTION,
            description="隔离可疑品",
            owner=cx.qa,
            due_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    done = morning - datetime.timedelta(hours=20)
    with time_machine.travel(morning, tick=False):
        with pytest.raises(DomainError):
            services.capa_complete_action(
                actor=cx.qa, action=action, evidence="e", happened_at=morning - datetime.timedelta(days=3)
            )
        action.refresh_from_db()
        assert action.status == "open" and action.completed_at is None
        services.capa_complete_action(actor=cx.qa, action=action, evidence="已隔离", happened_at=done)
    action.refresh_from_db()
    assert action.completed_at == done and timezone.localdate(done) <= action.due_date
    event = capa.events.get(action="action_done")
    assert (event.at, event.recorded_at, event.actor) == (done, morning, cx.qa)


def test_a_capa_opened_on_new_years_eve_and_typed_in_on_new_years_day_keeps_its_time_and_year(client, cx):
    """An audit finding raised on 31 December at 16:00 and typed in on 2 January: the CAPA is
    opened (and numbered) in the old year; a time in the future is refused through the form."""
    new_year = timezone.localdate().year + 1
    typed_in = timezone.make_aware(datetime.datetime(new_year, 1, 2, 9, 0))
    found = timezone.make_aware(datetime.datetime(new_year - 1, 12, 31, 16, 0))
    with time_machine.travel(typed_in, tick=False):
        capa = services.capa_open(
            actor=cx.qa, source="audit", title="审核发现", problem_statement="量具校准过期", happened_at=found
        )
        assert capa.created_at == found and capa.number.startswith(f"CAPA-{new_year - 1}-")
        event = capa.events.get(action="open")
        assert (event.at, event.recorded_at, event.actor) == (found, typed_in, cx.qa)
        with pytest.raises(DomainError):
            services.capa_open(
                actor=cx.qa,
                source="audit",
                title="t",
                problem_statement="p",
                happened_at=typed_in + datetime.timedelta(hours=2),
            )
        client.force_login(cx.qa)
        count = Capa.objects.count()
        response = client.post(
            reverse("complaints:capa_create"),
            {
                "source": "audit",
                "title": "t",
                "problem_statement": "p",
                "happened_at": f"{new_year}-01-02T11:00",
            },
        )
        assert "happened_at" in response.context["form"].errors
        assert Capa.objects.count() == count


def test_a_capa_action_cancelled_yesterday_and_recorded_today_keeps_yesterday(cx, morning, make_capa):
    with time_machine.travel(morning - datetime.timedelta(days=3), tick=False):
        capa = make_capa()
        services.capa_record_root_cause(actor=cx.qa, capa=capa, root_cause="夹具磨损")
        action = services.capa_add_action(
            actor=cx.qa,
            capa=capa,
            kind="corrective",
            description="更换夹具",
            owner=cx.qa,
            due_date=timezone.localdate() + datetime.timedelta(days=7),
        )
    decided = morning - datetime.timedelta(days=1)
    with time_machine.travel(morning, tick=False):
        with pytest.raises(DomainError):
            services.capa_cancel_action(
                actor=cx.qa, action=action, reason="重复", happened_at=morning - datetime.timedelta(days=4)
            )
        action.refresh_from_db()
        assert action.status == "open"
        services.capa_cancel_action(actor=cx.qa, action=action, reason="与另一措施重复", happened_at=decided)
    action.refresh_from_db()
    assert action.status == "cancelled"
    event = capa.events.get(action="action_cancelled")
    assert (event.at, event.recorded_at, event.actor) == (decided, morning, cx.qa)
