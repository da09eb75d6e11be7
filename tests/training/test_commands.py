"""The daily reminder of expiring qualifications, and the demo data command."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from org.models import today
from tests.factories import EmployeeFactory
from training.models import ExpiryReminder, add_months

pytestmark = pytest.mark.django_db


def test_expiring_qualifications_are_mailed_to_employee_and_head_once(
    org_tree, catalogue, qualify, django_capture_on_commit_callbacks, capsys
):
    operator = org_tree.operator.employee
    operator.email = "otto@example.com"
    operator.save()
    qualify([operator], catalogue.press, day=add_months(today(), -11))  # ends in about a month
    qualify([org_tree.qa_engineer.employee], catalogue.press, day=today() - datetime.timedelta(days=10))  # a year
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_expiring_qualifications")
    assert "1 expiring qualification(s) within 60 days reminded; 1 mail(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # Workshop 1's head post is vacant: nobody heads the operator there, so only he is told.
    assert message.to == ["otto@example.com"]
    assert "Press safety" in message.subject and "Otto Operator" in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_expiring_qualifications")
    assert len(mail.outbox) == 1
    assert ExpiryReminder.objects.count() == 1
    # A second, closer threshold is a new reminder.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_expiring_qualifications", "--days", "45")
    assert len(mail.outbox) == 2


def test_the_head_of_the_department_is_copied(org_tree, catalogue, qualify, django_capture_on_commit_callbacks):
    engineer = org_tree.qa_engineer.employee
    qa_head = org_tree.qa_head
    qa_head.email = "quinn@example.com"
    qa_head.save()
    qualify([engineer], catalogue.press, day=add_months(today(), -11))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_expiring_qualifications")
    assert mail.outbox[0].to == ["qaengineer@example.com", "quinn@example.com"]


def test_renewed_qualifications_are_not_reminded(org_tree, catalogue, qualify, django_capture_on_commit_callbacks):
    operator = org_tree.operator.employee
    qualify([operator], catalogue.press, day=add_months(today(), -11))
    qualify([operator], catalogue.press, day=today() - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_expiring_qualifications")
    assert mail.outbox == []


def test_seed_demo_training_is_idempotent_and_obeys_the_gate(db, capsys):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_documents", verbosity=0)
    capsys.readouterr()
    call_command("seed_demo_training")
    out = capsys.readouterr().out
    assert "Training demo: 10 courses" in out
    call_command("seed_demo_training")
    assert "already present" in capsys.readouterr().out
    from org.models import Assignment
    from training.models import Qualification, TrainingPlan
    from training.services import missing_for_post

    for a in Assignment.objects.current().filter(post__is_special=True).select_related("employee", "post"):
        assert missing_for_post(a.employee, a.post) == []
    plan = TrainingPlan.objects.get()
    assert plan.status == "published" and plan.distributions.exists()
    assert Qualification.objects.filter(valid_until__lte=today() + datetime.timedelta(days=60)).exists()
    assert EmployeeFactory._meta.model.objects.filter(number="E0084").exists()
