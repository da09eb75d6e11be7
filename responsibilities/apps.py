from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        from org.selectors import OPEN_ITEM_PROVIDERS
        from org.signals import post_closed

        from . import handlers

        post_closed.connect(handlers.obsolete_job_descriptions, dispatch_uid="responsibilities.obsolete_jds")
        OPEN_ITEM_PROVIDERS.append(handlers.open_drafts_of)
