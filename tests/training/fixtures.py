"""Fixtures of the training tests (also used by the browser journey), on top of ``org_tree``.

``catalogue`` holds an induction course, the forklift licence (a qualification valid 24
months, named "Forklift licence" by the special post) and press safety (valid 12 months,
required by the operator's effective job description). ``forklift_post`` is a special post in
Workshop 1; ``gm`` is a general manager. ``qualify`` records a passed training event through
the services, as HR would.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from org.choices import Role
from org.models import today
from responsibilities.models import JobDescription, RequiredTraining
from tests.factories import AssignmentFactory, EmployeeFactory, PostFactory, UserFactory
from training import services
from training.choices import AssessmentMethod, AttendanceResult, CourseKind


@pytest.fixture
def gm(org_tree):
    user = UserFactory(username="gm", first_name="Gina General", groups=[Role.GENERAL_MANAGER])
    AssignmentFactory(employee=EmployeeFactory(name="Gina General", user=user), post=org_tree.gm_post)
    return user


@pytest.fixture
def catalogue(org_tree):
    hr = org_tree.hr_user
    return SimpleNamespace(
        induction=services.course_create(
            actor=hr, code="IND", name="Induction", is_induction=True, default_hours=Decimal(8)
        ),
        forklift=services.course_create(
            actor=hr,
            code="FORK",
            name="Forklift driving",
            kind=CourseKind.QUALIFICATION,
            aliases="Forklift licence\nN1 licence",
            validity_months=24,
            assessment_method=AssessmentMethod.EXTERNAL_EXAM,
        ),
        press=services.course_create(actor=hr, code="PRESS", name="Press safety", validity_months=12),
    )


@pytest.fixture
def operator_jd(org_tree):
    """The operator post's effective job description requires press safety before taking up."""
    jd = JobDescription.objects.create(
        post=org_tree.operator_post, version=1, status="effective", document_number="JD-W1-02"
    )
    RequiredTraining.objects.create(job_description=jd, name="Press safety", before_taking_up=True, validity_months=12)
    return jd


@pytest.fixture
def forklift_post(org_tree):
    return PostFactory(
        code="W1-03",
        title="Forklift driver",
        department=org_tree.w1,
        superior=org_tree.w1_head_post,
        headcount=2,
        is_special=True,
        required_qualification="Forklift licence",
    )


@pytest.fixture
def qualify(org_tree):
    """``qualify(employees, course, day=…, result=…)``: a held event with that result for all."""

    def make(employees, course, *, day=None, result=AttendanceResult.PASSED, plan_item=None):
        hr = org_tree.hr_user
        event = services.event_create(
            actor=hr,
            course=course,
            plan_item=plan_item,
            title=course.name,
            date=day or today(),
            trainer="Trainer",
            attendees=list(employees),
        )
        for attendance in event.attendances.all():
            services.attendance_record_result(actor=hr, attendance=attendance, result=result)
        services.event_complete(actor=hr, event=event)
        return event

    return make
