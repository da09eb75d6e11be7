"""Where the modules plug into the site: the main navigation and the personal inbox.

The site (``qms_site``) and the lower apps must not import the modules that build on them, so
each module registers its entries from its ``AppConfig.ready()`` here, on the ground floor that
every app may import::

    from core.registry import InboxSection, NavItem, register_inbox_section, register_nav_item

    register_nav_item(NavItem(_("Complaints"), "complaints:list", namespace="complaints", order=40))
    register_inbox_section(InboxSection("complaints/includes/inbox.html", inbox_context, order=20))

``NavItem.visible`` and ``InboxSection.context`` are called once per request; keep them cheap
(a constant number of queries). A section whose context function returns a falsy value is not
shown at all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


def _everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    #: URL namespace (or url name) that marks the entry as the current section.
    namespace: str = ""
    visible: Callable = field(default=_everyone)
    order: int = 100
    #: Beginnings of URL names (within ``namespace``) that mark the entry as current; they win
    #: over an entry matching only the namespace.
    url_prefixes: tuple = ()


@dataclass(frozen=True)
class InboxSection:
    template: str
    #: ``context(request) -> dict | None``; the dict is passed to the template as ``section``.
    context: Callable
    order: int = 100


NAV_ITEMS: list[NavItem] = []
INBOX_SECTIONS: list[InboxSection] = []


def register_nav_item(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV_ITEMS):
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_inbox_section(section: InboxSection) -> None:
    if all(existing.template != section.template for existing in INBOX_SECTIONS):
        INBOX_SECTIONS.append(section)
        INBOX_SECTIONS.sort(key=lambda s: s.order)


def nav_items_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if item.visible(user)]


def active_nav_item(items, match):
    """The entry of the page being shown: one naming the URL (by prefix or name) first, else
    one naming its namespace."""
    if match is None:
        return None
    section, url_name = match.namespace, match.url_name or ""
    for item in items:
        if item.url_prefixes and item.namespace == section and url_name.startswith(item.url_prefixes):
            return item
    for item in items:
        if not item.url_prefixes and item.namespace == url_name:
            return item
    for item in items:
        if not item.url_prefixes and item.namespace == section:
            return item
    return None


def inbox_sections_for(request) -> list[dict]:
    """``[{"template": ..., "data": ...}]`` for the sections that have something to show."""
    shown = []
    for section in INBOX_SECTIONS:
        data = section.context(request)
        if data:
            shown.append({"template": section.template, "data": data})
    return shown
