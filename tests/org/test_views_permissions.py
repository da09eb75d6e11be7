"""Who may open which organisation page, checked on the server.

Anonymous users are sent to log in; everybody logged in reads; edits are for HR and
administrators everywhere, for the holder of a department's head post (an acting holder too)
inside that department's branch, and for users with an explicit grant on a department. A
refused edit is a 403 for GET and POST alike, and writes nothing.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from org.models import Assignment, Department, Employee, Post, PostRelation, today
from tests.factories import (
    AssignmentFactory,
    EmployeeFactory,
    PostRelationFactory,
    UserFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

MODELS = (Department, Post, PostRelation, Employee, Assignment)


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def relation(org_tree):
    return PostRelationFactory(source=org_tree.qa_engineer_post, target=org_tree.operator_post)


def snapshot():
    """Every organisation row, its history, the logins and the object grants, to compare."""
    state = {}
    for model in MODELS:
        state[model.__name__] = list(model.objects.order_by("pk").values())
        state[f"{model.__name__} history"] = model.history.count()
    state["users"] = list(get_user_model().objects.order_by("pk").values("pk", "is_active", "password"))
    state["grants"] = list(UserObjectPermission.objects.order_by("pk").values("user_id", "object_pk"))
    state["rotation"] = list(Post.rotation_posts.through.objects.order_by("pk").values())
    return state


def post_data(tree):
    """Valid-looking data for every edit form at once (each view picks what it needs)."""
    return {
        "code": "NEW-1",
        "title": "Hijacked",
        "name": "Hijacked",
        "number": "E99999",
        "department": tree.qa.pk,
        "parent": tree.gm.pk,
        "headcount": 5,
        "grade": "senior",
        "sort_order": 0,
        "valid_from": today().isoformat(),
        "valid_to": today().isoformat(),
        "leaving_date": today().isoformat(),
        "hire_date": today().isoformat(),
        "end": today().isoformat(),
        "start": today().isoformat(),
        "reason": "Because",
        "target": tree.gm_post.pk,
        "kind": "functional",
        "employee": tree.qa_engineer.employee.pk,
        "user": tree.operator.pk,
    }


# Every page and its arguments ------------------------------------------------------------

#: name → how to get the URL arguments from (org_tree, relation).
READ_PAGES = {
    "org:chart": lambda t, r: [],
    "org:department_list": lambda t, r: [],
    "org:department_detail": lambda t, r: [t.qa.pk],
    "org:department_history": lambda t, r: [t.qa.pk],
    "org:post_list": lambda t, r: [],
    "org:post_export": lambda t, r: [],
    "org:post_detail": lambda t, r: [t.qa_engineer_post.pk],
    "org:post_history": lambda t, r: [t.qa_engineer_post.pk],
    "org:assignment_history": lambda t, r: [t.qa_engineer_assignment.pk],
    "org:employee_list": lambda t, r: [],
    "org:employee_detail": lambda t, r: [t.qa_engineer.employee.pk],
    "org:employee_history": lambda t, r: [t.qa_engineer.employee.pk],
    "org:vacancy_list": lambda t, r: [],
}

#: Edits of the whole organisation: HR and administrators only.
ORGANISATION_EDITS = {
    "org:department_create": lambda t, r: [],
    "org:department_update": lambda t, r: [t.qa.pk],
    "org:department_close": lambda t, r: [t.qa.pk],
    "org:department_access": lambda t, r: [t.qa.pk],
    "org:employee_create": lambda t, r: [],
    "org:employee_update": lambda t, r: [t.qa_engineer.employee.pk],
    "org:employee_leave": lambda t, r: [t.qa_engineer.employee.pk],
}

#: Edits of the posts of one department (QA here): also its head, and grantees.
QA_POST_EDITS = {
    "org:post_update": lambda t, r: [t.qa_engineer_post.pk],
    "org:post_close": lambda t, r: [t.qa_engineer_post.pk],
    "org:relation_create": lambda t, r: [t.qa_engineer_post.pk],
    "org:assignment_create": lambda t, r: [t.qa_engineer_post.pk],
    "org:assignment_end": lambda t, r: [t.qa_engineer_assignment.pk],
}

EDIT_PAGES = ORGANISATION_EDITS | QA_POST_EDITS | {"org:post_create": lambda t, r: []}
ALL_PAGES = READ_PAGES | EDIT_PAGES | {"org:relation_end": lambda t, r: [r.pk]}


def url_of(name, tree, relation):
    return reverse(name, args=ALL_PAGES[name](tree, relation))


# Anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_anonymous_get_is_sent_to_log_in(client, org_tree, relation, name):
    url = url_of(name, org_tree, relation)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("name", sorted(set(EDIT_PAGES) | {"org:relation_end"}))
def test_anonymous_post_is_sent_to_log_in_and_writes_nothing(client, org_tree, relation, name):
    before = snapshot()
    response = client.post(url_of(name, org_tree, relation), post_data(org_tree))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


# Reading is for everybody logged in ------------------------------------------------------


@pytest.mark.parametrize("user", ["operator", "auditor", "no_employee_user"])
@pytest.mark.parametrize("name", sorted(READ_PAGES))
def test_everybody_logged_in_reads_the_organisation(client, org_tree, relation, name, user):
    client.force_login(getattr(org_tree, user))
    assert client.get(url_of(name, org_tree, relation)).status_code == 200


def test_readers_see_no_edit_buttons(client, org_tree):
    client.force_login(org_tree.operator)
    body = client.get(reverse("org:post_detail", args=[org_tree.operator_post.pk])).content.decode()
    assert reverse("org:post_update", args=[org_tree.operator_post.pk]) not in body
    assert reverse("org:assignment_create", args=[org_tree.operator_post.pk]) not in body
    body = client.get(reverse("org:department_detail", args=[org_tree.w1.pk])).content.decode()
    assert reverse("org:post_create") not in body
    assert reverse("org:department_update", args=[org_tree.w1.pk]) not in body


# Refused edits ---------------------------------------------------------------------------

FORBIDDEN = (
    [(user, name) for user in ("operator", "auditor", "no_employee_user") for name in sorted(EDIT_PAGES)]
    + [("prod_head", name) for name in sorted(ORGANISATION_EDITS | QA_POST_EDITS)]
    + [("qa_engineer", name) for name in sorted(QA_POST_EDITS)]
)


@pytest.mark.parametrize(("user", "name"), FORBIDDEN)
def test_forbidden_edit_is_403_for_get_and_post_and_writes_nothing(client, org_tree, relation, user, name):
    client.force_login(getattr(org_tree, user))
    url = url_of(name, org_tree, relation)
    before = snapshot()

    get = client.get(url)
    assert get.status_code == 403
    assert "Not allowed" in get.content.decode()
    assert client.post(url, post_data(org_tree)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user", ["operator", "auditor", "prod_head"])
def test_forbidden_user_cannot_end_a_dotted_line(client, org_tree, relation, user):
    client.force_login(getattr(org_tree, user))
    before = snapshot()
    assert client.post(reverse("org:relation_end", args=[relation.pk])).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user", ["operator", "auditor", "prod_head"])
def test_forbidden_user_cannot_revoke_a_grant(client, org_tree, user):
    assign_perm("org.manage_department", org_tree.qa_engineer, org_tree.qa)
    client.force_login(getattr(org_tree, user))
    before = snapshot()
    response = client.post(reverse("org:department_access", args=[org_tree.qa.pk]), {"revoke": org_tree.qa_engineer.pk})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user", ["hr_user", "admin_user"])
@pytest.mark.parametrize("name", sorted(EDIT_PAGES))
def test_hr_and_administrators_open_every_edit_page(client, org_tree, relation, user, name):
    client.force_login(getattr(org_tree, user))
    assert client.get(url_of(name, org_tree, relation)).status_code == 200


def test_missing_objects_are_404_not_500(client, org_tree):
    client.force_login(org_tree.hr_user)
    for name in ("org:post_update", "org:department_update", "org:employee_leave", "org:assignment_end"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.post(reverse("org:relation_end", args=[999999])).status_code == 404


# Wrong methods ---------------------------------------------------------------------------


def test_relation_end_refuses_get(client, org_tree, relation):
    client.force_login(org_tree.hr_user)
    before = snapshot()
    response = client.get(reverse("org:relation_end", args=[relation.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_relation_end_refuses_other_methods(client, org_tree, relation, method):
    client.force_login(org_tree.hr_user)
    before = snapshot()
    assert getattr(client, method)(reverse("org:relation_end", args=[relation.pk])).status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("name", sorted(READ_PAGES))
def test_read_pages_refuse_writing_methods(client, org_tree, relation, name, method):
    client.force_login(org_tree.hr_user)
    before = snapshot()
    assert getattr(client, method)(url_of(name, org_tree, relation)).status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("method", ["patch", "delete"])
@pytest.mark.parametrize("name", sorted(EDIT_PAGES))
def test_edit_pages_refuse_patch_and_delete(client, org_tree, relation, name, method):
    client.force_login(org_tree.hr_user)
    before = snapshot()
    assert getattr(client, method)(url_of(name, org_tree, relation)).status_code == 405
    assert snapshot() == before


# The head of a department ----------------------------------------------------------------


@pytest.fixture
def prod_client(client, org_tree):
    client.force_login(org_tree.prod_head)
    return client


def _new_post(tree, department, code, post=None):
    """Form data for a new post, or for ``post`` changed (keeping its start day)."""
    return {
        "code": code,
        "title": f"Planner {code}",
        "department": department.pk,
        "superior": tree.prod_head_post.pk,
        "headcount": 1,
        "grade": "professional",
        "sort_order": 0,
        "valid_from": (post.valid_from if post else today()).isoformat(),
    }


def test_head_is_offered_only_the_own_branch(prod_client, org_tree):
    response = prod_client.get(reverse("org:post_create"))
    assert response.status_code == 200
    assert set(response.context["form"].fields["department"].queryset) == {org_tree.prod, org_tree.w1}


@pytest.mark.parametrize("department", ["prod", "w1"])
def test_head_creates_a_post_in_the_own_department_and_below(prod_client, org_tree, department):
    department = getattr(org_tree, department)
    response = prod_client.post(reverse("org:post_create"), _new_post(org_tree, department, "PL-1"))
    post = Post.objects.get(code="PL-1")
    assert response.status_code == 302
    assert post.department == department
    assert post.history.get().history_user == org_tree.prod_head


def test_head_cannot_create_a_post_in_another_department(prod_client, org_tree):
    before = snapshot()
    response = prod_client.post(reverse("org:post_create"), _new_post(org_tree, org_tree.qa, "PL-2"))
    assert response.status_code == 200
    assert response.context["form"].errors["department"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert snapshot() == before


def test_head_cannot_move_an_own_post_into_another_department(prod_client, org_tree):
    post = org_tree.operator_post
    data = _new_post(org_tree, org_tree.qa, post.code, post) | {"title": post.title, "headcount": 3}
    response = prod_client.post(reverse("org:post_update", args=[post.pk]), data)
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    post.refresh_from_db()
    assert post.department == org_tree.w1


def test_head_edits_a_post_of_a_sub_department(prod_client, org_tree):
    post = org_tree.operator_post
    url = reverse("org:post_update", args=[post.pk])
    assert prod_client.get(url).status_code == 200
    data = _new_post(org_tree, org_tree.w1, post.code, post) | {"title": "Machine operator", "headcount": 4}
    response = prod_client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.headcount) == ("Machine operator", 4)
    assert post.history.order_by("-history_id").first().history_user == org_tree.prod_head


def test_head_assigns_and_ends_in_the_own_branch(prod_client, org_tree):
    nina = EmployeeFactory(name="Nina New")
    response = prod_client.post(
        reverse("org:assignment_create", args=[org_tree.operator_post.pk]),
        {"employee": nina.pk, "kind": "primary", "start": today().isoformat()},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(employee=nina)
    response = prod_client.post(
        reverse("org:assignment_end", args=[assignment.pk]), {"end": today().isoformat(), "reason": "Trial failed"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end == today()


def test_head_sees_edit_buttons_only_in_the_own_branch(prod_client, org_tree):
    own = prod_client.get(reverse("org:post_detail", args=[org_tree.operator_post.pk]))
    other = prod_client.get(reverse("org:post_detail", args=[org_tree.qa_engineer_post.pk]))
    assert own.context["can_edit"] is True
    assert reverse("org:post_update", args=[org_tree.operator_post.pk]) in own.content.decode()
    assert other.context["can_edit"] is False
    assert reverse("org:post_update", args=[org_tree.qa_engineer_post.pk]) not in other.content.decode()


def test_head_gets_403_editing_a_post_of_another_department(prod_client, org_tree):
    post = org_tree.qa_head_post
    before = snapshot()
    url = reverse("org:post_update", args=[post.pk])
    assert prod_client.get(url).status_code == 403
    data = _new_post(org_tree, org_tree.prod, post.code, post) | {"title": "Taken over"}
    assert prod_client.post(url, data).status_code == 403
    assert snapshot() == before


def test_head_of_a_sub_department_cannot_edit_above_it(client, org_tree):
    lead = UserFactory(username="lead")
    AssignmentFactory(employee=EmployeeFactory(name="Lena Lead", user=lead), post=org_tree.w1_head_post)
    client.force_login(lead)
    assert client.get(reverse("org:post_update", args=[org_tree.operator_post.pk])).status_code == 200
    assert client.get(reverse("org:post_update", args=[org_tree.prod_head_post.pk])).status_code == 403


@pytest.fixture
def acting_lead(org_tree):
    """A login holding the vacant head post of Workshop 1 as acting holder."""
    user = UserFactory(username="acting")
    assignment = AssignmentFactory(
        employee=EmployeeFactory(name="Art Acting", user=user), post=org_tree.w1_head_post, kind="acting"
    )
    return user, assignment


def test_acting_holder_of_a_head_post_may_edit(client, org_tree, acting_lead):
    user, _assignment = acting_lead
    client.force_login(user)
    post = org_tree.operator_post
    url = reverse("org:post_update", args=[post.pk])
    data = _new_post(org_tree, org_tree.w1, post.code, post) | {"title": "Setter", "headcount": 3}
    data["superior"] = org_tree.w1_head_post.pk
    response = client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Setter"
    assert post.history.order_by("-history_id").first().history_user == user
    # Production, above Workshop 1, stays out of reach.
    assert client.get(reverse("org:post_update", args=[org_tree.prod_head_post.pk])).status_code == 403
    assert client.get(reverse("org:department_update", args=[org_tree.w1.pk])).status_code == 403


def test_edit_right_ends_with_the_acting_assignment(client, org_tree, acting_lead):
    user, assignment = acting_lead
    assignment.start, assignment.end = days_ago(30), days_ago(1)
    assignment.save()
    client.force_login(user)
    assert client.get(reverse("org:post_update", args=[org_tree.operator_post.pk])).status_code == 403


def test_edit_right_follows_the_head_post(client, org_tree):
    """Moving the head post of QA to another post moves the right to edit QA at once."""
    Department.objects.filter(pk=org_tree.qa.pk).update(head_post=org_tree.qa_engineer_post)
    url = reverse("org:post_update", args=[org_tree.qa_engineer_post.pk])
    client.force_login(org_tree.qa_head)
    assert client.get(url).status_code == 403
    client.force_login(org_tree.qa_engineer)
    assert client.get(url).status_code == 200


def test_head_of_a_closed_department_has_no_right(client, org_tree):
    Department.objects.filter(pk=org_tree.w1.pk).update(valid_to=days_ago(1))
    lead = UserFactory(username="lead")
    AssignmentFactory(employee=EmployeeFactory(name="Lena Lead", user=lead), post=org_tree.w1_head_post)
    client.force_login(lead)
    assert client.get(reverse("org:post_update", args=[org_tree.operator_post.pk])).status_code == 403


def test_disabled_login_is_sent_to_log_in(client, org_tree):
    client.force_login(org_tree.prod_head)
    type(org_tree.prod_head).objects.filter(pk=org_tree.prod_head.pk).update(is_active=False)
    response = client.get(reverse("org:post_update", args=[org_tree.operator_post.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Explicit grants -------------------------------------------------------------------------


def test_hr_grants_and_revokes_the_edit_right_of_a_department(client, org_tree):
    url = reverse("org:department_access", args=[org_tree.w1.pk])
    edit = reverse("org:post_update", args=[org_tree.operator_post.pk])
    engineer = org_tree.qa_engineer

    client.force_login(org_tree.hr_user)
    response = client.post(url, {"user": engineer.pk})
    assert response.status_code == 302
    assert response["Location"] == url
    assert get_user_model().objects.get(pk=engineer.pk).has_perm("org.manage_department", org_tree.w1)
    assert "Erin Engineer" in client.get(url).content.decode()

    client.force_login(engineer)
    assert client.get(edit).status_code == 200
    # The grant is for Workshop 1 only, not for its parent.
    assert client.get(reverse("org:post_update", args=[org_tree.prod_head_post.pk])).status_code == 403

    client.force_login(org_tree.hr_user)
    assert client.post(url, {"revoke": engineer.pk}).status_code == 302
    assert not get_user_model().objects.get(pk=engineer.pk).has_perm("org.manage_department", org_tree.w1)

    client.force_login(engineer)
    assert client.get(edit).status_code == 403


def test_a_grant_on_a_department_covers_its_sub_departments(client, org_tree):
    assign_perm("org.manage_department", org_tree.qa_engineer, org_tree.prod)
    client.force_login(org_tree.qa_engineer)
    assert client.get(reverse("org:post_update", args=[org_tree.operator_post.pk])).status_code == 200


def test_a_model_wide_manage_department_permission_is_not_a_grant_everywhere(client, org_tree):
    """Only per-department grants count; the global permission alone opens nothing."""
    org_tree.operator.user_permissions.add(Permission.objects.get(codename="manage_department"))
    client.force_login(org_tree.operator)
    assert client.get(reverse("org:post_update", args=[org_tree.qa_engineer_post.pk])).status_code == 403


def test_granting_to_a_disabled_login_is_not_offered(client, org_tree):
    disabled = UserFactory(username="gone", is_active=False)
    client.force_login(org_tree.hr_user)
    response = client.post(reverse("org:department_access", args=[org_tree.w1.pk]), {"user": disabled.pk})
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not UserObjectPermission.objects.exists()


def test_department_create_for_new_department_is_hr_only(client, org_tree):
    client.force_login(org_tree.prod_head)
    before = snapshot()
    response = client.post(
        reverse("org:department_create"), {"code": "PROD-W2", "name": "Workshop 2", "parent": org_tree.prod.pk}
    )
    assert response.status_code == 403
    assert snapshot() == before
    assert not Department.objects.filter(code="PROD-W2").exists()
