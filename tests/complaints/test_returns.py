"""Customer returns: the workflow services (role and state checked for every move) and views."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from complaints.choices import Severity
from complaints.models import CustomerReturn
from complaints.models.returns import RETURN_ACTIONS, ReturnStatus
from complaints.services import returns as svc
from core.errors import DomainError
from tests.complaints import records


@pytest.fixture
def p(org_tree):
    return records.people(org_tree)


@pytest.fixture
def complaint(p):
    return records.complaint(registered_by=p.sales, severity=Severity.URGENT)


def _received(p, complaint, qty=100, **kw):
    return svc.return_receive(actor=p.warehouse, complaint=complaint, product="支架", received_qty=qty, **kw)


def _to(p, complaint, state, *, ok=90, ng=10, rework=6, scrap=4):
    """A return brought to ``state`` by the real services."""
    r = _received(p, complaint)
    if state == ReturnStatus.RECEIVED:
        return r
    r = svc.return_take_over(actor=p.qa_engineer, customer_return=r)
    if state == ReturnStatus.AT_QUALITY:
        return r
    r = svc.return_inspect(actor=p.qa_engineer, customer_return=r, ok_qty=ok, ng_qty=ng)
    if state == ReturnStatus.INSPECTED:
        return r
    r = svc.return_dispose(
        actor=p.qa_engineer, customer_return=r, plan="返工去毛刺", rework_qty=rework, scrap_qty=scrap
    )
    if state == ReturnStatus.DISPOSED:
        return r
    r = svc.return_record_rework(actor=p.qa_engineer, customer_return=r, ok_qty=rework - 1, ng_qty=1)
    r = svc.return_mrb_decide(actor=p.qm, customer_return=r, scrap_qty=scrap + 1, decision="报废")
    if state == ReturnStatus.PROCESSED:
        return r
    r = svc.return_redeliver(actor=p.warehouse, customer_return=r, redelivered_qty=100, replacement_qty=5)
    if state == ReturnStatus.REDELIVERED:
        return r
    return svc.return_close(actor=p.qa_engineer, customer_return=r)


def test_full_return_path_records_every_step_with_who_and_history(p, complaint):
    r = _to(p, complaint, ReturnStatus.CLOSED)
    r.refresh_from_db()
    assert r.status == ReturnStatus.CLOSED
    assert r.number.startswith(f"RT-{timezone.now().year}-")
    assert (r.received_by, r.quality_received_by, r.inspected_by, r.disposed_by) == (
        p.warehouse,
        p.qa_engineer,
        p.qa_engineer,
        p.qa_engineer,
    )
    assert (r.ok_qty, r.ng_qty, r.rework_qty, r.scrap_proposed_qty) == (90, 10, 6, 4)
    assert (r.rework_ok_qty, r.rework_ng_qty, r.scrap_qty, r.mrb_decided_by) == (5, 1, 5, p.qm)
    assert (r.redelivered_qty, r.replacement_qty, r.redelivered_by) == (100, 5, p.warehouse)
    history = list(r.history.order_by("history_date").values_list("status", "history_user__username"))
    assert history[0] == ("received", "warehouse")
    assert history[-1] == ("closed", "qaengineer")
    assert len(history) == 8


def test_deadlines_come_from_the_deadline_table(p, complaint):
    r = _received(p, complaint, at=timezone.now() - datetime.timedelta(hours=5))
    taken = timezone.now() - datetime.timedelta(hours=3)
    r = svc.return_take_over(actor=p.qa_engineer, customer_return=r, at=taken)
    assert r.disposition_due_at == taken + datetime.timedelta(hours=12)
    r = svc.return_inspect(actor=p.qa_engineer, customer_return=r, ok_qty=95, ng_qty=5)
    r = svc.return_dispose(actor=p.qa_engineer, customer_return=r, plan="返工", rework_qty=5, scrap_qty=0)
    assert r.rework_due_at == r.disposed_at + datetime.timedelta(hours=24)
    assert r.disposition_on_time is True


def test_late_disposition_is_marked_overdue_and_not_on_time(p, complaint):
    r = _received(p, complaint, at=timezone.now() - datetime.timedelta(days=2))
    r = svc.return_take_over(actor=p.qa_engineer, customer_return=r, at=timezone.now() - datetime.timedelta(hours=30))
    assert [str(s) for s in r.overdue_steps()] == ["disposition plan"]
    r = svc.return_inspect(actor=p.qa_engineer, customer_return=r, ok_qty=100, ng_qty=0)
    r = svc.return_dispose(actor=p.qa_engineer, customer_return=r, plan="全部合格", rework_qty=0, scrap_qty=0)
    assert r.disposition_on_time is False
    assert r.status == ReturnStatus.PROCESSED  # nothing to rework or scrap


@pytest.mark.parametrize(
    ("action", "actor_name"),
    [
        ("take_over", "warehouse"),
        ("take_over", "sales"),
        ("inspect", "warehouse"),
        ("dispose", "operator"),
        ("rework", "warehouse"),
        ("mrb", "qa_engineer"),
        ("redeliver", "qa_engineer"),
        ("close", "warehouse"),
        ("void", "qa_engineer"),
    ],
)
def test_wrong_role_is_refused_and_nothing_changes(p, complaint, action, actor_name):
    state = {
        "take_over": ReturnStatus.RECEIVED,
        "inspect": ReturnStatus.AT_QUALITY,
        "dispose": ReturnStatus.INSPECTED,
        "rework": ReturnStatus.DISPOSED,
        "mrb": ReturnStatus.DISPOSED,
        "redeliver": ReturnStatus.PROCESSED,
        "close": ReturnStatus.REDELIVERED,
        "void": ReturnStatus.RECEIVED,
    }[action]
    r = _to(p, complaint, state, rework=0, scrap=10) if action == "mrb" else _to(p, complaint, state)
    before = r.history.count()
    actor = getattr(p, actor_name)
    calls = {
        "take_over": lambda: svc.return_take_over(actor=actor, customer_return=r),
        "inspect": lambda: svc.return_inspect(actor=actor, customer_return=r, ok_qty=100, ng_qty=0),
        "dispose": lambda: svc.return_dispose(actor=actor, customer_return=r, plan="x", rework_qty=10, scrap_qty=0),
        "rework": lambda: svc.return_record_rework(actor=actor, customer_return=r, ok_qty=6, ng_qty=0),
        "mrb": lambda: svc.return_mrb_decide(actor=actor, customer_return=r, scrap_qty=1, decision="x"),
        "redeliver": lambda: svc.return_redeliver(actor=actor, customer_return=r, redelivered_qty=100),
        "close": lambda: svc.return_close(actor=actor, customer_return=r),
        "void": lambda: svc.return_void(actor=actor, customer_return=r, reason="录错"),
    }
    assert not svc.can_do(actor, r, action)
    with pytest.raises(PermissionDenied):
        calls[action]()
    r.refresh_from_db()
    assert r.status == state
    assert r.history.count() == before


def test_only_the_warehouse_receives_returns(p, complaint):
    with pytest.raises(PermissionDenied):
        svc.return_receive(actor=p.qa_engineer, complaint=complaint, product="支架", received_qty=5)
    assert not CustomerReturn.objects.exists()


@pytest.mark.parametrize("action", ["inspect", "dispose", "redeliver", "close"])
def test_steps_cannot_be_skipped(p, complaint, action, english):
    r = _received(p, complaint)
    actor = p.warehouse if action == "redeliver" else p.qa_engineer
    with pytest.raises(DomainError, match="is not possible now"):
        {
            "inspect": lambda: svc.return_inspect(actor=actor, customer_return=r, ok_qty=100, ng_qty=0),
            "dispose": lambda: svc.return_dispose(actor=actor, customer_return=r, plan="x", rework_qty=0, scrap_qty=0),
            "redeliver": lambda: svc.return_redeliver(actor=actor, customer_return=r, redelivered_qty=100),
            "close": lambda: svc.return_close(actor=actor, customer_return=r),
        }[action]()
    r.refresh_from_db()
    assert r.status == ReturnStatus.RECEIVED


def test_inspection_must_cover_every_piece(p, complaint, english):
    r = _to(p, complaint, ReturnStatus.AT_QUALITY)
    with pytest.raises(DomainError, match="must add up to the 100 pieces received"):
        svc.return_inspect(actor=p.qa_engineer, customer_return=r, ok_qty=80, ng_qty=10)
    r.refresh_from_db()
    assert r.ok_qty is None and r.status == ReturnStatus.AT_QUALITY


def test_disposition_must_cover_every_ng_piece(p, complaint, english):
    r = _to(p, complaint, ReturnStatus.INSPECTED)
    with pytest.raises(DomainError, match="must add up to the 10 NG pieces"):
        svc.return_dispose(actor=p.qa_engineer, customer_return=r, plan="x", rework_qty=3, scrap_qty=3)


def test_mrb_waits_for_rework_and_cannot_scrap_more_than_submitted(p, complaint, english):
    r = _to(p, complaint, ReturnStatus.DISPOSED)
    assert not svc.can_do(p.qm, r, "mrb")
    with pytest.raises(DomainError, match="Record the rework first"):
        svc.return_mrb_decide(actor=p.qm, customer_return=r, scrap_qty=4, decision="报废")
    r = svc.return_record_rework(actor=p.qa_engineer, customer_return=r, ok_qty=6, ng_qty=0)
    assert r.status == ReturnStatus.DISPOSED  # the MRB is still pending
    with pytest.raises(DomainError, match="between 0 and the 4 pieces"):
        svc.return_mrb_decide(actor=p.qm, customer_return=r, scrap_qty=5, decision="报废")
    r = svc.return_mrb_decide(actor=p.qm, customer_return=r, scrap_qty=4, decision="报废", members="质量、工艺、生产")
    assert r.status == ReturnStatus.PROCESSED


def test_redelivery_needs_replacement_for_scrapped_pieces(p, complaint, english):
    r = _to(p, complaint, ReturnStatus.PROCESSED)
    with pytest.raises(DomainError, match="needs the 100 pieces back"):
        svc.return_redeliver(actor=p.warehouse, customer_return=r, redelivered_qty=95)


def test_void_needs_a_reason_and_ends_the_return(p, complaint, english):
    r = _to(p, complaint, ReturnStatus.INSPECTED)
    with pytest.raises(DomainError):
        svc.return_void(actor=p.qm, customer_return=r, reason="  ")
    r = svc.return_void(actor=p.qm, customer_return=r, reason="重复登记")
    assert (r.status, r.void_reason) == (ReturnStatus.VOIDED, "重复登记")
    with pytest.raises(DomainError):
        svc.return_void(actor=p.qm, customer_return=r, reason="again")
    assert set(RETURN_ACTIONS) >= {"void", "close"}


def test_step_in_the_future_is_refused(p, complaint, english):
    with pytest.raises(DomainError, match="future"):
        _received(p, complaint, at=timezone.now() + datetime.timedelta(days=1))


# Views ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, p, complaint):
    r = _received(p, complaint)
    response = client.get(reverse("complaints:return_detail", args=[r.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_who_cannot_see_the_complaint_gets_404(client, p, complaint):
    r = _received(p, complaint)
    client.force_login(p.operator)
    assert client.get(reverse("complaints:return_detail", args=[r.pk])).status_code == 404
    listing = client.get(reverse("complaints:return_list"))
    assert listing.status_code == 200 and r.number not in listing.content.decode()
    client.force_login(p.tree.no_employee_user)
    assert client.get(reverse("complaints:return_list")).status_code == 403


def test_qa_engineer_takes_over_through_the_page(client, p, complaint):
    r = _received(p, complaint)
    client.force_login(p.qa_engineer)
    page = client.get(reverse("complaints:return_detail", args=[r.pk]))
    assert page.status_code == 200
    assert r.number in page.content.decode()
    response = client.post(reverse("complaints:return_action", args=[r.pk, "take_over"]), {})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == ReturnStatus.AT_QUALITY and r.quality_received_by == p.qa_engineer


def test_wrong_role_posting_an_action_gets_403(client, p, complaint):
    r = _received(p, complaint)
    client.force_login(p.auditor)
    response = client.post(reverse("complaints:return_action", args=[r.pk, "take_over"]), {})
    assert response.status_code == 403
    r.refresh_from_db()
    assert r.status == ReturnStatus.RECEIVED


def test_action_in_the_wrong_state_shows_the_error_and_changes_nothing(client, p, complaint):
    r = _received(p, complaint)
    client.force_login(p.qa_engineer)
    response = client.post(
        reverse("complaints:return_action", args=[r.pk, "inspect"]), {"ok_qty": 100, "ng_qty": 0}, follow=True
    )
    assert response.status_code == 200
    r.refresh_from_db()
    assert r.status == ReturnStatus.RECEIVED
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_action_view_refuses_get(client, p, complaint):
    r = _received(p, complaint)
    client.force_login(p.qa_engineer)
    assert client.get(reverse("complaints:return_action", args=[r.pk, "take_over"])).status_code == 405


def test_warehouse_registers_a_return_through_the_form(client, p, complaint):
    client.force_login(p.warehouse)
    url = reverse("complaints:return_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "complaint": complaint.number,
            "product": "支架",
            "batch": "B1",
            "received_qty": 12,
            "replacement_needed": "on",
        },
    )
    assert response.status_code == 302
    r = CustomerReturn.objects.get()
    assert (r.complaint, r.received_qty, r.received_by) == (complaint, 12, p.warehouse)


def test_return_list_has_constant_query_count(client, p, complaint, django_assert_max_num_queries):
    for _ in range(3):
        _to(p, complaint, ReturnStatus.INSPECTED)
    client.force_login(p.qm)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:return_list"))
    assert response.content.decode().count("RT-") >= 3
    for _ in range(5):
        _received(p, complaint)
    with django_assert_max_num_queries(12):
        client.get(reverse("complaints:return_list"))


def test_inbox_shows_each_role_the_returns_waiting_for_it(rf, p, complaint, django_assert_max_num_queries):
    from complaints.returns_claims_inbox import inbox_context

    received = _to(p, complaint, ReturnStatus.RECEIVED)
    mrb = _to(p, complaint, ReturnStatus.DISPOSED, rework=0, scrap=10)
    processed = _to(p, complaint, ReturnStatus.PROCESSED)

    def shown(user):
        request = rf.get("/")
        request.user = user
        with django_assert_max_num_queries(6):
            section = inbox_context(request)
        return {r.number for r in section["returns"]} if section else set()

    assert received.number in shown(p.qa_engineer)
    assert shown(p.qm) >= {mrb.number}
    assert shown(p.warehouse) == {processed.number}
    assert shown(p.auditor) == set()


def test_history_page_lists_the_moves_and_hides_returns_from_others(client, p, complaint):
    r = _to(p, complaint, ReturnStatus.INSPECTED)
    client.force_login(p.qm)
    response = client.get(reverse("complaints:return_history", args=[r.pk]))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3
    client.force_login(p.operator)
    assert client.get(reverse("complaints:return_history", args=[r.pk])).status_code == 404
