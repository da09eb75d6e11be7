from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_reference_data(sender, apps=None, **kwargs):
    """The ISO 9001 clauses are reference data: loaded by a migration, and put back after
    every ``migrate`` or ``flush`` (tests flush the database between transactional tests)."""
    from .iso_clauses import load_iso_clauses

    load_iso_clauses(apps)


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="responsibilities.reference_data")
        from org.selectors import OPEN_ITEM_PROVIDERS
        from org.signals import post_closed

        from . import handlers

        post_closed.connect(handlers.obsolete_job_descriptions, dispatch_uid="responsibilities.obsolete_jds")
        OPEN_ITEM_PROVIDERS.append(handlers.open_drafts_of)

        from core.registry import NavItem, register_nav_item

        from .views.spreadsheets import can_use_spreadsheets

        register_nav_item(
            NavItem(
                _("Import / export"),
                "responsibilities:spreadsheets",
                "responsibilities",
                visible=can_use_spreadsheets,
                order=80,
                url_prefixes=("spreadsheets", "import"),
            )
        )

        from core.registry import InboxSection, register_inbox_section

        from . import matrix_inbox

        register_nav_item(
            NavItem(
                _("Responsibility matrix"),
                "responsibilities:matrix",
                "responsibilities",
                order=35,
                url_prefixes=("matrix", "grey_area"),
            )
        )
        register_inbox_section(
            InboxSection("responsibilities/includes/matrix_inbox.html", matrix_inbox.inbox_context, order=35)
        )
