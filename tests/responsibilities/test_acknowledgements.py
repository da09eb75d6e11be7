"""Acknowledging a job description: online by the holder of the post, on paper through HR;
the status page per department for HR and heads, and the reminder e-mails.

Every refused action answers 403 or 404 and stores nothing. Pages are requested in English.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from org.choices import AssignmentKind
from responsibilities import services
from responsibilities.choices import AcknowledgementMethod
from responsibilities.models import Acknowledgement
from tests.factories import AssignmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

STATUS = "/responsibilities/acknowledgements/"
REMIND = "/responsibilities/acknowledgements/remind/"
PAPER = "/responsibilities/acknowledgements/paper/"


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def publish_jd(post, *, editor, approver, title="Run the filling line"):
    """The next version of ``post``'s job description, written by ``editor`` and approved today."""
    jd = services.jd_new_draft(actor=editor, post=post)
    services.jd_update(
        actor=editor,
        jd=jd,
        revision=jd.edit_revision,
        fields={"summary": f"Summary of {post.title}."},
        duties=[{"title": title, "description": "", "time_share": 50, "tasks": []}],
    )
    services.jd_submit(actor=editor, jd=jd)
    return services.jd_approve(actor=approver, jd=jd)


@pytest.fixture
def operator_jd(org_tree):
    """The operator post's effective V1.0 (workshop 1: approved by the production manager)."""
    return publish_jd(org_tree.operator_post, editor=org_tree.hr_user, approver=org_tree.prod_head)


@pytest.fixture
def qa_engineer_jd(org_tree):
    """The QA engineer post's effective V1.0 (its approver is the general manager: vacant, so
    an administrator designates one)."""
    from responsibilities.models import DesignatedApprover

    DesignatedApprover.objects.create(post=org_tree.qa_engineer_post, user=org_tree.admin_user)
    return publish_jd(org_tree.qa_engineer_post, editor=org_tree.hr_user, approver=org_tree.admin_user)


@pytest.fixture
def silent_colleague(org_tree):
    """A second operator without login and without e-mail: HR reaches them on paper only."""
    employee = EmployeeFactory(name="Sam Silent", email="")
    AssignmentFactory(employee=employee, post=org_tree.operator_post)
    return employee


def ack_url(jd):
    return reverse("responsibilities:jd_acknowledge", args=[jd.pk])


def text(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# Acknowledging online ---------------------------------------------------------------------


def test_anonymous_cannot_acknowledge(client, operator_jd):
    response = client.post(ack_url(operator_jd))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Acknowledgement.objects.exists()


def test_acknowledge_is_post_only(client, operator, operator_jd):
    client.force_login(operator)
    assert client.get(ack_url(operator_jd)).status_code == 405
    assert not Acknowledgement.objects.exists()


def test_holder_acknowledges_the_effective_version(client, operator, operator_jd):
    client.force_login(operator)
    before = timezone.now()
    response = client.post(ack_url(operator_jd), follow=True)
    assert response.redirect_chain[-1][0] == "/me/"
    assert "Thank you. You acknowledged Operator V1.0." in messages_of(response)
    ack = Acknowledgement.objects.get()
    assert ack.job_description == operator_jd
    assert ack.employee == operator.employee
    assert ack.method == AcknowledgementMethod.ONLINE
    assert ack.recorded_by == operator
    assert before <= ack.acknowledged_at <= timezone.now()
    record = ack.history.get()
    assert record.history_type == "+"
    assert record.history_user == operator


def test_second_acknowledgement_is_refused_and_changes_nothing(client, operator, operator_jd):
    client.force_login(operator)
    client.post(ack_url(operator_jd))
    first = Acknowledgement.objects.get()
    response = client.post(ack_url(operator_jd), follow=True)
    assert "Otto Operator has already acknowledged this version." in messages_of(response)
    assert Acknowledgement.objects.get() == first
    assert Acknowledgement.history.count() == 1


def test_acknowledgement_is_stored_per_version(client, org_tree, operator, operator_jd):
    client.force_login(operator)
    client.post(ack_url(operator_jd))
    v2 = publish_jd(org_tree.operator_post, editor=org_tree.hr_user, approver=org_tree.prod_head, title="Run line 2")
    client.post(ack_url(v2))
    acks = Acknowledgement.objects.order_by("job_description__version")
    assert [a.job_description.version for a in acks] == [1, 2]


def test_superseded_version_cannot_be_acknowledged(client, org_tree, operator, operator_jd):
    publish_jd(org_tree.operator_post, editor=org_tree.hr_user, approver=org_tree.prod_head, title="Run line 2")
    client.force_login(operator)
    response = client.post(ack_url(operator_jd), follow=True)
    assert "Only the effective version can be acknowledged." in messages_of(response)
    assert not Acknowledgement.objects.exists()


def test_reader_who_does_not_hold_the_post_gets_403(client, prod_head, operator_jd):
    # The production manager may read the operator's JD (his branch) but does not hold the post.
    client.force_login(prod_head)
    assert client.post(ack_url(operator_jd)).status_code == 403
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize("who", ["qa_engineer", "no_employee_user"])
def test_jd_the_user_may_not_see_is_404(client, org_tree, operator_jd, who):
    client.force_login(getattr(org_tree, who))
    assert client.post(ack_url(operator_jd)).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_unknown_jd_is_404(client, operator):
    client.force_login(operator)
    assert client.post(reverse("responsibilities:jd_acknowledge", args=[999999])).status_code == 404


def test_service_refuses_online_acknowledgement_of_a_post_not_held(org_tree, operator_jd):
    with pytest.raises(PermissionDenied):
        services.jd_acknowledge(actor=org_tree.prod_head, jd=operator_jd, employee=org_tree.prod_head.employee)


# Status page ------------------------------------------------------------------------------


def test_status_anonymous_is_sent_to_log_in(client, org_tree):
    response = client.get(STATUS)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["operator", "qa_engineer", "auditor", "no_employee_user"])
def test_status_is_refused_to_staff_and_auditors(client, org_tree, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(STATUS).status_code == 403


def test_hr_sees_every_department_with_counts(client, org_tree, operator_jd, qa_engineer_jd, silent_colleague):
    services.jd_acknowledge(actor=org_tree.operator, jd=operator_jd, employee=org_tree.operator.employee)
    client.force_login(org_tree.hr_user)
    response = client.get(STATUS)
    assert response.status_code == 200
    groups = {g.department.code: g for g in response.context["groups"]}
    assert set(groups) == {"QA", "PROD", "PROD-W1"}
    w1 = groups["PROD-W1"]
    assert (len(w1.rows), w1.due, w1.acknowledged, w1.missing, w1.percent) == (2, 2, 1, 1, 50)
    qa = groups["QA"]
    assert (qa.due, qa.acknowledged, qa.percent) == (1, 0, 0)
    assert groups["PROD"].due == 0 and groups["PROD"].percent is None
    total = response.context["total"]
    assert (total.due, total.acknowledged, total.missing) == (3, 1, 2)
    body = text(response)
    assert "Otto Operator" in body and "Sam Silent" in body and "Erin Engineer" in body
    assert "online" in body
    assert "No effective job description" in body  # the production manager's own post


def test_head_sees_only_his_branch(client, org_tree, operator_jd, qa_engineer_jd):
    client.force_login(org_tree.prod_head)
    response = client.get(STATUS)
    assert response.status_code == 200
    assert {g.department.code for g in response.context["groups"]} == {"PROD", "PROD-W1"}
    body = text(response)
    assert "Otto Operator" in body
    assert "Erin Engineer" not in body
    assert "Record a signed paper sheet" not in body


def test_department_filter_narrows_to_the_branch(client, org_tree, operator_jd, qa_engineer_jd):
    client.force_login(org_tree.hr_user)
    response = client.get(STATUS, {"department": org_tree.w1.pk})
    assert [g.department.code for g in response.context["groups"]] == ["PROD-W1"]
    assert "Erin Engineer" not in text(response)


def test_head_asking_for_another_department_gets_403(client, org_tree):
    client.force_login(org_tree.prod_head)
    assert client.get(STATUS, {"department": org_tree.qa.pk}).status_code == 403


def test_unknown_department_is_404_and_garbage_is_ignored(client, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.get(STATUS, {"department": 999999}).status_code == 404
    assert client.get(STATUS, {"department": "abc"}).status_code == 200


def test_status_query_count_is_pinned(client, org_tree, operator_jd, silent_colleague, django_assert_max_num_queries):
    for n in range(5):
        AssignmentFactory(employee=EmployeeFactory(name=f"Extra {n}"), post=org_tree.operator_post)
    services.jd_acknowledge(actor=org_tree.operator, jd=operator_jd, employee=org_tree.operator.employee)
    services.jd_acknowledge(
        actor=org_tree.hr_user, jd=operator_jd, employee=silent_colleague, method=AcknowledgementMethod.PAPER
    )
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(14):  # 11 for the page, 3 for the modules' menu entries
        response = client.get(STATUS)
    assert response.status_code == 200
    assert response.context["total"].due == 7


# Reminders --------------------------------------------------------------------------------


def test_remind_is_post_only(client, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.get(REMIND).status_code == 405


@pytest.mark.parametrize("who", ["operator", "auditor"])
def test_remind_is_refused_to_staff(client, org_tree, operator_jd, mailoutbox, who):
    client.force_login(getattr(org_tree, who))
    assert client.post(REMIND).status_code == 403
    assert mailoutbox == []


def test_head_cannot_remind_another_department(client, org_tree, qa_engineer_jd, mailoutbox):
    client.force_login(org_tree.prod_head)
    assert client.post(REMIND, {"department": org_tree.qa.pk}).status_code == 403
    assert mailoutbox == []


def test_hr_reminds_the_missing_ones_with_an_email(
    client, org_tree, operator_jd, qa_engineer_jd, silent_colleague, mailoutbox
):
    services.jd_acknowledge(actor=org_tree.qa_engineer, jd=qa_engineer_jd, employee=org_tree.qa_engineer.employee)
    client.force_login(org_tree.hr_user)
    response = client.post(REMIND, follow=True)
    assert "1 reminders sent, 1 without e-mail." in messages_of(response)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["operator@example.com"]
    assert "Operator · JD-W1-02 V1.0" in mail.body
    assert "http://testserver/me/" in mail.body


def test_employee_email_wins_over_login_email(client, org_tree, operator_jd, mailoutbox):
    employee = org_tree.operator.employee
    employee.email = "otto.private@example.com"
    employee.save()
    client.force_login(org_tree.prod_head)
    client.post(REMIND, {"department": org_tree.w1.pk})
    assert [m.to for m in mailoutbox] == [["otto.private@example.com"]]


def test_remind_command_covers_every_department(org_tree, operator_jd, qa_engineer_jd, silent_colleague, mailoutbox):
    out = StringIO()
    call_command("remind_acknowledgements", "--base-url", "https://qms.example.com/", stdout=out)
    assert out.getvalue().strip() == "2 reminder(s) sent, 1 employee(s) without e-mail."
    assert sorted(m.to[0] for m in mailoutbox) == ["operator@example.com", "qaengineer@example.com"]
    assert all("https://qms.example.com/me/" in m.body for m in mailoutbox)


def test_remind_command_for_one_department(org_tree, operator_jd, qa_engineer_jd, mailoutbox):
    out = StringIO()
    call_command("remind_acknowledgements", "--department", "QA", stdout=out)
    assert out.getvalue().strip() == "1 reminder(s) sent, 0 employee(s) without e-mail."
    assert [m.to for m in mailoutbox] == [["qaengineer@example.com"]]


# Paper acknowledgements -------------------------------------------------------------------


def test_paper_anonymous_is_sent_to_log_in(client, org_tree):
    response = client.get(PAPER)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["prod_head", "operator", "auditor"])
def test_paper_is_for_hr_only(client, org_tree, operator_jd, silent_colleague, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(PAPER).status_code == 403
    response = client.post(PAPER, {"employee": silent_colleague.pk})
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


@pytest.fixture
def frozen():
    """The clock stopped at 10:00 today in the company's time zone."""
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    with time_machine.travel(now, tick=False):
        yield now


@pytest.fixture
def effective_last_week(org_tree, frozen):
    """The operator post's V1.0, approved and in effect since a week ago."""
    with time_machine.travel(frozen - datetime.timedelta(days=7), tick=False):
        return publish_jd(org_tree.operator_post, editor=org_tree.hr_user, approver=org_tree.prod_head)


def local_input(moment):
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def test_hr_records_a_paper_acknowledgement_signed_days_ago(
    client, org_tree, effective_last_week, silent_colleague, frozen
):
    client.force_login(org_tree.hr_user)
    assert client.get(PAPER).status_code == 200
    signed = frozen - datetime.timedelta(days=3, hours=1, minutes=30)
    response = client.post(PAPER, {"employee": silent_colleague.pk, "signed_at": local_input(signed)}, follow=True)
    assert response.redirect_chain[-1][0] == f"{STATUS}?department={org_tree.w1.pk}"
    assert "Paper acknowledgement of Sam Silent recorded." in messages_of(response)
    ack = Acknowledgement.objects.get()
    assert (ack.employee, ack.job_description, ack.method) == (silent_colleague, effective_last_week, "paper")
    assert (ack.acknowledged_at, ack.recorded_at, ack.recorded_by) == (signed, frozen, org_tree.hr_user)
    assert ack.history.get().history_user == org_tree.hr_user
    row = next(r for g in response.context["groups"] for r in g.rows if r.employee == silent_colleague)
    assert row.acknowledgement == ack
    page = text(response)
    assert 'badge acting">paper</span>' in page
    assert "Hannah HR" in page
    assert f"{timezone.localtime(signed):%Y-%m-%d %H:%M}" in page
    assert f"recorded {timezone.localtime(frozen):%Y-%m-%d %H:%M}" in page
    listed = text(client.get(PAPER))
    assert f"{timezone.localtime(signed):%Y-%m-%d %H:%M}" in listed
    assert f"{timezone.localtime(frozen):%Y-%m-%d %H:%M}" in listed


def test_paper_signed_without_a_time_was_signed_now(client, org_tree, effective_last_week, silent_colleague, frozen):
    client.force_login(org_tree.hr_user)
    client.post(PAPER, {"employee": silent_colleague.pk, "signed_at": ""})
    ack = Acknowledgement.objects.get()
    assert (ack.acknowledged_at, ack.recorded_at) == (frozen, frozen)


@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (datetime.timedelta(minutes=1), "When it was signed cannot lie in the future."),
        (-datetime.timedelta(days=8), "took effect on"),
    ],
)
def test_paper_refuses_a_time_in_the_future_or_before_the_version_took_effect(
    client, org_tree, effective_last_week, silent_colleague, frozen, delta, message
):
    client.force_login(org_tree.hr_user)
    response = client.post(PAPER, {"employee": silent_colleague.pk, "signed_at": local_input(frozen + delta)})
    assert response.status_code == 200
    assert message in text(response)
    assert not Acknowledgement.objects.exists()


def test_the_service_refuses_a_signature_before_approval_and_stores_nothing(
    org_tree, effective_last_week, silent_colleague, frozen
):
    with pytest.raises(services.DomainError, match="took effect"):
        services.jd_acknowledge(
            actor=org_tree.hr_user,
            jd=effective_last_week,
            employee=silent_colleague,
            method=AcknowledgementMethod.PAPER,
            happened_at=effective_last_week.approved_at - datetime.timedelta(minutes=1),
        )
    assert not Acknowledgement.objects.exists()


def test_paper_twice_is_refused(client, org_tree, operator_jd, silent_colleague):
    client.force_login(org_tree.hr_user)
    data = {"employee": silent_colleague.pk}
    client.post(PAPER, data)
    response = client.post(PAPER, data)
    assert response.status_code == 200
    assert "Sam Silent has already acknowledged this version." in text(response)
    assert Acknowledgement.objects.count() == 1


def test_paper_for_a_post_without_effective_jd_is_refused(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.post(PAPER, {"employee": org_tree.operator.employee.pk})
    assert response.status_code == 200
    assert "Otto Operator holds no post with an effective job description." in text(response)
    assert not Acknowledgement.objects.exists()


def test_paper_with_several_posts_asks_which_jd(client, org_tree, operator_jd, qa_engineer_jd, silent_colleague):
    AssignmentFactory(employee=silent_colleague, post=org_tree.qa_engineer_post, kind=AssignmentKind.CONCURRENT)
    client.force_login(org_tree.hr_user)
    data = {"employee": silent_colleague.pk}
    response = client.post(PAPER, data)
    assert "Sam Silent holds several posts: choose the job description that was signed." in text(response)
    assert not Acknowledgement.objects.exists()

    client.post(PAPER, data | {"job_description": qa_engineer_jd.pk})
    assert Acknowledgement.objects.get().job_description == qa_engineer_jd


def test_paper_refuses_a_jd_of_a_post_the_employee_does_not_hold(
    client, org_tree, operator_jd, qa_engineer_jd, silent_colleague
):
    client.force_login(org_tree.hr_user)
    data = {"employee": silent_colleague.pk, "job_description": qa_engineer_jd.pk}
    response = client.post(PAPER, data)
    assert "This is not the job description of a post Sam Silent holds today." in text(response)
    assert not Acknowledgement.objects.exists()
