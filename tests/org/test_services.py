"""Every write to the organisation goes through ``org.services``: the rules that span rows."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from org import services
from org.models import Assignment, Department, Employee, Post, PostRelation, today
from tests.factories import (
    ASSIGNED_DAYS_AGO,
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    PostRelationFactory,
    UserFactory,
    days_ago,
    days_ahead,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def messages(error: ValidationError):
    return [str(m) for m in error.messages]


def row_counts():
    """Rows of every organisation table and its history, and the active logins."""
    counts = {}
    for model in (Department, Post, PostRelation, Employee, Assignment):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["active users"] = get_user_model().objects.filter(is_active=True).count()
    return counts


def since():
    """How the fixture assignments' span begins in messages."""
    return days_ago(ASSIGNED_DAYS_AGO).isoformat()


# assignment_create -----------------------------------------------------------------------


def test_assignment_create_refuses_beyond_seats_naming_the_holders(org_tree):
    newcomer = EmployeeFactory(name="Nina New")
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(actor=org_tree.hr_user, employee=newcomer, post=org_tree.qa_head_post)
    assert messages(excinfo.value) == [
        f"Quality manager (QA-01) has 1 seat(s), all taken in that period by Quinn Quality ({since()} – …). "
        "Add a seat, end an assignment, or assign as acting holder."
    ]


def test_assignment_create_fills_free_seats_then_refuses(org_tree):
    post = org_tree.operator_post  # 3 seats, Otto holds one
    for name in ("Olga", "Oscar"):
        services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(name=name), post=post)
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=post)
    (message,) = messages(excinfo.value)
    for holder in ("Otto Operator", "Olga", "Oscar"):
        assert holder in message
    assert post.assignments.count() == 3


def test_assignment_create_allows_seat_freed_before_the_start(org_tree):
    services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.qa_head_assignment, end=days_ahead(9), reason="Retires"
    )
    successor = EmployeeFactory()
    with pytest.raises(ValidationError):
        services.assignment_create(
            actor=org_tree.hr_user, employee=successor, post=org_tree.qa_head_post, start=days_ahead(9)
        )
    assignment = services.assignment_create(
        actor=org_tree.hr_user, employee=successor, post=org_tree.qa_head_post, start=days_ahead(10)
    )
    assert assignment.pk


def test_acting_holder_allowed_on_a_full_seat(org_tree):
    deputy = EmployeeFactory()
    assignment = services.assignment_create(
        actor=org_tree.hr_user, employee=deputy, post=org_tree.qa_head_post, kind="acting"
    )
    assert assignment.kind == "acting"
    assert org_tree.qa_head_post.assignments.current().count() == 2


def test_acting_holder_on_a_vacant_seat_does_not_fill_it(org_tree):
    post = org_tree.w1_head_post  # 1 seat, vacant
    services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=post, kind="acting")
    # The seat is still free for a real holder.
    holder = services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=post)
    assert holder.fills_seat
    assert post.assignments.current().seat_filling().count() == 1


def test_second_primary_post_refused(org_tree):
    engineer = org_tree.qa_engineer.employee
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(actor=org_tree.hr_user, employee=engineer, post=org_tree.operator_post)
    assert messages(excinfo.value) == [
        f"Erin Engineer already has the primary post QA engineer (QA-02) in that period ({since()} – …); "
        "end it first or make this one concurrent."
    ]


def test_concurrent_post_allowed_beside_the_primary(org_tree):
    engineer = org_tree.qa_engineer.employee
    assignment = services.assignment_create(
        actor=org_tree.hr_user, employee=engineer, post=org_tree.operator_post, kind="concurrent"
    )
    assert set(engineer.assignments.current().values_list("kind", flat=True)) == {"primary", "concurrent"}
    assert assignment.fills_seat


def test_new_primary_post_allowed_after_the_old_one_ends(org_tree):
    engineer = org_tree.qa_engineer.employee
    services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.qa_engineer_assignment, end=days_ago(1), reason="Moves"
    )
    services.assignment_create(actor=org_tree.hr_user, employee=engineer, post=org_tree.operator_post)


def test_same_post_twice_in_one_period_refused(org_tree):
    engineer = org_tree.qa_engineer.employee
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(
            actor=org_tree.hr_user, employee=engineer, post=org_tree.qa_engineer_post, kind="concurrent"
        )
    assert "Erin Engineer already holds QA engineer in that period" in messages(excinfo.value)[0]


def test_assignment_before_hire_date_refused(org_tree):
    employee = EmployeeFactory(name="Henry Hired", hire_date=days_ago(10))
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(
            actor=org_tree.hr_user, employee=employee, post=org_tree.operator_post, start=days_ago(11)
        )
    assert excinfo.value.message_dict == {"start": [f"Henry Hired was hired on {days_ago(10).isoformat()}."]}
    services.assignment_create(
        actor=org_tree.hr_user, employee=employee, post=org_tree.operator_post, start=days_ago(10)
    )


@pytest.mark.parametrize("end", [None, 31], ids=["open-ended", "ending-after-leaving"])
def test_assignment_after_leaving_date_refused(org_tree, end):
    employee = EmployeeFactory(name="Lena Leaver", leaving_date=days_ahead(30))
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(
            actor=org_tree.hr_user,
            employee=employee,
            post=org_tree.operator_post,
            end=days_ahead(end) if end else None,
        )
    assert excinfo.value.message_dict == {"end": [f"Lena Leaver leaves on {days_ahead(30).isoformat()}."]}


def test_assignment_ending_on_leaving_date_allowed(org_tree):
    employee = EmployeeFactory(leaving_date=days_ahead(30))
    services.assignment_create(
        actor=org_tree.hr_user, employee=employee, post=org_tree.operator_post, end=days_ahead(30)
    )


def test_assignment_outside_the_post_validity_refused(org_tree):
    post = PostFactory(department=org_tree.w1, valid_from=days_ago(5))
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=post, start=days_ago(6))
    assert "the assignment must lie within it" in messages(excinfo.value)[0]


def test_assignment_end_requires_reason_and_order(org_tree):
    assignment = org_tree.operator_assignment
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_end(actor=org_tree.hr_user, assignment=assignment, end=today(), reason=" ")
    assert "end_reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_end(
            actor=org_tree.hr_user, assignment=assignment, end=assignment.start.replace(year=2000), reason="x"
        )
    assert "end" in excinfo.value.message_dict
    assignment.refresh_from_db()
    assert assignment.end is None


def test_assignment_end_cannot_extend_past_leaving_date(org_tree):
    services.employee_leave(
        actor=org_tree.hr_user, employee=org_tree.operator.employee, leaving_date=today(), reason="Resigned"
    )
    assignment = Assignment.objects.get(pk=org_tree.operator_assignment.pk)
    with pytest.raises(ValidationError):
        services.assignment_end(actor=org_tree.hr_user, assignment=assignment, end=days_ahead(30), reason="Oops")


def test_assignment_end_cannot_extend_into_a_successors_seat(org_tree):
    old = org_tree.qa_head_assignment
    services.assignment_end(actor=org_tree.hr_user, assignment=old, end=days_ago(1), reason="Retired")
    services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=org_tree.qa_head_post)
    with pytest.raises(ValidationError):
        services.assignment_end(actor=org_tree.hr_user, assignment=old, end=days_ahead(30), reason="Stays on")


# post_update -----------------------------------------------------------------------------


def test_post_update_refuses_fewer_seats_than_holders(org_tree):
    post = org_tree.qa_engineer_post
    services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(name="Eve Second"), post=post)
    with pytest.raises(ValidationError) as excinfo:
        services.post_update(actor=org_tree.hr_user, post=post, headcount=1)
    (message,) = excinfo.value.message_dict["headcount"]
    assert message.startswith("2 people hold this post at the same time: ")
    assert "Erin Engineer" in message and "Eve Second" in message
    post.refresh_from_db()
    assert post.headcount == 2


def test_post_update_counts_future_holders(org_tree):
    post = org_tree.qa_engineer_post
    services.assignment_create(actor=org_tree.hr_user, employee=EmployeeFactory(), post=post, start=days_ahead(20))
    with pytest.raises(ValidationError):
        services.post_update(actor=org_tree.hr_user, post=post, headcount=1)


def test_post_update_ignores_past_holders(org_tree):
    post = org_tree.qa_engineer_post
    AssignmentFactory(post=post, start=days_ago(300), end=days_ago(30))
    services.post_update(actor=org_tree.hr_user, post=post, headcount=1, reason="Budget")
    post.refresh_from_db()
    assert post.headcount == 1
    assert post.history.latest().history_change_reason == "Budget"


def test_post_update_sets_rotation_posts(org_tree):
    post = org_tree.qa_engineer_post
    services.post_update(actor=org_tree.hr_user, post=post, rotation_posts=[org_tree.operator_post])
    assert list(org_tree.operator_post.rotation_posts.all()) == [post]  # symmetrical


def test_post_update_refuses_start_after_its_assignments(org_tree):
    with pytest.raises(ValidationError):
        services.post_update(actor=org_tree.hr_user, post=org_tree.operator_post, valid_from=days_ago(10))


def test_department_update_refuses_start_after_its_posts(org_tree):
    with pytest.raises(ValidationError):
        services.department_update(actor=org_tree.hr_user, department=org_tree.w1, valid_from=days_ago(10))


# post_close ------------------------------------------------------------------------------


def test_post_close_refused_while_held(org_tree):
    with pytest.raises(ValidationError) as excinfo:
        services.post_close(actor=org_tree.hr_user, post=org_tree.qa_engineer_post, valid_to=today(), reason="x")
    assert messages(excinfo.value) == [f"End these assignments first: Erin Engineer ({since()} – …)."]


def test_post_close_refused_with_future_holder(org_tree):
    post = PostFactory(department=org_tree.w1)
    AssignmentFactory(post=post, start=days_ahead(10))
    with pytest.raises(ValidationError):
        services.post_close(actor=org_tree.hr_user, post=post, valid_to=today(), reason="x")


def test_post_close_refused_with_subordinates(org_tree):
    services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.qa_head_assignment, end=today(), reason="Leaves"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.post_close(actor=org_tree.hr_user, post=org_tree.qa_head_post, valid_to=today(), reason="x")
    assert messages(excinfo.value) == ["These posts still report to it: QA engineer (QA-02)."]


def test_post_close_refused_as_head_post(org_tree):
    department = DepartmentFactory(code="LAB", name="Laboratory", parent=org_tree.qa)
    post = PostFactory(title="Lab lead", code="LAB-01", department=department)
    department.head_post = post
    department.save()
    with pytest.raises(ValidationError) as excinfo:
        services.post_close(actor=org_tree.hr_user, post=post, valid_to=today(), reason="x")
    assert messages(excinfo.value) == ["It is the head post of Laboratory (LAB); choose another head post first."]


def test_post_close_requires_a_reason(org_tree):
    post = PostFactory(department=org_tree.w1)
    with pytest.raises(ValidationError) as excinfo:
        services.post_close(actor=org_tree.hr_user, post=post, valid_to=today(), reason="  ")
    assert "close_reason" in excinfo.value.message_dict


def test_post_close_ends_its_dotted_lines(org_tree):
    post = PostFactory(department=org_tree.qa, superior=org_tree.qa_head_post)
    outgoing = PostRelationFactory(source=post, target=org_tree.prod_head_post)
    incoming = PostRelationFactory(source=org_tree.operator_post, target=post, kind="deputy")
    unrelated = PostRelationFactory(source=org_tree.operator_post, target=org_tree.qa_engineer_post)
    services.post_close(actor=org_tree.hr_user, post=post, valid_to=days_ahead(3), reason="Merged")
    for relation in (outgoing, incoming, unrelated):
        relation.refresh_from_db()
    assert outgoing.valid_to == incoming.valid_to == days_ahead(3)
    assert unrelated.valid_to is None
    assert outgoing.history.latest().history_user == org_tree.hr_user
    post.refresh_from_db()
    assert (post.valid_to, post.close_reason) == (days_ahead(3), "Merged")


def test_post_close_cuts_dotted_lines_ending_later(org_tree):
    post = PostFactory(department=org_tree.qa)
    relation = PostRelationFactory(source=post, target=org_tree.gm_post, valid_to=days_ahead(100))
    services.post_close(actor=org_tree.hr_user, post=post, valid_to=today(), reason="Merged")
    relation.refresh_from_db()
    assert relation.valid_to == today()


def test_post_close_after_holders_left(org_tree):
    post = org_tree.operator_post
    services.assignment_end(actor=org_tree.hr_user, assignment=org_tree.operator_assignment, end=today(), reason="x")
    services.post_close(actor=org_tree.hr_user, post=post, valid_to=today(), reason="Automated")
    assert not Post.objects.valid_on(days_ahead(1)).filter(pk=post.pk).exists()
    assert Post.objects.valid_on().filter(pk=post.pk).exists()  # the last day is included


# department_close ------------------------------------------------------------------------


def test_department_close_refused_with_valid_posts(org_tree):
    with pytest.raises(ValidationError) as excinfo:
        services.department_close(actor=org_tree.hr_user, department=org_tree.qa, valid_to=today(), reason="x")
    assert messages(excinfo.value) == [
        f"Close or move these first; they are still valid after {today().isoformat()}: "
        "Quality manager (QA-01)、QA engineer (QA-02)."
    ]


def test_department_close_refused_with_valid_sub_departments(org_tree):
    department = DepartmentFactory(code="R", name="Research", parent=org_tree.gm)
    DepartmentFactory(code="R-1", name="Research lab", parent=department)
    with pytest.raises(ValidationError) as excinfo:
        services.department_close(actor=org_tree.hr_user, department=department, valid_to=today(), reason="x")
    assert "Research lab (R-1)" in messages(excinfo.value)[0]


def test_department_close_refused_with_post_starting_later(org_tree):
    department = DepartmentFactory(code="R", name="Research", parent=org_tree.gm)
    PostFactory(code="R-01", department=department, valid_from=days_ahead(30))
    with pytest.raises(ValidationError):
        services.department_close(actor=org_tree.hr_user, department=department, valid_to=today(), reason="x")


def test_department_close_with_closed_posts(org_tree):
    department = DepartmentFactory(code="R", name="Research", parent=org_tree.gm)
    PostFactory(department=department, valid_to=days_ago(3))
    services.department_close(actor=org_tree.hr_user, department=department, valid_to=days_ago(1), reason="Reorganised")
    department.refresh_from_db()
    assert (department.valid_to, department.close_reason) == (days_ago(1), "Reorganised")
    record = department.history.latest()
    assert (record.history_user, record.history_change_reason) == (org_tree.hr_user, "Reorganised")


def test_department_close_requires_a_reason(org_tree):
    department = DepartmentFactory(parent=org_tree.gm)
    with pytest.raises(ValidationError) as excinfo:
        services.department_close(actor=org_tree.hr_user, department=department, valid_to=today(), reason="")
    assert "close_reason" in excinfo.value.message_dict


# employee_leave --------------------------------------------------------------------------


def test_employee_leave_ends_assignments_on_that_day_and_disables_login(org_tree):
    employee = org_tree.qa_engineer.employee
    past = AssignmentFactory(
        employee=employee,
        post=org_tree.operator_post,
        kind="concurrent",
        start=days_ago(200),
        end=days_ago(100),
    )
    acting = AssignmentFactory(employee=employee, post=org_tree.w1_head_post, kind="acting", end=days_ahead(60))
    services.employee_leave(actor=org_tree.hr_user, employee=employee, leaving_date=days_ahead(7), reason="Resigned")

    employee.refresh_from_db()
    assert (employee.leaving_date, employee.leaving_reason) == (days_ahead(7), "Resigned")
    for assignment in (org_tree.qa_engineer_assignment, acting):
        assignment.refresh_from_db()
        assert (assignment.end, assignment.end_reason) == (days_ahead(7), "Resigned")
    past.refresh_from_db()
    assert (past.end, past.end_reason) == (days_ago(100), "")
    org_tree.qa_engineer.refresh_from_db()
    assert not org_tree.qa_engineer.is_active


def test_employee_leave_without_login(org_tree):
    employee = EmployeeFactory()
    services.employee_leave(actor=org_tree.hr_user, employee=employee, leaving_date=today(), reason="Retired")
    assert not Employee.objects.get(pk=employee.pk).is_employed_on(days_ahead(1))


def test_employee_leave_refused_without_reason(org_tree):
    employee = org_tree.operator.employee
    before = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        services.employee_leave(actor=org_tree.hr_user, employee=employee, leaving_date=today(), reason="  ")
    assert excinfo.value.message_dict == {"leaving_reason": ["Give a reason for leaving."]}
    assert row_counts() == before
    org_tree.operator.refresh_from_db()
    assert org_tree.operator.is_active


def test_employee_leave_refused_with_assignment_starting_later(org_tree):
    employee = EmployeeFactory()
    AssignmentFactory(employee=employee, post=org_tree.operator_post, start=days_ahead(10))
    with pytest.raises(ValidationError) as excinfo:
        services.employee_leave(actor=org_tree.hr_user, employee=employee, leaving_date=today(), reason="x")
    assert messages(excinfo.value) == [
        "Assignments starting after the leaving date must be ended first: Operator (W1-02)."
    ]


# History: who and why --------------------------------------------------------------------


def test_history_records_actor_and_reason(org_tree):
    employee = org_tree.operator.employee
    assignment = services.assignment_create(
        actor=org_tree.hr_user, employee=EmployeeFactory(), post=org_tree.operator_post
    )
    created = assignment.history.latest()
    assert (created.history_type, created.history_user) == ("+", org_tree.hr_user)

    services.employee_leave(actor=org_tree.admin_user, employee=employee, leaving_date=today(), reason="Moved away")
    record = employee.history.latest()
    assert (record.history_user, record.history_change_reason) == (org_tree.admin_user, "Moved away")
    ended = org_tree.operator_assignment.history.latest()
    assert (ended.history_type, ended.history_user, ended.history_change_reason, ended.end) == (
        "~",
        org_tree.admin_user,
        "Moved away",
        today(),
    )


def test_history_change_reason_is_cut_to_fit(org_tree):
    post = org_tree.operator_post
    services.post_update(actor=org_tree.hr_user, post=post, title="Machine operator", reason="x" * 250)
    assert post.history.latest().history_change_reason == "x" * 100


def test_create_services_record_actor(org_tree):
    department = services.department_create(
        actor=org_tree.hr_user, code="LOG", name="Logistics", parent=org_tree.gm, valid_from=today()
    )
    post = services.post_create(
        actor=org_tree.hr_user,
        code="LOG-01",
        title="Logistics lead",
        department=department,
        valid_from=today(),
        rotation_posts=[org_tree.operator_post],
    )
    services.department_update(actor=org_tree.hr_user, department=department, head_post=post, reason="Head")
    relation = services.post_relation_add(
        actor=org_tree.hr_user, source=post, target=org_tree.prod_head_post, kind="functional"
    )
    employee = services.employee_create(actor=org_tree.hr_user, number="X1", name="Xavier", hire_date=today())
    services.employee_update(actor=org_tree.hr_user, employee=employee, phone="123")
    for obj in (department, post, relation, employee):
        assert obj.history.latest().history_user == org_tree.hr_user
    assert list(post.rotation_posts.all()) == [org_tree.operator_post]
    department.refresh_from_db()
    assert department.head_post == post


def test_create_services_validate(org_tree):
    with pytest.raises(ValidationError):
        services.post_create(actor=org_tree.hr_user, code="QA-01", title="Duplicate code", department=org_tree.qa)
    with pytest.raises(ValidationError):
        services.department_update(actor=org_tree.hr_user, department=org_tree.qa, head_post=org_tree.operator_post)
    with pytest.raises(ValidationError):
        services.post_relation_add(
            actor=org_tree.hr_user, source=org_tree.gm_post, target=org_tree.gm_post, kind="deputy"
        )


# A refusal leaves the database as it was ------------------------------------------------


def _newcomer_on_full_post(t):
    newcomer = EmployeeFactory()
    return lambda: services.assignment_create(actor=t.hr_user, employee=newcomer, post=t.qa_head_post)


def _two_operators(t):
    AssignmentFactory(post=t.operator_post)
    return lambda: services.post_update(actor=t.hr_user, post=t.operator_post, headcount=1, title="Renamed")


#: Name → function preparing a refused change and returning it, to be run after counting.
REFUSALS = {
    "assignment beyond seats": _newcomer_on_full_post,
    "second primary post": lambda t: (
        lambda: services.assignment_create(actor=t.hr_user, employee=t.operator.employee, post=t.w1_head_post)
    ),
    "fewer seats than holders": _two_operators,
    "post close while held": lambda t: (
        lambda: services.post_close(actor=t.hr_user, post=t.operator_post, valid_to=today(), reason="x")
    ),
    "department close with posts": lambda t: (
        lambda: services.department_close(actor=t.hr_user, department=t.w1, valid_to=today(), reason="x")
    ),
    "leave before hire": lambda t: (
        lambda: services.employee_leave(
            actor=t.hr_user, employee=t.operator.employee, leaving_date=days_ago(5000), reason="x"
        )
    ),
}


@pytest.mark.parametrize("prepare", REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_change_leaves_database_unchanged(org_tree, prepare):
    refused_change = prepare(org_tree)
    before = row_counts()
    with pytest.raises(ValidationError):
        refused_change()
    assert row_counts() == before
    for post in org_tree.posts:
        assert Post.objects.get(pk=post.pk).title == post.history.earliest().title


def test_post_close_failing_late_rolls_back_ended_dotted_lines(org_tree):
    post = PostFactory(department=org_tree.qa, valid_from=days_ago(10))
    relation = PostRelationFactory(source=post, target=org_tree.gm_post, valid_from=days_ago(10))
    before = row_counts()
    with pytest.raises(ValidationError):
        # The dotted line is ended first; the post itself cannot end before it began.
        services.post_close(actor=org_tree.hr_user, post=post, valid_to=days_ago(20), reason="x")
    relation.refresh_from_db()
    assert relation.valid_to is None
    assert row_counts() == before


def test_employee_leave_failing_late_rolls_back_everything(org_tree, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("refused")

    monkeypatch.setattr(services, "assignment_end", refuse)
    employee = org_tree.operator.employee
    before = row_counts()
    with pytest.raises(ValidationError):
        services.employee_leave(actor=org_tree.hr_user, employee=employee, leaving_date=today(), reason="x")
    assert row_counts() == before
    employee.refresh_from_db()
    assert employee.leaving_date is None


def test_user_factory_has_usable_password(db):
    assert UserFactory().check_password("correct-horse-battery-staple")
