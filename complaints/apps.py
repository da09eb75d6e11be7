from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_reference_data(sender, apps=None, **kwargs):
    """The default deadline rules are reference data: created by a migration, and the missing
    ones put back after every ``migrate`` or ``flush`` (rules edited by users are kept)."""
    from django.apps import apps as current_apps

    apps = apps or current_apps
    from .deadlines import load_default_rules

    load_default_rules(apps.get_model("complaints", "DeadlineRule"))


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and CAPA")

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="complaints.reference_data")
        from core.registry import InboxSection, NavItem, register_inbox_section, register_nav_item

        from . import inbox, permissions

        register_nav_item(
            NavItem(
                _("Complaints"),
                "complaints:list",
                namespace="complaints",
                visible=permissions.can_use_complaints,
                order=40,
            )
        )
        register_nav_item(
            NavItem(
                _("CAPA"),
                "complaints:capa_list",
                namespace="complaints",
                url_prefixes=("capa",),
                visible=lambda user: permissions.can_use_complaints(user) or permissions.can_open_capa(user),
                order=45,
            )
        )
        register_inbox_section(InboxSection("complaints/includes/inbox.html", inbox.inbox_context, order=20))
        # Returns, claims and the monthly summary.
        from . import returns_claims_inbox
        from .returns_claims_selectors import may_use_claims, may_use_returns

        for label, url_name, prefix, visible, order in (
            (_("Returns"), "complaints:return_list", "return_", may_use_returns, 46),
            (_("Claims"), "complaints:claim_list", "claim_", may_use_claims, 47),
        ):
            register_nav_item(
                NavItem(label, url_name, namespace="complaints", url_prefixes=(prefix,), visible=visible, order=order)
            )
        register_inbox_section(
            InboxSection("complaints/includes/returns_claims_inbox.html", returns_claims_inbox.inbox_context, order=22)
        )
