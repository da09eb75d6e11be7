"""The Django admin is for the Administrator role only, not for every ``is_staff`` user.

Logged-in users without the role are refused (403); anonymous users go to the site's one
login page.
"""

import pytest
from django.conf import settings

from org.models import Post
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/org/department/", "/admin/org/post/", "/admin/auth/user/"]


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_refused(client, url):
    response = client.get(url)
    assert response.status_code in (302, 403)
    final = client.get(url, follow=True)
    assert final.status_code == 403
    assert "Site administration" not in final.content.decode()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_sends_anonymous_users_to_the_site_login(client, db, url):
    final = client.get(url, follow=True)
    assert final.status_code == 200
    assert final.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "registration/login.html" in [t.name for t in final.templates]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_refuses_hr(client, org_tree, url):
    client.force_login(org_tree.hr_user)
    assert_refused(client, url)


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_refuses_staff_without_the_administrator_role(client, org_tree, url):
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert_refused(client, url)


def test_admin_refuses_a_disabled_administrator(client, org_tree):
    client.force_login(org_tree.admin_user)
    type(org_tree.admin_user).objects.filter(pk=org_tree.admin_user.pk).update(is_active=False)
    response = client.get("/admin/", follow=True)
    assert "Site administration" not in response.content.decode()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_allows_administrators(client, org_tree, url):
    client.force_login(org_tree.admin_user)
    assert client.get(url).status_code == 200


def test_admin_allows_superusers(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_admin_offers_no_delete(client, org_tree):
    client.force_login(org_tree.admin_user)
    response = client.get(f"/admin/org/post/{org_tree.operator_post.pk}/delete/")
    assert response.status_code == 403
    assert Post.objects.filter(pk=org_tree.operator_post.pk).exists()


def test_administrator_starting_at_admin_reaches_the_admin_after_logging_in(client, org_tree):
    first = client.get("/admin/", follow=True)
    next_url = first.context["next"]
    response = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    final = client.get(response["Location"], follow=True)
    assert final.status_code == 200
    assert "Site administration" in final.content.decode()
