"""What every timeline entry of the complaints app has (complaint, CAPA, return): who recorded
the move, when it happened, when it was recorded and with which comment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEvent(models.Model):
    """An entry of a record's timeline: ``at`` is when the move happened (实际发生时间), which
    the person recording it may set earlier than ``recorded_at``, when it was typed in."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("happened at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @classmethod
    def log(cls, *, actor, at=None, **fields):
        """Add an entry recorded now by ``actor``; ``at`` is when it happened (now if empty)."""
        now = timezone.now()
        return cls.objects.create(actor=actor, at=at or now, recorded_at=now, **fields)
