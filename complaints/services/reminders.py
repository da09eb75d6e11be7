"""Overdue reminders: each overdue complaint step, CAPA action and effectiveness check is
e-mailed to its assignee and to the quality managers once. ``SentReminder`` (unique per item,
due time and recipient) remembers what went out, so a rerun the same day, or the next day,
never sends it again; a new due time (a step reopened later) is a new reminder."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.timefmt import local_minute
from org.choices import Role

from ..choices import ActionStatus, CapaStatus, CheckResult, ComplaintStatus
from ..models import CapaAction, ComplaintStep, EffectivenessCheck, SentReminder


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def overdue_items(now=None) -> list[dict]:
    """Every overdue open item: ``{"key", "due_at", "assignee", "subject", "body"}`` (three queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    site = getattr(settings, "QMS_SITE_URL", "").rstrip("/")
    items = []
    steps = (
        ComplaintStep.objects.filter(completed_at__isnull=True, due_at__lt=now)
        .exclude(complaint__status=ComplaintStatus.VOID)
        .select_related("complaint", "complaint__customer", "assignee")
    )
    for step in steps:
        c = step.complaint
        items.append(
            {
                "key": f"step:{step.pk}",
                "due_at": step.due_at,
                "assignee": step.assignee,
                "subject": _("Overdue: %(step)s of complaint %(number)s")
                % {"step": step.get_kind_display(), "number": c.number},
                "body": _("%(step)s of complaint %(number)s (%(customer)s, %(product)s) was due on %(due)s.\n%(url)s")
                % {
                    "step": step.get_kind_display(),
                    "number": c.number,
                    "customer": c.customer.name,
                    "product": c.product,
                    "due": local_minute(step.due_at),
                    "url": site + c.get_absolute_url(),
                },
            }
        )
    actions = (
        CapaAction.objects.filter(status=ActionStatus.OPEN, due_date__lt=today)
        .exclude(capa__status__in=(CapaStatus.CLOSED, CapaStatus.VOID))
        .select_related("capa", "owner")
    )
    for action in actions:
        items.append(
            {
                "key": f"action:{action.pk}",
                "due_at": _end_of(action.due_date),
                "assignee": action.owner,
                "subject": _("Overdue: CAPA action of %(number)s") % {"number": action.capa.number},
                "body": _("%(kind)s of %(number)s was due on %(due)s:\n%(text)s\n%(url)s")
                % {
                    "kind": action.get_kind_display(),
                    "number": action.capa.number,
                    "due": action.due_date.isoformat(),
                    "text": action.description,
                    "url": site + action.capa.get_absolute_url(),
                },
            }
        )
    checks = EffectivenessCheck.objects.filter(result=CheckResult.PENDING, due_date__lt=today).select_related(
        "capa", "assignee"
    )
    for check in checks:
        items.append(
            {
                "key": f"check:{check.pk}",
                "due_at": _end_of(check.due_date),
                "assignee": check.assignee,
                "subject": _("Overdue: effectiveness check of %(number)s") % {"number": check.capa.number},
                "body": _("The effectiveness check of %(number)s was due on %(due)s.\n%(url)s")
                % {
                    "number": check.capa.number,
                    "due": check.due_date.isoformat(),
                    "url": site + check.capa.get_absolute_url(),
                },
            }
        )
    return items


def send_overdue_reminders(*, now=None) -> dict:
    """E-mail every overdue item to its assignee and the quality managers, once each.
    Returns ``{"items": n, "sent": n, "skipped": n}`` (skipped: already sent, or no address)."""
    managers = list(get_user_model().objects.filter(is_active=True, groups__name=str(Role.QUALITY_MANAGER)).distinct())
    counts = {"items": 0, "sent": 0, "skipped": 0}
    with translation.override(settings.LANGUAGE_CODE):
        items = overdue_items(now)
        for item in items:
            counts["items"] += 1
            recipients = {u.pk: u for u in [item["assignee"], *managers] if u is not None and u.is_active}
            for user in recipients.values():
                if not user.email:
                    counts["skipped"] += 1
                    continue
                try:
                    with transaction.atomic():
                        SentReminder.objects.create(item_key=item["key"], due_at=item["due_at"], recipient=user)
                        send_mail(item["subject"], item["body"], None, [user.email])
                except IntegrityError:
                    counts["skipped"] += 1
                    continue
                counts["sent"] += 1
    return counts
