"""Readable record numbers (CC-2026-0001, CAPA-2026-0001) from a counter row per prefix and year."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class NumberCounter(models.Model):
    """The last serial handed out for a key such as ``CC-2026`` (编号计数器)."""

    key = models.CharField(_("key"), max_length=40, unique=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")

    def __str__(self):
        return f"{self.key}: {self.last}"


def next_serial(key: str) -> int:
    """The next serial for ``key``. The counter row is locked (``select_for_update``) until the
    surrounding transaction ends, so two simultaneous registrations never get the same serial;
    the unique constraint on the number is the last line of defence."""
    with transaction.atomic():
        NumberCounter.objects.get_or_create(key=key)
        counter = NumberCounter.objects.select_for_update().get(key=key)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
