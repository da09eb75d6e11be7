"""Logging in and out through the real login form, throttling of wrong passwords, and
changing one's own password."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_page_is_public(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert "csrfmiddlewaretoken" in body


def test_pages_send_anonymous_users_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_login_with_the_right_password(client, org_tree):
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(org_tree.prod_head.pk)
    assert "Paul Production" in client.get("/").content.decode()


def test_login_follows_next(client, org_tree):
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD, "next": "/org/chart/"})
    assert response.status_code == 302
    assert response["Location"] == "/org/chart/"


def test_login_does_not_redirect_to_another_site(client, org_tree):
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_with_a_wrong_password_is_refused(client, org_tree):
    response = client.post(LOGIN, {"username": "prodhead", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_disabled_login_is_refused(client, org_tree):
    get_user_model().objects.filter(pk=org_tree.operator.pk).update(is_active=False)
    response = client.post(LOGIN, {"username": "operator", "password": PASSWORD})
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def _fail(client, username, times):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password"})


def test_five_wrong_passwords_lock_the_user_name_out(client, org_tree):
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT)

    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "Too many failed logins" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_the_fifth_wrong_password_already_shows_the_lockout(client, org_tree):
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "prodhead", "password": "still-wrong"})
    assert response.status_code == 429


def test_four_wrong_passwords_still_let_the_right_one_in(client, org_tree):
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(org_tree.prod_head.pk)


def test_a_success_resets_the_failure_count(client, org_tree):
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT - 1)
    client.post(LOGIN, {"username": "prodhead", "password": PASSWORD})
    client.post(reverse("logout"))
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD})
    assert response.status_code == 302


def test_lockout_is_per_user_name(client, org_tree):
    _fail(client, "prodhead", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "qahead", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(org_tree.qa_head.pk)


def test_lockout_ignores_a_forged_forwarded_for_header(client, org_tree):
    """Without a trusted proxy, X-Forwarded-For must not give each attempt a new address."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "prodhead", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = client.post(LOGIN, {"username": "prodhead", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


def test_logout_by_post(client, org_tree):
    client.force_login(org_tree.prod_head)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client, org_tree):
    client.force_login(org_tree.prod_head)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) == str(org_tree.prod_head.pk)


def test_password_change(client, org_tree):
    client.force_login(org_tree.qa_engineer)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "registration/password_change_form.html" in [t.name for t in page.templates]

    new = "Tanzanite-Orbit-4417"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    # Still logged in (the session hash was updated), and the new password counts.
    assert logged_in_user_id(client) == str(org_tree.qa_engineer.pk)
    org_tree.qa_engineer.refresh_from_db()
    assert org_tree.qa_engineer.check_password(new)
    client.post(reverse("logout"))
    assert client.post(LOGIN, {"username": "qaengineer", "password": new}).status_code == 302


def test_password_change_with_a_wrong_old_password_is_refused(client, org_tree):
    client.force_login(org_tree.qa_engineer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Tanzanite-Orbit-4417", "new_password2": "Tanzanite-Orbit-4417"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    org_tree.qa_engineer.refresh_from_db()
    assert org_tree.qa_engineer.check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(client, org_tree):
    client.force_login(org_tree.qa_engineer)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_password_change_needs_a_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_no_self_service_password_reset(client, org_tree):
    assert client.get("/accounts/password_reset/").status_code in (302, 404)
    client.force_login(org_tree.operator)
    assert client.get("/accounts/password_reset/").status_code == 404
