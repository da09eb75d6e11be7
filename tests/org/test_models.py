"""The rules the models enforce themselves: database constraints and ``clean()``."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from org.models import Department, Post
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    PostRelationFactory,
    days_ago,
    days_ahead,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def messages(error: ValidationError, field=None):
    """The messages of ``error`` (of one field, if given) as plain strings."""
    if field is None:
        return [str(m) for m in error.messages]
    return [str(m) for m in error.message_dict.get(field, [])]


# Database constraints --------------------------------------------------------------------


def test_database_refuses_department_ending_before_it_starts():
    department = DepartmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.filter(pk=department.pk).update(valid_to=department.valid_from - datetime.timedelta(1))


def test_database_refuses_post_ending_before_it_starts():
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(valid_to=post.valid_from - datetime.timedelta(1))


def test_database_refuses_post_without_a_seat():
    department = DepartmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(department=department, headcount=0)


def test_database_refuses_assignment_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(start=days_ago(10), end=days_ago(11))


def test_database_refuses_employee_leaving_before_hire():
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(hire_date=days_ago(10), leaving_date=days_ago(11))


def test_database_refuses_dotted_line_from_post_to_itself():
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostRelationFactory(source=post, target=post)


def test_database_refuses_same_open_dotted_line_twice():
    relation = PostRelationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostRelationFactory(source=relation.source, target=relation.target, kind=relation.kind)


def test_same_dotted_line_may_return_after_the_old_one_ended():
    relation = PostRelationFactory(valid_to=days_ago(5))
    PostRelationFactory(source=relation.source, target=relation.target, kind=relation.kind)


# full_clean: constraint messages ---------------------------------------------------------


def test_full_clean_names_dates_out_of_order():
    post = PostFactory.build(department=DepartmentFactory(), valid_from=days_ago(1), valid_to=days_ago(2))
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert "The end date cannot lie before the start date." in messages(excinfo.value)


def test_full_clean_names_post_without_a_seat():
    post = PostFactory.build(department=DepartmentFactory(), headcount=0)
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert "A post has at least one seat." in messages(excinfo.value)


def test_full_clean_names_dotted_line_to_itself():
    post = PostFactory()
    relation = PostRelationFactory.build(source=post, target=post)
    with pytest.raises(ValidationError) as excinfo:
        relation.full_clean()
    assert "A post cannot have a dotted line to itself." in messages(excinfo.value)


# Department.clean ------------------------------------------------------------------------


def test_department_cannot_be_its_own_parent(org_tree):
    org_tree.qa.parent = org_tree.qa
    with pytest.raises(ValidationError) as excinfo:
        org_tree.qa.full_clean()
    assert messages(excinfo.value, "parent") == ["A department cannot be its own parent."]


def test_department_parent_cycle_refused_with_message(org_tree):
    gm = org_tree.gm
    gm.parent = org_tree.w1  # PROD-W1 lies below PROD below GM
    with pytest.raises(ValidationError) as excinfo:
        gm.full_clean()
    assert messages(excinfo.value, "parent") == [
        "Workshop 1 (PROD-W1) lies below General management (GM): that would make a cycle."
    ]


def test_department_parent_not_valid_over_its_dates_refused(org_tree):
    child = DepartmentFactory.build(code="NEW", parent=org_tree.qa, valid_from=org_tree.qa.valid_from)
    org_tree.qa.valid_to = days_ahead(30)
    org_tree.qa.save()
    with pytest.raises(ValidationError) as excinfo:
        child.full_clean()  # open-ended child below a department that closes
    assert messages(excinfo.value, "parent") == ["The parent department is not valid over this department's dates."]


def test_department_starting_before_its_parent_refused(org_tree):
    child = DepartmentFactory.build(parent=org_tree.qa, valid_from=org_tree.qa.valid_from - datetime.timedelta(1))
    with pytest.raises(ValidationError) as excinfo:
        child.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_department_valid_child_passes_clean(org_tree):
    DepartmentFactory.build(code="NEW", parent=org_tree.qa, valid_from=days_ago(10)).full_clean()


def test_head_post_must_belong_to_the_department(org_tree):
    qa = org_tree.qa
    qa.head_post = org_tree.operator_post
    with pytest.raises(ValidationError) as excinfo:
        qa.full_clean()
    assert messages(excinfo.value, "head_post") == ["The head post must belong to this department."]


def test_ancestors_and_self_lists_nearest_first(org_tree):
    assert org_tree.w1.ancestors_and_self() == [org_tree.w1, org_tree.prod, org_tree.gm]


# Post.clean ------------------------------------------------------------------------------


def test_post_cannot_report_to_itself(org_tree):
    post = org_tree.qa_engineer_post
    post.superior = post
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert messages(excinfo.value, "superior") == ["A post cannot report to itself."]


def test_post_superior_cycle_refused(org_tree):
    gm_post = org_tree.gm_post
    gm_post.superior = org_tree.operator_post  # Operator → Workshop lead → Production manager → GM
    with pytest.raises(ValidationError) as excinfo:
        gm_post.full_clean()
    assert messages(excinfo.value, "superior") == [
        "Operator (W1-02) reports to General manager (GM-01): that would make a cycle."
    ]


def test_post_superior_not_valid_over_its_dates_refused(org_tree):
    superior = org_tree.qa_head_post
    superior.valid_to = days_ahead(10)
    superior.save()
    post = PostFactory.build(code="QA-09", department=org_tree.qa, superior=superior, valid_from=days_ago(5))
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert messages(excinfo.value, "superior") == [
        "The superior post Quality manager (QA-01) is not valid over this post's dates."
    ]


def test_post_starting_before_its_superior_refused(org_tree):
    post = PostFactory.build(
        department=org_tree.qa,
        superior=org_tree.qa_head_post,
        valid_from=org_tree.qa_head_post.valid_from - datetime.timedelta(1),
    )
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert "superior" in excinfo.value.message_dict


def test_post_department_not_valid_over_its_dates_refused(org_tree):
    org_tree.qa.valid_to = days_ahead(10)
    org_tree.qa.save()
    post = PostFactory.build(department=org_tree.qa, valid_from=days_ago(5))
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert messages(excinfo.value, "department") == ["The department is not valid over this post's dates."]


def test_special_post_requires_a_qualification(org_tree):
    post = PostFactory.build(department=org_tree.w1, is_special=True, required_qualification="   ")
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert messages(excinfo.value, "required_qualification") == ["Name the qualification a special post requires."]


def test_special_post_with_qualification_passes_clean(org_tree):
    PostFactory.build(department=org_tree.w1, is_special=True, required_qualification="Forklift licence").full_clean()


# Dated rows ------------------------------------------------------------------------------


def test_valid_on_includes_first_and_last_day():
    post = PostFactory(valid_from=days_ago(10), valid_to=days_ago(5))
    assert post.is_valid_on(days_ago(10)) and post.is_valid_on(days_ago(5))
    assert not post.is_valid_on(days_ago(11)) and not post.is_valid_on(days_ago(4))
    assert list(Post.objects.valid_on(days_ago(5))) == [post]
    assert list(Post.objects.valid_on(days_ago(4))) == []
    assert not post.is_current


def test_assignment_kinds_that_fill_a_seat():
    assert AssignmentFactory(kind="primary").fills_seat
    assert AssignmentFactory(kind="concurrent").fills_seat
    assert not AssignmentFactory(kind="acting").fills_seat
