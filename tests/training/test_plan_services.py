"""The annual plan: draft (from the needs) → submitted → approved by the general manager →
published with its distribution; a change after approval is a new revision."""

import pytest
from django.core.exceptions import PermissionDenied

from org.models import today
from training import services
from training.choices import NeedSource, NeedStatus, PlanStatus
from training.models import PlanDistribution, TrainingPlan
from training.selectors import plan_in_force, plan_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(org_tree, catalogue):
    hr = org_tree.hr_user
    return [
        services.need_create(
            actor=org_tree.prod_head, department=org_tree.w1, course=catalogue.press, topic="Press safety"
        ),
        services.need_create(
            actor=hr,
            department=org_tree.qa,
            course=catalogue.press,
            topic="Press safety",
            employees=[org_tree.qa_engineer.employee],
        ),
        services.need_create(actor=hr, department=org_tree.qa, topic="Measurement uncertainty"),
    ]


def test_draft_from_needs_groups_needs_by_course_and_marks_them_planned(org_tree, needs, catalogue):
    plan = services.plan_create(actor=org_tree.hr_user, year=today().year)
    added = services.plan_draft_from_needs(actor=org_tree.hr_user, plan=plan)
    assert added == 2
    press = plan.items.get(course=catalogue.press)
    assert set(press.audience_departments.all()) == {org_tree.w1}
    assert list(press.audience_employees.all()) == [org_tree.qa_engineer.employee]
    assert plan.items.get(course=None).content == "Measurement uncertainty"
    for need in needs:
        need.refresh_from_db()
        assert need.status == NeedStatus.PLANNED
        assert need.plan_item.plan == plan


def test_plan_goes_through_approval_and_publication_with_distribution(org_tree, gm, needs):
    hr = org_tree.hr_user
    plan = services.plan_create(actor=hr, year=today().year)
    services.plan_draft_from_needs(actor=hr, plan=plan)
    services.plan_submit(actor=hr, plan=plan)
    services.plan_approve(actor=gm, plan=plan, comment="Go ahead")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == gm
    services.plan_publish(actor=hr, plan=plan, departments=[org_tree.qa, org_tree.prod])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert set(PlanDistribution.objects.filter(plan=plan).values_list("department__code", flat=True)) == {"QA", "PROD"}
    assert [h.history_change_reason for h in plan.history.order_by("history_date")][-3:] == [
        "Submitted for approval",
        "Approved",
        "Published",
    ]


def test_only_the_general_manager_approves(org_tree, gm, needs):
    hr = org_tree.hr_user
    plan = services.plan_create(actor=hr, year=today().year)
    services.plan_draft_from_needs(actor=hr, plan=plan)
    services.plan_submit(actor=hr, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=hr, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=org_tree.prod_head, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_heads_cannot_create_plans(org_tree):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=org_tree.prod_head, year=today().year)


def test_a_draft_cannot_be_approved_and_nothing_changes(org_tree, gm, needs):
    plan = services.plan_create(actor=org_tree.hr_user, year=today().year)
    with pytest.raises(services.DomainError):
        services.plan_approve(actor=gm, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.approved_by is None


def test_an_empty_plan_cannot_be_submitted(org_tree):
    plan = services.plan_create(actor=org_tree.hr_user, year=today().year)
    with pytest.raises(services.DomainError, match="without lines"):
        services.plan_submit(actor=org_tree.hr_user, plan=plan)


def test_returned_plan_goes_back_to_draft_with_the_comment(org_tree, gm, needs):
    hr = org_tree.hr_user
    plan = services.plan_create(actor=hr, year=today().year)
    services.plan_draft_from_needs(actor=hr, plan=plan)
    services.plan_submit(actor=hr, plan=plan)
    with pytest.raises(services.DomainError):
        services.plan_return(actor=gm, plan=plan, comment=" ")
    services.plan_return(actor=gm, plan=plan, comment="Cut the budget")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.review_comment == "Cut the budget"


def test_approved_plan_is_frozen_and_a_revision_supersedes_it_once_approved(org_tree, gm, needs, catalogue):
    hr = org_tree.hr_user
    plan = services.plan_create(actor=hr, year=today().year)
    services.plan_draft_from_needs(actor=hr, plan=plan)
    services.plan_submit(actor=hr, plan=plan)
    services.plan_approve(actor=gm, plan=plan)
    item = plan.items.first()
    with pytest.raises(services.DomainError, match="Only a draft plan"):
        services.plan_item_save(
            actor=hr, plan=plan, item=item, content="Changed", planned_month=5, departments=[org_tree.qa]
        )
    revision = services.plan_revise(actor=hr, plan=plan, change_description="Add forklift")
    assert revision.revision == 2 and revision.status == PlanStatus.DRAFT
    assert sorted(revision.items.values_list("line_key", flat=True)) == sorted(
        plan.items.values_list("line_key", flat=True)
    )
    services.plan_item_save(
        actor=hr,
        plan=revision,
        content="Forklift",
        course=catalogue.forklift,
        planned_month=6,
        departments=[org_tree.w1],
    )
    assert plan_in_force(plan.year) == plan
    services.plan_submit(actor=hr, plan=revision)
    services.plan_approve(actor=gm, plan=revision)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert plan_in_force(plan.year) == revision
    assert TrainingPlan.objects.filter(year=plan.year).count() == 2


def test_completion_rate_counts_items_due_so_far_and_hours(org_tree, gm, catalogue, qualify):
    hr = org_tree.hr_user
    year = today().year - 1  # a past year: every line is due
    plan = services.plan_create(actor=hr, year=year)
    done = services.plan_item_save(
        actor=hr,
        plan=plan,
        content="Press",
        course=catalogue.press,
        planned_month=2,
        hours=6,
        budget=100,
        departments=[org_tree.w1],
    )
    services.plan_item_save(
        actor=hr,
        plan=plan,
        content="Forklift",
        course=catalogue.forklift,
        planned_month=9,
        hours=2,
        budget=300,
        departments=[org_tree.w1],
    )
    services.plan_submit(actor=hr, plan=plan)
    services.plan_approve(actor=gm, plan=plan)
    event = qualify(
        [org_tree.operator.employee], catalogue.press, day=today().replace(year=year, month=2, day=10), plan_item=done
    )
    event.cost = 80
    event.save()
    progress = plan_progress(year)
    assert (progress.items_done, progress.items_due, progress.rate) == (1, 2, 50)
    assert (progress.hours_done, progress.hours_due, progress.hours_rate) == (6, 8, 75)
    assert progress.budget == 400 and progress.cost == 80


def test_need_sources_are_kept(org_tree, catalogue):
    need = services.need_create(
        actor=org_tree.prod_head, department=org_tree.w1, topic="Die change", source=NeedSource.DEPARTMENT
    )
    assert need.get_source_display() == "Department request"
    assert need.requested_by == org_tree.prod_head


def test_head_cannot_request_training_for_another_department(org_tree):
    with pytest.raises(PermissionDenied):
        services.need_create(actor=org_tree.prod_head, department=org_tree.qa, topic="Gauges")
