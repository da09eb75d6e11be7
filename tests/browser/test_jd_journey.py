"""A job description revised, approved, read and acknowledged, in a real browser.

The workshop lead revises a duty of the operator's job description, the head of Production
(one level up) approves it, and the operator finds the change highlighted on ``/me/``,
acknowledges it and downloads the PDF. The pages run in Chinese; the steps find their
buttons by the URLs they post to, not by their (translated) labels.
"""

import re

import pytest
from django.utils import translation

from responsibilities import services
from responsibilities.choices import DocumentStatus
from responsibilities.models import Acknowledgement, JobDescription
from tests.factories import PASSWORD, AssignmentFactory, EmployeeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_TEXT = "Set up and run the press."
NEW_TEXT = "Set up, run and clean the press; stop it at the first defective part."


def log_in(page, username, start):
    """Open ``start`` as a stranger, get sent to the login form, log in, land on ``start``."""
    page.goto(start)
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


@pytest.fixture
def workshop_lead(org_tree):
    user = UserFactory(username="wlead", first_name="Wanda Workshop")
    AssignmentFactory(employee=EmployeeFactory(name="Wanda Workshop", user=user), post=org_tree.w1_head_post)
    return user


@pytest.fixture
def in_force(org_tree):
    """Version 1 of the operator's job description, in force and acknowledged by the operator."""
    hr, post = org_tree.hr_user, org_tree.operator_post
    with translation.override("en"):
        jd = services.jd_new_draft(actor=hr, post=post)
        services.jd_update(
            actor=hr,
            jd=jd,
            revision=0,
            fields={"summary": "Runs the press of workshop 1.", "change_description": "First issue"},
            duties=[
                {"title": "Run the press", "description": OLD_TEXT, "time_share": 80, "tasks": []},
                {"title": "Keep the workplace tidy", "description": "5S", "time_share": 20, "tasks": []},
            ],
            kpis=[
                {
                    "name": "First pass yield",
                    "formula": "good parts / all parts",
                    "target": "≥ 98 %",
                    "frequency": "monthly",
                    "weight": 100,
                    "data_source": "MES",
                }
            ],
            training=[{"name": "Press safety", "before_taking_up": True, "validity_months": 24}],
        )
        services.jd_submit(actor=hr, jd=jd)
        jd = services.jd_approve(actor=org_tree.prod_head, jd=jd)
        services.jd_acknowledge(actor=org_tree.operator, jd=jd, employee=org_tree.operator.employee)
    return jd


def test_a_revised_duty_is_approved_read_and_acknowledged(chromium, org_tree, workshop_lead, in_force, artifacts):
    post = org_tree.operator_post
    detail = f"/responsibilities/posts/{post.pk}/jd/"

    # The workshop lead starts a revision of the version in force and rewrites a duty.
    lead = chromium.new_page()
    log_in(lead, "wlead", detail)
    assert lead.get_attribute("html", "lang") == "zh-hans"
    assert OLD_TEXT in lead.inner_text("#jd-duties")
    lead.click(f'form[action="/responsibilities/posts/{post.pk}/jd/new/"] button')
    lead.wait_for_url(re.compile(r"/responsibilities/jd/\d+/edit/$"))
    draft = JobDescription.objects.get(post=post, version=2)
    assert lead.input_value("#id_duties-0-description") == OLD_TEXT
    lead.fill("#id_duties-0-description", NEW_TEXT)
    lead.fill("#id_change_description", "Stop at the first defective part")
    lead.screenshot(path=str(artifacts / "jd-edit.png"), full_page=True)
    lead.click("form.jd-editor .actions button[type=submit]")
    lead.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))
    assert NEW_TEXT in lead.inner_text("#jd-duties")
    lead.click(f'form[action="/responsibilities/jd/{draft.pk}/submit/"] button')
    lead.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.IN_REVIEW
    assert lead.locator(f'a[href="/responsibilities/jd/{draft.pk}/approve/"]').count() == 0  # not the author's

    # The head of Production, one level up, compares and approves.
    head = chromium.new_page()
    log_in(head, "prodhead", detail)
    head.goto(f"/responsibilities/posts/{post.pk}/jd/compare/?a=1&b=2")
    assert head.locator("#diff-duties tr.diff-changed").count() == 1
    assert NEW_TEXT in head.inner_text("#diff-duties tr.diff-changed")
    head.screenshot(path=str(artifacts / "jd-compare.png"), full_page=True)
    head.goto(detail + "?version=2")
    head.click(f'a[href="/responsibilities/jd/{draft.pk}/approve/"]')
    head.wait_for_url(f"**/responsibilities/jd/{draft.pk}/approve/")
    head.click("form.stacked button[type=submit]")
    head.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))
    draft.refresh_from_db()
    in_force.refresh_from_db()
    assert (draft.status, draft.approved_by) == (DocumentStatus.EFFECTIVE, org_tree.prod_head)
    assert in_force.status == DocumentStatus.SUPERSEDED

    # The operator reads the new version, sees the change on /me/ and acknowledges it.
    staff = chromium.new_page()
    log_in(staff, "operator", detail)
    assert NEW_TEXT in staff.inner_text("#jd-duties")
    assert staff.locator('[data-status="effective"]').first.is_visible()
    staff.screenshot(path=str(artifacts / "jd-detail.png"), full_page=True)

    staff.goto("/me/")
    changes = staff.locator(f"#changes-{post.pk}")
    assert NEW_TEXT in changes.locator("tr.diff-changed").inner_text()
    assert OLD_TEXT in changes.locator("tr.diff-changed del").inner_text()
    staff.screenshot(path=str(artifacts / "jd-me.png"), full_page=True)
    staff.click(f'form[action="/responsibilities/jd/{draft.pk}/acknowledge/"] button')
    staff.wait_for_url("**/me/")
    assert staff.locator(f"#post-{post.pk} .ack-state").is_visible()
    acknowledgement = Acknowledgement.objects.get(job_description=draft, employee=org_tree.operator.employee)
    assert acknowledgement.method == "online"

    # ... and downloads the PDF of the version in force.
    pdf = staff.request.get(f"/responsibilities/posts/{post.pk}/jd.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # Someone else's job description stays closed to the operator.
    response = staff.goto(f"/responsibilities/posts/{org_tree.qa_engineer_post.pk}/jd/")
    assert response.status == 404


def test_hr_grants_an_editor_who_is_refused_on_bad_weights_and_returned_to_draft(
    chromium, org_tree, workshop_lead, in_force, artifacts
):
    post = org_tree.operator_post
    detail = f"/responsibilities/posts/{post.pk}/jd/"

    # HR finds the post in the register of Production and lets the QA engineer edit it.
    hr = chromium.new_page(locale="en-US")
    log_in(hr, "hr", "/responsibilities/")
    hr.select_option("#id_department", str(org_tree.prod.pk))
    hr.click("form.filters button[type=submit]")
    hr.wait_for_url(re.compile(r"department="))
    assert hr.locator("#jd-register tbody tr:not(.group)").count() == 3
    assert hr.locator(f'a[href="/responsibilities/departments/{org_tree.w1.pk}/jd.pdf"]').count() >= 1
    hr.screenshot(path=str(artifacts / "jd-register.png"), full_page=True)
    hr.goto(f"/responsibilities/posts/{post.pk}/editors/")
    assert "Wanda Workshop" in hr.inner_text("#derived")
    hr.select_option("#id_user", str(org_tree.qa_engineer.pk))
    hr.check("input[name=scope][value=post]")
    hr.click("#granted form.stacked button[type=submit]")
    hr.wait_for_url(f"**/responsibilities/posts/{post.pk}/editors/")
    assert "Erin Engineer" in hr.inner_text("#granted")
    hr.screenshot(path=str(artifacts / "jd-editors.png"), full_page=True)

    # The engineer starts a revision; KPI weights off 100 % are refused on the page.
    engineer = chromium.new_page(locale="en-US")
    log_in(engineer, "qaengineer", detail)
    engineer.click(f'form[action="/responsibilities/posts/{post.pk}/jd/new/"] button')
    engineer.wait_for_url(re.compile(r"/responsibilities/jd/\d+/edit/$"))
    draft = JobDescription.objects.get(post=post, version=2)
    engineer.fill("#id_kpis-0-weight", "90")
    engineer.fill("#id_duties-0-tasks", "Operator | Check the die | | Each shift\n | | too | many | parts | here")
    engineer.click("form.jd-editor .actions button[type=submit]")
    assert "The KPI weights add up to 90 %; they must add up to 100 %." in engineer.inner_text("form.jd-editor")
    assert "Line 2 has 6 parts" in engineer.inner_text("#duties-row-0")
    engineer.screenshot(path=str(artifacts / "jd-edit-errors.png"), full_page=True)
    engineer.fill("#id_kpis-0-weight", "100")
    engineer.fill("#id_duties-0-tasks", "Operator | Check the die | | Each shift")
    engineer.fill("#id_change_description", "Die check each shift")
    engineer.click("form.jd-editor .actions button[type=submit]")
    engineer.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))
    engineer.click(f'form[action="/responsibilities/jd/{draft.pk}/submit/"] button')
    engineer.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))

    # The head of Production returns it with a comment, which the engineer then sees.
    head = chromium.new_page(locale="en-US")
    log_in(head, "prodhead", detail + "?version=2")
    head.click(f'a[href="/responsibilities/jd/{draft.pk}/approve/"]')
    head.wait_for_url(f"**/jd/{draft.pk}/approve/")
    head.screenshot(path=str(artifacts / "jd-approve.png"), full_page=True)
    head.click(f'a[href="/responsibilities/jd/{draft.pk}/reject/"]')
    head.wait_for_url(f"**/jd/{draft.pk}/reject/")
    head.fill("#id_comment", "Name the checklist used for the die check.")
    head.click("form.stacked button[type=submit]")
    head.wait_for_url(re.compile(re.escape(detail) + r"\?version=2$"))
    draft.refresh_from_db()
    assert (draft.status, draft.review_comment) == (DocumentStatus.DRAFT, "Name the checklist used for the die check.")

    engineer.goto(detail)
    assert "Name the checklist used for the die check." in engineer.inner_text(".review-comment")
    engineer.screenshot(path=str(artifacts / "jd-returned.png"), full_page=True)
    engineer.goto(f"/responsibilities/jd/{draft.pk}/history/")
    assert "Returned to draft" in engineer.inner_text("main")
