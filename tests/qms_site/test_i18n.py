"""Pages are in Chinese unless the user picks English."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_login_page_is_chinese_by_default(client, db):
    body = client.get(LOGIN).content.decode()
    assert '<html lang="zh-hans">' in body
    # Translated by Django itself (the auth form's labels, the admin's "Log in").
    assert "用户名" in body
    assert "密码" in body
    assert "登录" in body


def test_an_english_browser_still_gets_chinese(client, db):
    """The company works in Chinese: only the language chooser switches, not Accept-Language."""
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "用户名" in body


def test_project_strings_follow_the_chinese_catalogue(client, org_tree):
    """Whatever locale/zh_Hans holds is what the page shows (English source text until compiled)."""
    with translation.override("zh-hans"):
        expected = [translation.gettext(s) for s in ("Org chart", "My inbox", "Log out")]
    client.force_login(org_tree.operator)
    body = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in body
    for text in expected:
        assert text in body


def test_switching_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.cookies["django_language"].value == "en"

    body = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in body
    assert "Username" in body
    assert "Log in" in body
    assert "用户名" not in body


def test_switching_back_to_chinese(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LOGIN})
    body = client.get(LOGIN).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "用户名" in body


def test_switching_language_works_when_logged_in(client, org_tree):
    client.force_login(org_tree.operator)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/org/chart/"})
    assert response["Location"] == "/org/chart/"
    body = client.get("/org/chart/").content.decode()
    assert '<html lang="en">' in body
    assert "Org chart" in body


def test_unknown_language_is_ignored(client, db):
    client.post(reverse("set_language"), {"language": "xx", "next": LOGIN})
    assert '<html lang="zh-hans">' in client.get(LOGIN).content.decode()


def test_set_language_does_not_redirect_to_another_site(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_every_page_offers_the_language_switch(client, org_tree):
    client.force_login(org_tree.operator)
    body = client.get("/org/chart/").content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert 'value="en"' in body
    assert 'value="zh-hans"' in body
