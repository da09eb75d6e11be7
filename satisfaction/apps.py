from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def inbox_context(request):
    """Running campaigns the user owns: progress and deadline (one query)."""
    from .selectors import owner_inbox

    if not request.user.is_authenticated:
        return None
    campaigns = owner_inbox(request.user)
    return {"campaigns": campaigns} if campaigns else None


def nav_visible(user):
    from .permissions import may_use_module

    return may_use_module(user)


def ensure_reference_data(sender, apps=None, **kwargs):
    """The standard survey form is reference data: created by a migration, and put back after
    every ``migrate`` or ``flush`` unless a template with its code exists."""
    from django.apps import apps as current_apps

    apps = apps or current_apps
    from .reference import create_default_template

    create_default_template(apps, None)


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    verbose_name = _("Customer satisfaction")

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="satisfaction.reference_data")
        from core.registry import InboxSection, NavItem, register_inbox_section, register_nav_item

        register_nav_item(
            NavItem(
                _("Satisfaction"), "satisfaction:campaign_list", namespace="satisfaction", visible=nav_visible, order=60
            )
        )
        register_inbox_section(InboxSection("satisfaction/includes/inbox.html", inbox_context, order=60))
