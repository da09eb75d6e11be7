"""The training year in a real browser: HR drafts the annual plan from the needs, the general
manager approves it, HR records a training event with its results, the matrix turns green for
the trained employee, and assigning an unqualified person to a special post is refused.

The pages run in Chinese; the steps find fields by their ids and buttons by the URLs they post to.
"""

import re

import pytest
from django.utils import translation

from org.models import Assignment, today
from tests.factories import PASSWORD
from tests.training.fixtures import catalogue, forklift_post, gm, operator_jd  # noqa: F401
from training import services
from training.choices import PlanStatus
from training.models import Qualification, TrainingPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, start):
    page.goto(start)
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def press_cell(page, employee):
    """The status of the operator's press-safety cell (the last column of the matrix)."""
    return page.locator(f'tr[data-employee="{employee.number}"] td.cell span').last.get_attribute("data-status")


def test_plan_event_matrix_and_gate(chromium, org_tree, gm, catalogue, operator_jd, forklift_post, artifacts):  # noqa: F811
    operator = org_tree.operator.employee
    with translation.override("en"):
        services.need_create(
            actor=org_tree.prod_head,
            department=org_tree.w1,
            course=catalogue.press,
            topic="Press safety",
            employees=[operator],
        )

    hr = chromium.new_page()
    log_in(hr, "hr", "/training/matrix/")
    assert press_cell(hr, operator) == "missing"

    # HR drafts this year's plan from the open needs and submits it.
    hr.goto("/training/plans/new/")
    hr.fill("#id_year", str(today().year))
    hr.click("form.stacked button[type=submit]")
    hr.wait_for_url(re.compile(r"/training/plans/\d+/$"))
    plan = TrainingPlan.objects.get()
    hr.click(f"form[action='/training/plans/{plan.pk}/draft-from-needs/'] button")
    hr.wait_for_selector("#plan-items >> text=Press safety")
    hr.click(f"form[action='/training/plans/{plan.pk}/submit/'] button")
    hr.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # The general manager approves it.
    boss = chromium.new_page()
    log_in(boss, "gm", f"/training/plans/{plan.pk}/")
    boss.click(f"a[href='/training/plans/{plan.pk}/approve/']")
    boss.fill("#id_comment", "Agreed")
    boss.click("form.stacked button[type=submit]")
    boss.wait_for_url(re.compile(rf"/training/plans/{plan.pk}/$"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED

    # HR records the training event of the plan line with its result.
    item = plan.items.get()
    hr.goto(f"/training/events/new/?item={item.pk}")
    hr.fill("#id_trainer", "Tom Trainer")
    hr.select_option("#id_attendees", [str(operator.pk)])
    hr.click("form.stacked button[type=submit]")
    hr.wait_for_url(re.compile(r"/training/events/\d+/$"))
    hr.select_option(f"tr[data-employee='{operator.number}'] select", "passed")
    hr.click("#save-results")
    hr.wait_for_selector(f"tr[data-employee='{operator.number}'] .st-valid")
    hr.click("form[action$='/complete/'] button")
    hr.wait_for_load_state()
    qualification = Qualification.objects.get(employee=operator)
    assert qualification.course == catalogue.press and qualification.attendance.event.plan_item == item

    # The matrix turns green for the operator.
    hr.goto("/training/matrix/")
    assert press_cell(hr, operator) == "valid"
    hr.screenshot(path=str(artifacts / "training-matrix.png"), full_page=True)

    # Assigning someone without the forklift licence to the special post is refused.
    engineer = org_tree.qa_engineer.employee
    hr.goto(f"/org/posts/{forklift_post.pk}/assign/")
    hr.select_option("#id_employee", str(engineer.pk))
    hr.select_option("#id_kind", "concurrent")
    hr.click("form.stacked button[type=submit]")
    hr.wait_for_selector(".errorlist")
    assert "Forklift driving" in hr.inner_text(".errorlist")
    assert not Assignment.objects.filter(employee=engineer, post=forklift_post).exists()
