"""The personal inbox and the health check."""

import pytest
from django.conf import settings

from tests.factories import AssignmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_home_lists_the_users_posts_and_headed_departments(client, org_tree):
    client.force_login(org_tree.prod_head)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello, Paul Production" in body
    assert [a.post for a in response.context["assignments"]] == [org_tree.prod_head_post]
    assert list(response.context["headed_departments"]) == [org_tree.prod]
    assert "Production manager" in body
    assert "Departments I head" in body
    assert f"?root={org_tree.prod.pk}" in body
    assert "General manager" in body  # reports to


def test_home_of_a_head_lists_the_open_seats_of_the_branch(client, org_tree):
    client.force_login(org_tree.prod_head)
    response = client.get("/")
    seats = {n.post.code: n.vacant for n in response.context["open_seats"]}
    assert seats == {"W1-01": 1, "W1-02": 2}


def test_home_of_an_employee_without_a_head_post(client, org_tree):
    client.force_login(org_tree.operator)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert [a.post for a in response.context["assignments"]] == [org_tree.operator_post]
    assert "Departments I head" not in body
    assert "Workshop 1" in body
    assert not response.context["open_seats"]


def test_home_shows_acting_and_concurrent_posts(client, org_tree):
    AssignmentFactory(employee=org_tree.operator.employee, post=org_tree.w1_head_post, kind="acting")
    client.force_login(org_tree.operator)
    response = client.get("/")
    assert {a.post for a in response.context["assignments"]} == {org_tree.operator_post, org_tree.w1_head_post}
    assert list(response.context["headed_departments"]) == [org_tree.w1]
    assert 'class="badge acting"' in response.content.decode()


def test_home_without_an_employee_record(client, org_tree):
    client.force_login(org_tree.no_employee_user)
    response = client.get("/")
    assert response.status_code == 200
    assert "not linked to an employee record" in response.content.decode()


def test_home_of_an_employee_without_posts(client, org_tree):
    user = UserFactory(username="idle")
    EmployeeFactory(name="Ida Idle", user=user)
    client.force_login(user)
    response = client.get("/")
    assert "You hold no post today." in response.content.decode()


def test_home_offers_administration_only_to_administrators(client, org_tree):
    client.force_login(org_tree.admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(org_tree.hr_user)
    body = client.get("/").content.decode()
    assert 'href="/admin/"' not in body
    assert "/org/employees/new/" in body  # HR may create employees


def test_health_check_is_public(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_the_inbox_link_is_marked_only_on_the_inbox_not_on_a_module_home_of_the_same_name(client, org_tree):
    """The training module's overview is also named "home" inside its namespace; the main
    navigation marks "My inbox" only on the site's own home page."""
    client.force_login(org_tree.qa_engineer)
    inbox_marked = '<a href="/" class="active">'
    assert inbox_marked in client.get("/").content.decode()
    training = client.get("/training/")
    assert training.status_code == 200
    assert inbox_marked not in training.content.decode()
