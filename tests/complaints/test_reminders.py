"""The daily overdue reminder command: once per item and recipient, never twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from complaints.choices import ActionKind
from complaints.models import ComplaintStep, SentReminder
from complaints.services import capa_add_action

from .conftest import advance, register

pytestmark = pytest.mark.django_db


def test_overdue_step_is_mailed_to_assignee_and_quality_manager_once(cx, capsys):
    complaint = register(cx)
    advance(cx, complaint, "analysis")
    ComplaintStep.objects.filter(complaint=complaint, completed_at__isnull=True).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("remind_overdue_complaints")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cx.qa.email, cx.qm.email])
    assert complaint.number in mail.outbox[0].subject
    assert "1 overdue item(s); 2 reminder(s) sent" in capsys.readouterr().out
    call_command("remind_overdue_complaints")
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2
    assert "0 reminder(s) sent, 2 skipped" in capsys.readouterr().out


def test_steps_not_yet_due_and_void_complaints_are_not_mailed(cx):
    due_later = register(cx)
    advance(cx, due_later, "analysis")
    void = register(cx)
    ComplaintStep.objects.filter(complaint=void).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    from complaints.services import complaint_void

    complaint_void(actor=cx.qm, complaint=void, reason="重复")
    call_command("remind_overdue_complaints")
    assert mail.outbox == []


def test_overdue_capa_action_is_mailed_to_its_owner(cx, make_capa):
    capa = make_capa()
    capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTION,
        description="隔离",
        owner=cx.prod_head,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    call_command("remind_overdue_complaints")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cx.prod_head.email, cx.qm.email])
    assert capa.number in mail.outbox[0].subject
