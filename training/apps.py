from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from complaints.signals import training_required
        from core.registry import InboxSection, NavItem, register_inbox_section, register_nav_item
        from org.hooks import ASSIGNMENT_CHECKS
        from responsibilities.signals import jd_effective

        from . import handlers, inbox

        jd_effective.connect(handlers.on_jd_effective, dispatch_uid="training.jd_effective")
        training_required.connect(handlers.on_training_required, dispatch_uid="training.training_required")
        if handlers.check_assignment not in ASSIGNMENT_CHECKS:
            ASSIGNMENT_CHECKS.append(handlers.check_assignment)
        register_nav_item(NavItem(_("Training"), "training:home", namespace="training", order=50))
        register_inbox_section(InboxSection("training/includes/inbox.html", inbox.inbox_context, order=50))
