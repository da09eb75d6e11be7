"""Who may edit what: roles, the org chart (heads) and per-object grants."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import assign_perm

from org import permissions, services
from org.choices import Role
from org.models import Department
from org.roles import ROLE_PERMISSIONS, sync_role_permissions
from tests.factories import AssignmentFactory, EmployeeFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as loaded by the next request: permission answers are cached per object."""
    return get_user_model().objects.get(pk=user.pk)


def editable_posts(user, org_tree):
    return {post.code for post in org_tree.posts if permissions.can_edit_post(user, post)}


ALL_POSTS = {"GM-01", "QA-01", "QA-02", "PROD-01", "W1-01", "W1-02"}


# Roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hr_user", "admin_user"])
def test_hr_and_administrator_can_edit_everything(org_tree, name):
    user = getattr(org_tree, name)
    assert permissions.can_manage_organisation(user)
    assert permissions.editable_department_ids(user) is None
    assert editable_posts(user, org_tree) == ALL_POSTS
    assert permissions.can_edit_some_posts(user)
    assert set(permissions.restrict_departments(Department.objects.all(), user)) == set(org_tree.departments)


def test_superuser_can_edit_everything(org_tree):
    superuser = UserFactory(is_superuser=True)
    assert permissions.can_manage_organisation(superuser)
    assert editable_posts(superuser, org_tree) == ALL_POSTS


def test_auditor_cannot_edit(org_tree):
    auditor = org_tree.auditor
    assert not permissions.can_manage_organisation(auditor)
    assert permissions.editable_department_ids(auditor) == set()
    assert editable_posts(auditor, org_tree) == set()
    assert not permissions.can_edit_some_posts(auditor)
    assert auditor.has_perm("org.view_post")
    assert not auditor.has_perm("org.change_post")


@pytest.mark.parametrize("name", ["qa_engineer", "operator", "no_employee_user"])
def test_staff_without_head_post_cannot_edit(org_tree, name):
    user = getattr(org_tree, name)
    assert editable_posts(user, org_tree) == set()
    assert not permissions.can_edit_some_posts(user)
    assert list(permissions.restrict_departments(Department.objects.all(), user)) == []


def test_inactive_hr_user_cannot_edit(org_tree):
    user = org_tree.hr_user
    user.is_active = False
    user.save()
    user = fresh(user)
    assert not permissions.can_manage_organisation(user)
    assert permissions.editable_department_ids(user) == set()


def test_anonymous_user_cannot_edit(org_tree):
    anonymous = AnonymousUser()
    assert not permissions.can_manage_organisation(anonymous)
    assert permissions.editable_department_ids(anonymous) == set()
    assert permissions.headed_department_ids(anonymous) == set()
    assert not permissions.has_role(anonymous, Role.HR)
    assert not permissions.is_administrator(anonymous)


def test_is_administrator_for_administrator_group_and_superuser_only(org_tree):
    assert permissions.is_administrator(org_tree.admin_user)
    assert permissions.is_administrator(UserFactory(is_superuser=True))
    for name in ("hr_user", "auditor", "prod_head", "qa_head", "operator", "no_employee_user"):
        assert not permissions.is_administrator(getattr(org_tree, name)), name


def test_inactive_administrator_is_no_administrator(org_tree):
    admin = org_tree.admin_user
    admin.is_active = False
    assert not permissions.is_administrator(admin)


def test_has_role_by_group_name(org_tree):
    assert permissions.has_role(org_tree.hr_user, Role.HR)
    assert permissions.has_role(org_tree.hr_user, Role.AUDITOR, Role.HR)
    assert not permissions.has_role(org_tree.hr_user, Role.AUDITOR)
    assert not permissions.has_role(org_tree.prod_head, Role.DEPARTMENT_HEAD)
    assert permissions.has_role(UserFactory(is_superuser=True), Role.AUDITOR)


def test_check_raises_permission_denied():
    permissions.check(True)
    with pytest.raises(PermissionDenied):
        permissions.check(False)


# The org chart: heads --------------------------------------------------------------------


def test_head_edits_own_department_and_sub_department_posts(org_tree):
    assert permissions.headed_department_ids(org_tree.prod_head) == {org_tree.prod.pk}
    assert permissions.editable_department_ids(org_tree.prod_head) == {org_tree.prod.pk, org_tree.w1.pk}
    assert editable_posts(org_tree.prod_head, org_tree) == {"PROD-01", "W1-01", "W1-02"}
    assert permissions.can_edit_department_posts(org_tree.prod_head, org_tree.w1)


def test_head_cannot_edit_post_of_other_department(org_tree):
    assert not permissions.can_edit_post(org_tree.prod_head, org_tree.qa_engineer_post)
    assert not permissions.can_edit_post(org_tree.qa_head, org_tree.operator_post)


def test_head_cannot_edit_posts_of_parent_department(org_tree):
    assert not permissions.can_edit_post(org_tree.prod_head, org_tree.gm_post)
    assert editable_posts(org_tree.qa_head, org_tree) == {"QA-01", "QA-02"}


def test_acting_holder_of_head_post_counts_as_head(org_tree):
    user = UserFactory()
    AssignmentFactory(employee=EmployeeFactory(user=user), post=org_tree.w1_head_post, kind="acting")
    assert permissions.headed_department_ids(user) == {org_tree.w1.pk}
    assert editable_posts(user, org_tree) == {"W1-01", "W1-02"}


def test_head_right_ends_with_the_assignment(org_tree):
    prod_head = org_tree.prod_head
    services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.prod_head_assignment, end=days_ago(1), reason="Moved"
    )
    prod_head = fresh(prod_head)
    assert permissions.headed_department_ids(prod_head) == set()
    assert editable_posts(prod_head, org_tree) == set()
    # ... and was there on a day it was held.
    assert permissions.headed_department_ids(prod_head, days_ago(2)) == {org_tree.prod.pk}


def test_new_head_gets_rights_without_a_grant(org_tree):
    services.assignment_end(
        actor=org_tree.hr_user, assignment=org_tree.qa_head_assignment, end=days_ago(1), reason="Moved"
    )
    successor = UserFactory()
    employee = EmployeeFactory(user=successor)
    services.assignment_create(actor=org_tree.hr_user, employee=employee, post=org_tree.qa_head_post)
    assert editable_posts(successor, org_tree) == {"QA-01", "QA-02"}


def test_holder_of_a_new_head_post_heads_the_department(org_tree):
    """Changing a department's head post moves the right with it at once."""
    org_tree.qa.head_post = org_tree.qa_engineer_post
    org_tree.qa.save()
    assert editable_posts(org_tree.qa_engineer, org_tree) == {"QA-01", "QA-02"}
    assert editable_posts(fresh(org_tree.qa_head), org_tree) == set()


def test_head_of_closed_department_has_no_rights(org_tree):
    Department.objects.filter(pk=org_tree.qa.pk).update(valid_to=days_ago(1))
    assert editable_posts(org_tree.qa_head, org_tree) == set()


def test_answers_are_cached_per_user_object(org_tree, django_assert_num_queries):
    user = fresh(org_tree.prod_head)
    permissions.editable_department_ids(user)
    with django_assert_num_queries(0):
        permissions.editable_department_ids(user)
        permissions.can_edit_post(user, org_tree.operator_post)


# Guardian grants -------------------------------------------------------------------------


def test_grant_on_a_department_gives_edit_rights_there_only(org_tree):
    user = org_tree.operator
    assign_perm("org.manage_department", user, org_tree.qa)
    user = fresh(user)
    assert permissions.granted_department_ids(user) == {org_tree.qa.pk}
    assert editable_posts(user, org_tree) == {"QA-01", "QA-02"}
    assert not permissions.can_manage_organisation(user)


def test_grant_on_a_department_reaches_its_sub_departments(org_tree):
    user = org_tree.qa_engineer
    assign_perm("org.manage_department", user, org_tree.prod)
    assert editable_posts(fresh(user), org_tree) == {"PROD-01", "W1-01", "W1-02"}


def test_grant_to_a_group_counts_for_its_members(org_tree):
    group = Group.objects.create(name="Workshop deputies")
    org_tree.operator.groups.add(group)
    assign_perm("org.manage_department", group, org_tree.w1)
    assert editable_posts(fresh(org_tree.operator), org_tree) == {"W1-01", "W1-02"}


def test_global_manage_department_permission_is_no_grant(org_tree):
    user = org_tree.operator
    user.user_permissions.add(Permission.objects.get(codename="manage_department"))
    assert editable_posts(fresh(user), org_tree) == set()


def test_head_and_grant_combine(org_tree):
    assign_perm("org.manage_department", org_tree.qa_head, org_tree.w1)
    assert editable_posts(fresh(org_tree.qa_head), org_tree) == {"QA-01", "QA-02", "W1-01", "W1-02"}


# Role groups -----------------------------------------------------------------------------


def perms_of(role):
    group = Group.objects.get(name=role.value)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_every_role_group_exists(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_hr_role_has_exactly_its_permissions(db):
    assert perms_of(Role.HR) == set(ROLE_PERMISSIONS[Role.HR])
    assert "org.manage_organisation" in perms_of(Role.HR)


def test_auditor_role_has_only_view_permissions(db):
    perms = perms_of(Role.AUDITOR)
    assert perms and all(p.split(".")[1].startswith("view_") for p in perms)
    assert {"org.view_post", "org.view_employee", "auth.view_user"} <= perms
    assert len(perms) == Permission.objects.filter(codename__startswith="view_").count()


def test_administrator_role_has_every_permission(db):
    assert len(perms_of(Role.ADMINISTRATOR)) == Permission.objects.count()


def test_roles_without_listed_permissions_carry_none(db):
    for role in set(Role) - set(ROLE_PERMISSIONS):
        assert perms_of(role) == set(), role


def test_sync_role_permissions_is_idempotent_and_repairs(db):
    hr = Group.objects.get(name=Role.HR.value)
    hr.permissions.add(Permission.objects.get(codename="delete_post"))
    hr.permissions.remove(Permission.objects.get(codename="manage_organisation"))
    sync_role_permissions()
    sync_role_permissions()
    assert perms_of(Role.HR) == set(ROLE_PERMISSIONS[Role.HR])
