"""Modules plug their navigation entries and inbox sections into the site through
``core.registry``; the site shows them only to whom they concern."""

import re

import pytest
from django.conf import settings

from core import registry as extensions
from org.choices import Role
from org.permissions import has_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def registry(monkeypatch):
    """Empty registries for the test, restored afterwards."""
    monkeypatch.setattr(extensions, "NAV_ITEMS", [])
    monkeypatch.setattr(extensions, "INBOX_SECTIONS", [])
    return extensions


def test_nav_item_is_shown_only_to_users_it_is_visible_to(client, org_tree, registry):
    registry.register_nav_item(
        registry.NavItem(
            "Vacancy board", "org:vacancy_list", namespace="vacancy_list", visible=lambda u: has_role(u, Role.HR)
        )
    )
    client.force_login(org_tree.hr_user)
    assert re.search(r'href="/org/vacancies/"[^>]*>Vacancy board</a>', client.get("/").content.decode())
    client.force_login(org_tree.operator)
    assert "Vacancy board" not in client.get("/").content.decode()


def test_nav_items_are_ordered_and_registered_once(registry):
    registry.register_nav_item(registry.NavItem("B", "org:post_list", order=20))
    registry.register_nav_item(registry.NavItem("A", "org:chart", order=10))
    registry.register_nav_item(registry.NavItem("A again", "org:chart", order=5))
    assert [item.label for item in registry.NAV_ITEMS] == ["A", "B"]


def test_inbox_section_renders_its_template_with_its_data_and_hides_when_empty(
    client, org_tree, registry, tmp_path, settings
):
    (tmp_path / "section.html").write_text("<p>Open items: {{ section.count }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    registry.register_inbox_section(
        registry.InboxSection("section.html", lambda request: {"count": 3} if has_role(request.user, Role.HR) else None)
    )
    client.force_login(org_tree.hr_user)
    assert "Open items: 3" in client.get("/").content.decode()
    client.force_login(org_tree.operator)
    assert "Open items" not in client.get("/").content.decode()


def test_organisation_pages_show_the_organisation_sub_navigation(client, org_tree):
    client.force_login(org_tree.operator)
    body = client.get("/org/posts/").content.decode()
    assert 'class="subnav inner"' in body
    assert 'href="/org/vacancies/"' in body
    assert 'class="subnav inner"' not in client.get("/").content.decode()


def test_the_entry_naming_the_page_wins_over_the_one_naming_its_namespace(registry):
    from types import SimpleNamespace

    jds = registry.NavItem("JDs", "responsibilities:jd_register", namespace="responsibilities")
    matrix = registry.NavItem(
        "Matrix", "responsibilities:matrix", namespace="responsibilities", url_prefixes=("matrix", "grey_area")
    )
    items = [jds, matrix]
    page = SimpleNamespace(namespace="responsibilities", url_name="grey_area_list")
    assert registry.active_nav_item(items, page) is matrix
    page = SimpleNamespace(namespace="responsibilities", url_name="jd_detail")
    assert registry.active_nav_item(items, page) is jds
    assert registry.active_nav_item(items, None) is None
