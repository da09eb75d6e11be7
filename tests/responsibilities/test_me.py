"""/me/: each user reads the effective job description of their posts, sees what changed since
the version they last acknowledged, and finds the button to acknowledge it.

Job descriptions are built through the services, as HR and the approving head would. The
PDF that approval renders after commit is left alone: the test transaction never commits.
"""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from org.choices import AssignmentKind
from responsibilities import services
from responsibilities.choices import AcknowledgementMethod
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

ME = "/me/"
DIFF_KINDS = ("added", "removed", "changed")


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def duty(title, description="", share=40, tasks=()):
    return {"title": title, "description": description, "time_share": share, "tasks": list(tasks)}


def kpi(name, target, weight=100):
    return {"name": name, "formula": "", "target": target, "frequency": "monthly", "weight": weight, "data_source": ""}


def publish_jd(post, *, editor, approver, duties, kpis=None, summary="", change=""):
    """The next version of ``post``'s job description, written, submitted and approved today."""
    jd = services.jd_new_draft(actor=editor, post=post)
    services.jd_update(
        actor=editor,
        jd=jd,
        revision=jd.edit_revision,
        fields={"summary": summary, "change_description": change},
        duties=duties,
        kpis=kpis,
    )
    services.jd_submit(actor=editor, jd=jd)
    return services.jd_approve(actor=approver, jd=jd)


@pytest.fixture
def operator_v1(org_tree):
    """The operator's JD V1.0, effective: HR wrote it, the production manager approved it."""
    return publish_jd(
        org_tree.operator_post,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        summary="Runs the filling line of workshop 1.",
        duties=[
            duty("Run the filling line", "Start, watch and stop the line by the work instruction.", 60),
            duty("Keep the work place clean", "Daily 5S round.", 20),
        ],
        kpis=[kpi("First-pass yield", "≥ 98 %")],
    )


def acknowledge(jd, user):
    return services.jd_acknowledge(actor=user, jd=jd, employee=user.employee)


def text(response):
    return response.content.decode()


def test_anonymous_is_sent_to_log_in(client, org_tree):
    response = client.get(ME)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/me/"


def test_login_without_employee_record_gets_a_clear_message(client, no_employee_user):
    client.force_login(no_employee_user)
    response = client.get(ME)
    assert response.status_code == 200
    assert "Your login is not linked to an employee record" in text(response)


def test_post_without_effective_jd_says_so(client, operator):
    client.force_login(operator)
    response = client.get(ME)
    assert response.status_code == 200
    body = text(response)
    assert "Operator" in body
    assert "This post has no effective job description yet." in body
    assert "I have read this version" not in body


def test_user_without_post_is_told_so(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.get(ME)
    assert response.status_code == 200
    assert "You hold no post today" in text(response)


def test_shows_effective_jd_with_acknowledge_button_and_pdf_link(client, operator, operator_v1):
    client.force_login(operator)
    response = client.get(ME)
    body = text(response)
    assert response.status_code == 200
    assert "Run the filling line" in body
    assert "Runs the filling line of workshop 1." in body
    assert "First-pass yield" in body
    assert f'action="/responsibilities/jd/{operator_v1.pk}/acknowledge/"' in body
    assert "I have read this version" in body
    assert f'href="/responsibilities/posts/{operator_v1.post_id}/jd.pdf"' in body
    assert "What changed" not in body


def test_acknowledged_version_shows_the_date_and_no_button(client, operator, operator_v1):
    ack = acknowledge(operator_v1, operator)
    client.force_login(operator)
    body = text(client.get(ME))
    assert f"You acknowledged V1.0 on {timezone.localtime(ack.acknowledged_at):%Y-%m-%d %H:%M}." in body
    assert "I have read this version" not in body


def test_paper_acknowledgement_is_named_as_such(client, org_tree, operator, operator_v1):
    services.jd_acknowledge(
        actor=org_tree.hr_user, jd=operator_v1, employee=operator.employee, method=AcknowledgementMethod.PAPER
    )
    client.force_login(operator)
    assert "Recorded by HR from your signed paper sheet." in text(client.get(ME))


@pytest.fixture
def operator_v2(org_tree, operator, operator_v1):
    """V1.0 acknowledged by the operator, then V2.0 effective: the summary and one duty
    reworded, one duty added, one removed, the KPI target raised."""
    acknowledge(operator_v1, operator)
    return publish_jd(
        org_tree.operator_post,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        summary="Runs the filling line of workshop 1 and records its stops.",
        change="Line start-up now follows the new checklist.",
        duties=[
            duty("Run the filling line", "Start with the start-up checklist, watch and stop the line.", 60),
            duty("Record line stops", "Enter every stop longer than 5 minutes.", 10),
        ],
        kpis=[kpi("First-pass yield", "≥ 99 %")],
    )


def test_shows_what_changed_since_the_last_acknowledged_version(client, operator, operator_v2):
    client.force_login(operator)
    response = client.get(ME)
    body = text(response)
    assert response.status_code == 200
    assert "What changed from V1.0 to V2.0" in body
    assert "V2.0 replaces V1.0, the version you last acknowledged." in body
    assert "Line start-up now follows the new checklist." in body
    rows = {kind: re.findall(rf'<tr class="diff-{kind}">(.*?)</tr>', body, re.S) for kind in DIFF_KINDS}
    summary, duty_changed, kpi_changed = rows["changed"]
    assert "Summary" in summary and "records its stops." in summary
    assert "Run the filling line" in duty_changed
    assert '<del class="diff-old">Start, watch and stop the line by the work instruction.</del>' in duty_changed
    assert '<ins class="diff-new">Start with the start-up checklist, watch and stop the line.</ins>' in duty_changed
    assert "First-pass yield" in kpi_changed
    assert '<del class="diff-old">≥ 98 %</del>' in kpi_changed and '<ins class="diff-new">≥ 99 %</ins>' in kpi_changed
    [added] = rows["added"]
    assert "Record line stops" in added and "Enter every stop longer than 5 minutes." in added
    [removed] = rows["removed"]
    assert "Keep the work place clean" in removed
    # The change description is said once, above the table, not listed as a change.
    assert "Description of the change</th>" not in body
    assert f'action="/responsibilities/jd/{operator_v2.pk}/acknowledge/"' in body


def test_no_diff_once_the_new_version_is_acknowledged(client, operator, operator_v2):
    acknowledge(operator_v2, operator)
    client.force_login(operator)
    body = text(client.get(ME))
    assert "What changed" not in body
    assert "You acknowledged V2.0 on" in body


def test_every_current_post_is_shown(client, org_tree, operator, operator_v1):
    AssignmentFactory(employee=operator.employee, post=org_tree.qa_engineer_post, kind=AssignmentKind.CONCURRENT)
    client.force_login(operator)
    body = text(client.get(ME))
    assert "Run the filling line" in body
    assert "QA engineer" in body
    assert "This post has no effective job description yet." in body
    assert "You hold several posts:" in body


def test_query_count_is_pinned(client, org_tree, operator, operator_v2, django_assert_max_num_queries):
    AssignmentFactory(employee=operator.employee, post=org_tree.qa_engineer_post, kind=AssignmentKind.CONCURRENT)
    client.force_login(operator)
    client.get(ME)  # session and permission caches warm
    with django_assert_max_num_queries(22):  # 20 for the page, 2 for the modules' menu entries
        response = client.get(ME)
    assert response.status_code == 200


def test_change_description_is_not_listed_as_a_change_in_chinese(client, operator, operator_v2):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(operator)
    response = client.get(ME)
    assert response.status_code == 200
    labels = [c.section for item in response.context["items"] for c in item.changes]
    assert len(labels) == 5  # the summary; a changed, an added and a removed duty; the KPI
