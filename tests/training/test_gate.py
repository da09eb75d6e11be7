"""The qualification gate on assignments (``org.hooks.ASSIGNMENT_CHECKS``) and the needs a
new hire or transfer creates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from org import services as org_services
from org.models import Assignment, today
from tests.factories import EmployeeFactory
from training.choices import AttendanceResult, NeedSource
from training.models import QualificationException, TrainingNeed, add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def driver(org_tree):
    return EmployeeFactory(name="Dora Driver", hire_date=today() - datetime.timedelta(days=1000))


def test_assigning_an_unqualified_employee_to_a_special_post_is_refused(org_tree, catalogue, forklift_post, driver):
    with pytest.raises(ValidationError) as error:
        org_services.assignment_create(actor=org_tree.hr_user, employee=driver, post=forklift_post)
    assert "Dora Driver holds no valid Forklift driving" in str(error.value)
    assert "exception" in str(error.value)
    assert not Assignment.objects.filter(employee=driver).exists()
    assert not TrainingNeed.objects.exists()


def test_a_valid_qualification_opens_the_special_post(org_tree, catalogue, forklift_post, driver, qualify):
    qualify([driver], catalogue.forklift, day=today() - datetime.timedelta(days=30))
    assignment = org_services.assignment_create(actor=org_tree.hr_user, employee=driver, post=forklift_post)
    assert assignment.pk


def test_an_expired_or_failed_qualification_does_not(org_tree, catalogue, forklift_post, driver, qualify):
    qualify([driver], catalogue.forklift, day=add_months(today(), -25))
    qualify([driver], catalogue.forklift, day=today() - datetime.timedelta(days=2), result=AttendanceResult.FAILED)
    with pytest.raises(ValidationError, match="holds no valid"):
        org_services.assignment_create(actor=org_tree.hr_user, employee=driver, post=forklift_post)


def test_hr_may_record_an_exception_with_a_reason_kept_in_history(org_tree, catalogue, forklift_post, driver):
    reason = "Exam booked for next week; drives only under supervision until then."
    assignment = org_services.assignment_create(
        actor=org_tree.hr_user, employee=driver, post=forklift_post, qualification_exception_reason=reason
    )
    exception = QualificationException.objects.get(assignment=assignment)
    assert exception.reason == reason and exception.granted_by == org_tree.hr_user
    assert exception.missing == "Forklift driving"
    assert assignment.history.first().history_change_reason == reason[:100]
    assert exception.history.first().history_user == org_tree.hr_user
    # The missing licence is now a need of the post's department.
    need = TrainingNeed.objects.get(course=catalogue.forklift)
    assert need.source == NeedSource.SPECIAL_POST
    assert list(need.employees.all()) == [driver]


def test_a_department_head_cannot_grant_an_exception(org_tree, catalogue, forklift_post, driver):
    with pytest.raises(ValidationError, match="Only HR"):
        org_services.assignment_create(
            actor=org_tree.prod_head, employee=driver, post=forklift_post, qualification_exception_reason="Urgent"
        )
    assert not Assignment.objects.filter(employee=driver).exists()


def test_ordinary_posts_are_not_gated_but_a_new_hire_gets_needs(org_tree, catalogue, operator_jd):
    newcomer = EmployeeFactory(name="Nina New", hire_date=today())
    org_services.assignment_create(actor=org_tree.hr_user, employee=newcomer, post=org_tree.operator_post)
    needs = {n.course.code: n for n in TrainingNeed.objects.all()}
    assert set(needs) == {"PRESS", "IND"}
    assert {n.source for n in needs.values()} == {NeedSource.NEW_HIRE}


def test_a_transfer_creates_a_transfer_need(org_tree, catalogue, operator_jd):
    engineer = org_tree.qa_engineer.employee
    org_services.assignment_create(
        actor=org_tree.hr_user, employee=engineer, post=org_tree.operator_post, kind="concurrent"
    )
    need = TrainingNeed.objects.get()
    assert need.source == NeedSource.TRANSFER and need.course.code == "PRESS"


def test_requirements_outside_the_catalogue_do_not_block(org_tree, forklift_post, driver):
    # Nothing in the catalogue is called "Forklift licence": the gate cannot check it.
    assert org_services.assignment_create(actor=org_tree.hr_user, employee=driver, post=forklift_post).pk


def test_assignment_form_offers_the_exception_field_to_hr_only(client, org_tree, forklift_post, catalogue, driver):
    url = f"/org/posts/{forklift_post.pk}/assign/"
    client.force_login(org_tree.hr_user)
    assert "qualification_exception_reason" in client.get(url).content.decode()
    response = client.post(url, {"employee": driver.pk, "kind": "primary", "start": today().isoformat()})
    assert response.status_code == 200
    assert "holds no valid Forklift driving" in response.content.decode()
    response = client.post(
        url,
        {
            "employee": driver.pk,
            "kind": "primary",
            "start": today().isoformat(),
            "qualification_exception_reason": "Supervised until the exam",
        },
    )
    assert response.status_code == 302
    assert QualificationException.objects.get().reason == "Supervised until the exam"
    client.force_login(org_tree.prod_head)
    assert "qualification_exception_reason" not in client.get(url).content.decode()
