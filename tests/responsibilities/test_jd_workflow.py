"""The job description workflow and its rights, at the service level.

draft → in review → approved → effective → superseded; a rejected review returns to draft;
a closed post's versions become obsolete. Who edits follows the org chart (plus HR and
guardian grants); who approves is the head one level up, never the draft's author.

In ``org_tree`` the operator's post lies in Workshop 1 (head post vacant) below Production
(``prod_head``), so ``prod_head`` approves it; the general manager's post is vacant, so tests
that need a general manager create one with the ``gm`` fixture.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from guardian.shortcuts import assign_perm

from org import services as org_services
from org.models import today
from responsibilities import permissions, services
from responsibilities.choices import DocumentStatus
from responsibilities.models import DesignatedApprover, Duty, JobDescription, Kpi, RequiredTraining, Task
from tests.factories import AssignmentFactory, EmployeeFactory, PostFactory, UserFactory, days_ago, days_ahead

pytestmark = pytest.mark.django_db

DUTIES = [
    {
        "title": "Run the machine",
        "description": "Set up and run the press.",
        "time_share": 70,
        "tasks": [
            {
                "who": "Operator",
                "what": "Check the die",
                "how": "Checklist",
                "when": "Each shift",
                "result": "No defects",
            }
        ],
    },
    {"title": "Keep the workplace tidy", "description": "", "time_share": 30, "tasks": []},
]
KPIS = [
    {
        "name": "First pass yield",
        "formula": "good / all",
        "target": "≥ 98 %",
        "frequency": "monthly",
        "weight": 60,
        "data_source": "MES",
    },
    {"name": "Safety incidents", "formula": "", "target": "0", "frequency": "monthly", "weight": 40, "data_source": ""},
]
TRAINING = [{"name": "Press safety", "before_taking_up": True, "validity_months": 24}]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fresh(user):
    """The user loaded again: permission answers are cached on the user object per request."""
    return type(user).objects.get(pk=user.pk)


def make_draft(post, author, *, duties=DUTIES, kpis=KPIS, training=TRAINING, **fields):
    jd = services.jd_new_draft(actor=author, post=post)
    services.jd_update(
        actor=author,
        jd=jd,
        revision=jd.edit_revision,
        fields={"summary": "Runs the press.", "change_description": "First issue"} | fields,
        duties=duties,
        kpis=kpis,
        training=training,
    )
    return jd


def make_effective(post, author, approver, **fields):
    jd = make_draft(post, author, **fields)
    services.jd_submit(actor=author, jd=jd)
    return services.jd_approve(actor=approver, jd=jd)


@pytest.fixture
def gm(org_tree):
    """A general manager holding the (otherwise vacant) top post."""
    user = UserFactory(username="gm", first_name="Grace GM")
    AssignmentFactory(employee=EmployeeFactory(name="Grace GM", user=user), post=org_tree.gm_post)
    return user


def statuses(post):
    return dict(JobDescription.objects.filter(post=post).values_list("version", "status"))


# Who may edit ----------------------------------------------------------------------------


def test_department_head_edits_the_posts_of_the_own_branch_only(org_tree):
    head = org_tree.prod_head
    assert permissions.can_edit_jd(head, org_tree.operator_post)  # Workshop 1 lies below Production
    assert permissions.can_edit_jd(head, org_tree.w1_head_post)
    assert permissions.can_edit_jd(head, org_tree.prod_head_post)
    assert not permissions.can_edit_jd(head, org_tree.qa_engineer_post)
    assert not permissions.can_edit_jd(head, org_tree.gm_post)


@pytest.mark.parametrize("name", ["hr_user", "admin_user"])
def test_hr_and_administrators_edit_every_post(org_tree, name):
    user = getattr(org_tree, name)
    assert all(permissions.can_edit_jd(user, post) for post in org_tree.posts)


@pytest.mark.parametrize("name", ["operator", "qa_engineer", "auditor", "no_employee_user"])
def test_staff_and_auditors_edit_nothing(org_tree, name):
    user = getattr(org_tree, name)
    assert not any(permissions.can_edit_jd(user, post) for post in org_tree.posts)


def test_edit_right_follows_the_change_of_head(org_tree):
    org_services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.prod_head_assignment, end=days_ago(1), reason="Moved on"
    )
    successor = UserFactory(username="newhead")
    AssignmentFactory(employee=EmployeeFactory(user=successor), post=org_tree.prod_head_post, kind="acting")

    assert not permissions.can_edit_jd(fresh(org_tree.prod_head), org_tree.operator_post)
    assert permissions.can_edit_jd(fresh(successor), org_tree.operator_post)


def test_guardian_grants_on_a_post_or_a_department(org_tree):
    engineer = org_tree.qa_engineer
    assign_perm("org.edit_job_description", engineer, org_tree.operator_post)
    engineer = fresh(engineer)
    assert permissions.can_edit_jd(engineer, org_tree.operator_post)
    assert not permissions.can_edit_jd(engineer, org_tree.w1_head_post)

    assign_perm("org.edit_job_descriptions", engineer, org_tree.prod)
    engineer = fresh(engineer)
    assert permissions.can_edit_jd(engineer, org_tree.w1_head_post)  # sub-departments included
    assert permissions.can_edit_jd(engineer, org_tree.prod_head_post)
    assert not permissions.can_edit_jd(engineer, org_tree.gm_post)


def test_staff_cannot_start_or_change_a_draft(org_tree):
    with pytest.raises(PermissionDenied):
        services.jd_new_draft(actor=org_tree.operator, post=org_tree.operator_post)
    assert not JobDescription.objects.exists()

    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    for call in (
        lambda: services.jd_update(actor=org_tree.qa_head, jd=jd, revision=jd.edit_revision, fields={"summary": "x"}),
        lambda: services.jd_submit(actor=org_tree.operator, jd=jd),
    ):
        with pytest.raises(PermissionDenied):
            call()
    jd.refresh_from_db()
    assert (jd.summary, jd.status) == ("Runs the press.", DocumentStatus.DRAFT)


# Drafts ----------------------------------------------------------------------------------


def test_first_version_starts_empty_with_its_document_number(org_tree):
    jd = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    jd.refresh_from_db()
    assert (jd.version, jd.version_label, jd.document_number) == (1, "V1.0", "JD-W1-02")
    assert jd.status == DocumentStatus.DRAFT
    assert jd.prepared_by == org_tree.prod_head
    assert not jd.duties.exists()
    record = jd.history.get()
    assert (record.history_type, record.history_user) == ("+", org_tree.prod_head)


def test_update_writes_sections_duties_tasks_kpis_and_training(org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head, skills="Reading drawings")
    jd.refresh_from_db()
    assert (jd.summary, jd.skills, jd.edit_revision) == ("Runs the press.", "Reading drawings", 1)
    assert list(jd.duties.values_list("order", "title", "time_share")) == [
        (1, "Run the machine", 70),
        (2, "Keep the workplace tidy", 30),
    ]
    task = Task.objects.get()
    assert (task.duty.title, task.who, task.what, task.result) == (
        "Run the machine",
        "Operator",
        "Check the die",
        "No defects",
    )
    assert list(jd.kpis.values_list("name", "weight")) == [("First pass yield", 60), ("Safety incidents", 40)]
    assert jd.required_training.get().validity_months == 24
    assert jd.history.order_by("-history_id").first().history_user == org_tree.prod_head
    assert Duty.history.filter(history_user=org_tree.prod_head).count() == 2


def test_kpi_weights_that_do_not_add_up_to_100_are_refused(org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    wrong = [KPIS[0] | {"weight": 60}, KPIS[1] | {"weight": 30}]
    with pytest.raises(ValidationError) as error:
        services.jd_update(actor=org_tree.prod_head, jd=jd, revision=1, fields={"summary": "Changed"}, kpis=wrong)
    assert error.value.messages == ["The KPI weights add up to 90 %; they must add up to 100 %."]
    jd.refresh_from_db()
    assert (jd.summary, jd.edit_revision) == ("Runs the press.", 1)
    assert list(Kpi.objects.values_list("weight", flat=True)) == [60, 40]


def test_a_second_save_from_an_old_form_conflicts_and_writes_nothing(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    loaded = jd.edit_revision
    services.jd_update(actor=hr_user, jd=jd, revision=loaded, fields={"summary": "HR's text"})
    with pytest.raises(services.EditConflict) as conflict:
        services.jd_update(actor=org_tree.prod_head, jd=jd, revision=loaded, fields={"summary": "Head's text"})
    assert "Hannah HR saved this draft while you were editing it" in conflict.value.messages[0]
    jd.refresh_from_db()
    assert (jd.summary, jd.edit_revision) == ("HR's text", loaded + 1)


def test_submitting_needs_at_least_one_duty(org_tree):
    jd = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    with pytest.raises(services.DomainError, match="Add at least one duty"):
        services.jd_submit(actor=org_tree.prod_head, jd=jd)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.DRAFT


def test_only_one_version_in_preparation(org_tree):
    make_draft(org_tree.operator_post, org_tree.prod_head)
    with pytest.raises(services.DomainError, match="V1.0 is still in preparation"):
        services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    assert JobDescription.objects.count() == 1


# Approval --------------------------------------------------------------------------------


def test_the_head_of_the_department_above_approves(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    # Workshop 1's head post is vacant, so the post goes one level up to Production.
    assert permissions.approver_candidates(org_tree.operator_post, exclude=permissions.jd_authors(jd)) == {
        org_tree.prod_head.pk
    }
    assert permissions.can_approve_jd(org_tree.prod_head, jd)
    for other in (org_tree.qa_head, hr_user, org_tree.admin_user, org_tree.operator):
        assert not permissions.can_approve_jd(other, jd)
        with pytest.raises(PermissionDenied):
            services.jd_approve(actor=other, jd=jd)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.IN_REVIEW

    services.jd_approve(actor=org_tree.prod_head, jd=jd)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.EFFECTIVE
    assert (jd.approved_by, jd.reviewed_by, jd.effective_date) == (org_tree.prod_head, org_tree.prod_head, today())
    reasons = list(jd.history.order_by("history_id").values_list("history_change_reason", "history_user__username"))
    assert reasons[-3:] == [("Submitted for approval", "hr"), ("Approved", "prodhead"), ("Took effect", "prodhead")]


def test_a_department_heads_own_post_goes_to_the_general_manager(org_tree, gm, hr_user):
    jd = make_draft(org_tree.prod_head_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert not permissions.can_approve_jd(org_tree.prod_head, jd)
    assert permissions.can_approve_jd(fresh(gm), jd)
    services.jd_approve(actor=gm, jd=jd)
    jd.refresh_from_db()
    assert (jd.status, jd.approved_by) == (DocumentStatus.EFFECTIVE, gm)


def test_a_vacant_head_post_passes_approval_to_the_next_head_up(org_tree, gm, hr_user):
    org_services.assignment_end(
        actor=hr_user, assignment=org_tree.prod_head_assignment, end=days_ago(1), reason="Left the company"
    )
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert not permissions.can_approve_jd(fresh(org_tree.prod_head), jd)
    assert permissions.can_approve_jd(fresh(gm), jd)


def test_the_author_never_approves_even_as_the_computed_approver(org_tree, gm):
    head = org_tree.prod_head
    jd = make_draft(org_tree.operator_post, head)
    services.jd_submit(actor=head, jd=jd)
    jd.refresh_from_db()
    assert not permissions.can_approve_jd(head, jd)
    with pytest.raises(PermissionDenied):
        services.jd_approve(actor=head, jd=jd)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.IN_REVIEW
    # The next head up approves instead.
    assert permissions.can_approve_jd(fresh(gm), jd)
    services.jd_approve(actor=gm, jd=jd)
    jd.refresh_from_db()
    assert jd.approved_by == gm


def test_everyone_who_edited_the_draft_counts_as_author(org_tree, gm, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_update(actor=org_tree.prod_head, jd=jd, revision=jd.edit_revision, fields={"skills": "Welding"})
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert not permissions.can_approve_jd(fresh(org_tree.prod_head), jd)
    assert permissions.can_approve_jd(fresh(gm), jd)


def test_the_general_managers_own_post_goes_to_the_designated_approver(org_tree, gm, hr_user):
    jd = make_draft(org_tree.gm_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert not permissions.can_approve_jd(fresh(gm), jd)  # a post never approves itself
    assert permissions.approver_candidates(org_tree.gm_post, exclude=permissions.jd_authors(jd)) == set()

    chair = UserFactory(username="chair")
    DesignatedApprover.objects.create(post=org_tree.gm_post, user=chair)
    assert permissions.can_approve_jd(chair, jd)
    services.jd_approve(actor=chair, jd=jd)
    jd.refresh_from_db()
    assert (jd.status, jd.approved_by) == (DocumentStatus.EFFECTIVE, chair)


def test_approving_freezes_the_identification_block(org_tree, hr_user):
    jd = make_effective(org_tree.operator_post, hr_user, org_tree.prod_head)
    jd.refresh_from_db()
    assert jd.identification["post"] == "Operator"
    assert jd.identification["department"] == "Workshop 1"
    assert jd.identification["superior"] == "Workshop lead"
    org_services.post_update(actor=hr_user, post=org_tree.operator_post, title="Press operator")
    jd.refresh_from_db()
    assert jd.identification["post"] == "Operator"
    assert services.live_identification(jd.post)["post"] == "Press operator"


def test_approving_renders_the_issued_pdf_after_commit(org_tree, hr_user, django_capture_on_commit_callbacks):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.jd_approve(actor=org_tree.prod_head, jd=jd)
    jd.refresh_from_db()
    assert not jd.pdf
    # Two callbacks: the issued PDF is stored and the "took effect" signal goes out.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    jd.refresh_from_db()
    assert jd.pdf


def test_an_effective_date_in_the_past_is_refused(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    with pytest.raises(ValidationError) as error:
        services.jd_approve(actor=org_tree.prod_head, jd=jd, effective_date=days_ago(1))
    assert error.value.message_dict == {"effective_date": ["The effective date cannot lie in the past."]}
    jd.refresh_from_db()
    assert (jd.status, jd.approved_by) == (DocumentStatus.IN_REVIEW, None)


def test_only_a_version_in_review_can_be_approved(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    with pytest.raises(services.DomainError):
        services.jd_approve(actor=org_tree.prod_head, jd=jd)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.DRAFT


# Returning to draft ----------------------------------------------------------------------


def test_a_rejected_review_returns_to_draft_with_the_comment(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    with pytest.raises(ValidationError) as error:
        services.jd_reject(actor=org_tree.prod_head, jd=jd, comment="   ")
    assert error.value.message_dict == {"comment": ["Say what has to change."]}

    services.jd_reject(actor=org_tree.prod_head, jd=jd, comment="Add the changeover duty.")
    jd.refresh_from_db()
    assert (jd.status, jd.review_comment, jd.reviewed_by) == (
        DocumentStatus.DRAFT,
        "Add the changeover duty.",
        org_tree.prod_head,
    )
    assert jd.history.order_by("-history_id").first().history_change_reason == "Returned to draft"
    # Resubmitting clears the comment.
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert (jd.status, jd.review_comment) == (DocumentStatus.IN_REVIEW, "")


def test_staff_cannot_return_a_version_to_draft(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    for user in (org_tree.operator, org_tree.qa_head):
        with pytest.raises(PermissionDenied):
            services.jd_reject(actor=user, jd=jd, comment="No")
    jd.refresh_from_db()
    assert (jd.status, jd.review_comment) == (DocumentStatus.IN_REVIEW, "")


def test_the_reviewer_who_returned_a_draft_approves_the_corrected_version(org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=jd)
    services.jd_reject(actor=org_tree.prod_head, jd=jd, comment="Add the changeover duty.")
    jd.refresh_from_db()
    services.jd_update(
        actor=hr_user,
        jd=jd,
        revision=jd.edit_revision,
        duties=DUTIES + [{"title": "Changeover", "description": "", "time_share": 0, "tasks": []}],
    )
    services.jd_submit(actor=hr_user, jd=jd)
    jd.refresh_from_db()
    assert permissions.can_approve_jd(fresh(org_tree.prod_head), jd)


# Versions in force -----------------------------------------------------------------------


def test_a_revision_copies_the_effective_version_which_stays_in_force(org_tree, hr_user):
    v1 = make_effective(org_tree.operator_post, hr_user, org_tree.prod_head)
    v2 = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    assert (v2.version, v2.document_number, v2.change_description) == (2, v1.document_number, "")
    assert v2.summary == "Runs the press."
    assert list(v2.duties.values_list("title", flat=True)) == ["Run the machine", "Keep the workplace tidy"]
    assert v2.duties.get(order=1).tasks.get().what == "Check the die"
    assert list(v2.kpis.values_list("name", "weight")) == [("First pass yield", 60), ("Safety incidents", 40)]
    assert v2.required_training.get().name == "Press safety"
    assert statuses(org_tree.operator_post) == {1: DocumentStatus.EFFECTIVE, 2: DocumentStatus.DRAFT}
    # The copy is separate: v1 is untouched by edits to v2.
    assert Duty.objects.filter(job_description=v1).count() == 2
    assert RequiredTraining.objects.count() == 2


def test_approving_a_revision_supersedes_the_version_in_force(org_tree, hr_user):
    make_effective(org_tree.operator_post, hr_user, org_tree.prod_head)
    v2 = make_draft(org_tree.operator_post, hr_user, change_description="New duty")
    services.jd_submit(actor=hr_user, jd=v2)
    services.jd_approve(actor=org_tree.prod_head, jd=v2)
    assert statuses(org_tree.operator_post) == {1: DocumentStatus.SUPERSEDED, 2: DocumentStatus.EFFECTIVE}
    assert JobDescription.objects.filter(post=org_tree.operator_post, status=DocumentStatus.EFFECTIVE).count() == 1
    v1 = JobDescription.objects.get(post=org_tree.operator_post, version=1)
    assert v1.history.order_by("-history_id").first().history_change_reason == "Superseded by V2.0"


def test_a_future_effective_date_keeps_the_old_version_in_force_until_that_day(org_tree, hr_user):
    make_effective(org_tree.operator_post, hr_user, org_tree.prod_head)
    v2 = make_draft(org_tree.operator_post, hr_user)
    services.jd_submit(actor=hr_user, jd=v2)
    services.jd_approve(actor=org_tree.prod_head, jd=v2, effective_date=days_ahead(10))
    assert statuses(org_tree.operator_post) == {1: DocumentStatus.EFFECTIVE, 2: DocumentStatus.APPROVED}

    assert services.jd_activate_due(day=days_ahead(9)) == 0
    assert statuses(org_tree.operator_post) == {1: DocumentStatus.EFFECTIVE, 2: DocumentStatus.APPROVED}

    assert services.jd_activate_due(day=days_ahead(10)) == 1
    assert statuses(org_tree.operator_post) == {1: DocumentStatus.SUPERSEDED, 2: DocumentStatus.EFFECTIVE}


def test_closing_a_post_makes_its_job_descriptions_obsolete(org_tree, hr_user):
    post = PostFactory(code="W1-09", title="Forklift driver", department=org_tree.w1, superior=org_tree.w1_head_post)
    make_effective(post, hr_user, org_tree.prod_head)
    v2 = make_draft(post, hr_user)
    services.jd_submit(actor=hr_user, jd=v2)
    services.jd_approve(actor=org_tree.prod_head, jd=v2, effective_date=days_ahead(30))

    org_services.post_close(actor=hr_user, post=post, valid_to=days_ago(1), reason="Outsourced")

    assert statuses(post) == {1: DocumentStatus.OBSOLETE, 2: DocumentStatus.OBSOLETE}
    assert not JobDescription.objects.filter(post=post, status=DocumentStatus.EFFECTIVE).exists()
    with pytest.raises(services.DomainError, match="The post is closed"):
        services.jd_new_draft(actor=hr_user, post=post)


# Reading ---------------------------------------------------------------------------------


def test_staff_read_the_published_versions_of_the_posts_around_them(org_tree, hr_user, gm):
    jds = {
        post.code: make_effective(post, hr_user, approver)
        for post, approver in (
            (org_tree.operator_post, org_tree.prod_head),
            (org_tree.w1_head_post, gm),
            (org_tree.qa_engineer_post, gm),
            (org_tree.prod_head_post, gm),
        )
    }
    operator = org_tree.operator
    assert permissions.can_view_jd(operator, jds["W1-02"])  # own post
    assert permissions.can_view_jd(operator, jds["W1-01"])  # superior, same department
    assert not permissions.can_view_jd(operator, jds["QA-02"])  # unrelated department
    assert not permissions.can_view_jd(operator, jds["PROD-01"])  # two levels up

    draft = services.jd_new_draft(actor=hr_user, post=org_tree.operator_post)
    assert not permissions.can_view_jd(fresh(operator), draft)
    assert permissions.can_view_jd(fresh(org_tree.prod_head), draft)
    assert permissions.can_view_jd(fresh(org_tree.auditor), draft)
