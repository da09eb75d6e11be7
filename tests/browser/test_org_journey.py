"""Journeys through the organisation pages in a real browser (Debian's chromium)."""

import re

import pytest
from django.utils import translation

from org.models import Department, Post
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, start="/org/chart/"):
    """Open ``start`` as a stranger, get sent to the login form, log in, land on ``start``."""
    page.goto(start)
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def zh(text):
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_department_head_edits_an_own_post_and_is_refused_elsewhere(chromium, org_tree, artifacts):
    page = chromium.new_page()
    log_in(page, "prodhead")

    # The chart, in Chinese, with its vacant seats.
    assert page.get_attribute("html", "lang") == "zh-hans"
    vacant = page.locator(".badge.vacant")
    assert vacant.count() == 5
    assert vacant.first.inner_text().strip() == zh("vacant")
    assert page.locator(f"#dept-{org_tree.w1.pk}").is_visible()
    page.screenshot(path=str(artifacts / "org-chart.png"), full_page=True)

    # A post of Workshop 1, below the head's own department.
    post = org_tree.operator_post
    page.click(f'#dept-{org_tree.w1.pk} .post a[href="/org/posts/{post.pk}/"]')
    page.wait_for_url(f"**/org/posts/{post.pk}/")
    page.click(f'a[href="/org/posts/{post.pk}/edit/"]')
    page.wait_for_url(f"**/org/posts/{post.pk}/edit/")
    assert page.input_value("#id_title") == "Operator"
    page.fill("#id_title", "Machine operator")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**/org/posts/{post.pk}/")
    assert "Machine operator" in page.inner_text("h1")
    assert page.locator(".messages li").count() == 1
    post.refresh_from_db()
    assert post.title == "Machine operator"
    assert post.history.order_by("-history_id").first().history_user == org_tree.prod_head

    # A post of Quality: not the head's to change.
    other = org_tree.qa_engineer_post
    response = page.goto(f"/org/posts/{other.pk}/edit/")
    assert response.status == 403
    assert page.inner_text("h1").strip() == zh("Not allowed")
    assert page.locator("#id_title").count() == 0
    other.refresh_from_db()
    assert other.title == "QA engineer"


def test_hr_creates_a_department_and_a_post(chromium, org_tree, artifacts):
    page = chromium.new_page(locale="en-US")
    log_in(page, "hr", start="/org/departments/")

    page.click('a[href="/org/departments/new/"]')
    page.wait_for_url("**/org/departments/new/")
    page.fill("#id_code", "QA-LAB")
    page.fill("#id_name", "Laboratory")
    page.select_option("#id_parent", str(org_tree.qa.pk))
    page.fill("#id_purpose", "Incoming inspection and calibration")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/org/departments/\d+/$"))
    assert "Laboratory" in page.inner_text("h1")

    lab = Department.objects.get(code="QA-LAB")
    assert lab.parent == org_tree.qa
    assert lab.history.get().history_user == org_tree.hr_user

    page.click(f'a[href="/org/posts/new/?department={lab.pk}"]')
    page.wait_for_url("**/org/posts/new/*")
    assert page.input_value("#id_department") == str(lab.pk)
    page.fill("#id_code", "LAB-01")
    page.fill("#id_title", "Lab technician")
    page.select_option("#id_superior", str(org_tree.qa_head_post.pk))
    page.fill("#id_headcount", "2")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/org/posts/\d+/$"))
    assert "Lab technician" in page.inner_text("h1")
    assert "Laboratory" in page.inner_text(".breadcrumb")
    page.screenshot(path=str(artifacts / "hr-new-post.png"), full_page=True)

    post = Post.objects.get(code="LAB-01")
    assert (post.department, post.superior, post.headcount) == (lab, org_tree.qa_head_post, 2)
    assert post.history.get().history_user == org_tree.hr_user

    # The new branch is on the chart with its two open seats.
    page.goto(f"/org/chart/?root={lab.pk}")
    assert page.locator(".badge.vacant").count() == 2
    assert "Lab technician" in page.inner_text(".chart")
