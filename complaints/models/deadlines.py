"""The one configurable deadline table of the complaint procedure, and the reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import DeadlineStep, Severity, StartEvent


class DeadlineRule(models.Model):
    """A deadline (处理时限): a step must be done within so many calendar hours of an event.

    The defaults come from seed 002 and are loaded by a data migration; administrators and
    the quality manager change them in the admin. Changing a rule affects steps opened later.
    """

    step = models.CharField(_("step"), max_length=30, choices=DeadlineStep.choices, unique=True)
    start_event = models.CharField(_("starts at"), max_length=30, choices=StartEvent.choices)
    hours_urgent = models.PositiveIntegerField(_("hours (urgent)"))
    hours_normal = models.PositiveIntegerField(_("hours (normal)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_urgent__gte=1) & Q(hours_normal__gte=1),
                name="deadline_rule_positive_hours",
                violation_error_message=_("A deadline is at least one hour."),
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.hours_urgent} h / {self.hours_normal} h"

    def hours_for(self, severity) -> int:
        return self.hours_urgent if severity == Severity.URGENT else self.hours_normal


class SentReminder(models.Model):
    """An overdue reminder already e-mailed (催办记录), so a rerun never sends it again."""

    item_key = models.CharField(_("item"), max_length=80, help_text=_("e.g. step:12, action:5, check:3"))
    due_at = models.DateTimeField(_("due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["item_key", "due_at", "recipient"],
                name="reminder_sent_once",
                violation_error_message=_("This reminder was already sent."),
            ),
        ]

    def __str__(self):
        return f"{self.item_key} → {self.recipient}"
