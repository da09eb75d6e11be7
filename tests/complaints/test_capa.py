"""The reusable CAPA: opening from any module, actions, effectiveness check, closure rules,
forbidden moves, the CAR report, list and detail pages."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from complaints import services
from complaints.choices import ActionKind, CapaSource, CapaStatus
from complaints.models import Capa, ChangeTraining, Customer
from complaints.signals import training_required
from core.errors import DomainError

from .conftest import capa_to_verified

pytestmark = pytest.mark.django_db
C = CapaStatus


def snap(capa):
    capa.refresh_from_db()
    return (capa.status, capa.actions.count(), capa.checks.count(), capa.events.count(), capa.history.count())


def test_capa_numbers_and_generic_origin(cx, make_capa):
    origin = Customer.objects.create(code="C9", name="回访客户")
    first = make_capa()
    second = make_capa(source=CapaSource.SATISFACTION, origin=origin, actor=cx.sales)
    year = timezone.localdate().year
    assert first.number == f"CAPA-{year}-0001" and second.number == f"CAPA-{year}-0002"
    assert second.origin == origin and second.owner == cx.sales
    assert second.get_absolute_url() == reverse("complaints:capa_detail", args=[second.pk])


def test_operator_may_not_open_a_capa(cx, make_capa):
    with pytest.raises(DomainError):
        make_capa(actor=cx.operator)
    assert not Capa.objects.exists()


def test_corrective_action_needs_root_cause_but_correction_does_not(cx, make_capa):
    capa = make_capa()
    services.capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTION,
        description="隔离",
        owner=cx.qa,
        due_date=timezone.localdate(),
    )
    before = snap(capa)
    with pytest.raises(DomainError):
        services.capa_add_action(
            actor=cx.qa,
            capa=capa,
            kind=ActionKind.CORRECTIVE,
            description="改参数",
            owner=cx.qa,
            due_date=timezone.localdate(),
        )
    assert snap(capa) == before


def test_check_needs_all_actions_done(cx, make_capa):
    capa = make_capa()
    services.capa_record_root_cause(actor=cx.qa, capa=capa, root_cause="参数漂移")
    action = services.capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTIVE,
        description="固化参数",
        owner=cx.prod_head,
        due_date=timezone.localdate(),
    )
    due = timezone.localdate() + datetime.timedelta(days=7)
    with pytest.raises(DomainError):
        services.capa_plan_check(actor=cx.qa, capa=capa, method="巡检", due_date=due, assignee=cx.qa)
    with pytest.raises(ValidationError):
        services.capa_complete_action(actor=cx.prod_head, action=action, evidence="")
    with pytest.raises(DomainError):
        services.capa_complete_action(actor=cx.operator, action=action, evidence="完成")
    services.capa_complete_action(actor=cx.prod_head, action=action, evidence="参数表已更新")
    check = services.capa_plan_check(actor=cx.qa, capa=capa, method="巡检", due_date=due, assignee=cx.qa)
    capa.refresh_from_db()
    assert capa.status == C.VERIFICATION and check.due_date == due


def test_failed_check_reopens_and_closure_needs_a_passed_check(cx, make_capa):
    capa = make_capa()
    services.capa_record_root_cause(actor=cx.qa, capa=capa, root_cause="参数漂移")
    action = services.capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTIVE,
        description="固化参数",
        owner=cx.qa,
        due_date=timezone.localdate(),
    )
    services.capa_complete_action(actor=cx.qa, action=action, evidence="完成")
    check = services.capa_plan_check(
        actor=cx.qa, capa=capa, method="巡检", due_date=timezone.localdate(), assignee=cx.qa
    )
    with pytest.raises(DomainError):
        services.capa_close(actor=cx.qm, capa=capa)
    services.capa_record_check(actor=cx.qa, check=check, passed=False, note="仍有飞溅")
    capa.refresh_from_db()
    assert capa.status == C.IMPLEMENTING and capa.reopen_count == 1
    before = snap(capa)
    with pytest.raises(DomainError):
        services.capa_close(actor=cx.qm, capa=capa)
    assert snap(capa) == before


def test_only_the_quality_manager_closes(cx, make_capa):
    capa, _action, _check = capa_to_verified(cx, make_capa())
    assert capa.status == C.VERIFIED
    before = snap(capa)
    for wrong in (cx.qa, cx.sales, cx.auditor):
        with pytest.raises(DomainError):
            services.capa_close(actor=wrong, capa=capa)
    assert snap(capa) == before
    services.capa_close(actor=cx.qm, capa=capa, comment="有效")
    capa.refresh_from_db()
    assert capa.status == C.CLOSED and capa.closed_by == cx.qm
    with pytest.raises(DomainError):
        services.capa_add_action(
            actor=cx.qa,
            capa=capa,
            kind=ActionKind.CORRECTION,
            description="x",
            owner=cx.qa,
            due_date=timezone.localdate(),
        )
    with pytest.raises(DomainError):
        services.capa_void(actor=cx.qm, capa=capa, reason="x")


def test_capa_training_is_recorded_and_announced(cx, make_capa, django_capture_on_commit_callbacks):
    capa = make_capa(department=cx.tree.prod)
    received = []
    training_required.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="capa-training-test")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.capa_record_training(
                actor=cx.qa, capa=capa, department=cx.tree.prod, topic="新焊接参数", due_date=timezone.localdate()
            )
    finally:
        training_required.disconnect(dispatch_uid="capa-training-test")
    assert ChangeTraining.objects.get().capa == capa
    assert received[0]["source"] == capa and received[0]["due_date"] == timezone.localdate()


def test_capa_pages_and_car_report(client, cx, make_capa):
    capa, _action, _check = capa_to_verified(cx, make_capa(department=cx.tree.prod))
    client.force_login(cx.qa)
    response = client.get(capa.get_absolute_url())
    assert response.status_code == 200 and not response.context["can"]["close"]
    client.force_login(cx.qm)
    response = client.get(capa.get_absolute_url())
    assert response.context["can"]["close"]
    assert (
        client.post(reverse("complaints:capa_step", args=[capa.pk, "close"]), {"close-comment": "关闭"}).status_code
        == 302
    )
    capa.refresh_from_db()
    assert capa.status == C.CLOSED
    pdf = client.get(reverse("complaints:capa_pdf", args=[capa.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert capa.number in text and "固化参数" in text and "连续两周巡检" in text


def test_capa_step_view_refuses_wrong_role_and_hides_from_others(client, cx, make_capa):
    capa = make_capa()
    client.force_login(cx.sales)
    # Sales did not open it, own it or hold an action: 404.
    assert client.get(capa.get_absolute_url()).status_code == 404
    client.force_login(cx.auditor)
    assert client.get(capa.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("complaints:capa_step", args=[capa.pk, "root_cause"]), {"root_cause-root_cause": "x"}
    )
    assert response.status_code == 403
    capa.refresh_from_db()
    assert capa.status == C.OPEN


def test_capa_list_query_count_is_constant(client, cx, make_capa, django_assert_max_num_queries):
    for _ in range(2):
        make_capa()
    client.force_login(cx.qm)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("complaints:capa_list"))
    for _ in range(10):
        make_capa(department=cx.tree.prod, owner=cx.prod_head)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("complaints:capa_list"), {"status": "open"})
    assert len(response.context["capas"]) == 12
