"""Remind the customers who have not answered a running survey campaign yet.

Meant to run daily from cron. A customer is reminded at most once every ``--every-days``
days (default 7) and never twice on the same day, whether or not someone also pressed the
button on the campaign page.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from satisfaction import services
from satisfaction.choices import CampaignStatus
from satisfaction.models import Campaign


class Command(BaseCommand):
    help = "E-mail a reminder to customers who have not answered a running satisfaction survey."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "QMS_SITE_URL", ""),
            help="Address of the site for the personal links, e.g. https://qms.example.com (default: QMS_SITE_URL).",
        )
        parser.add_argument(
            "--every-days",
            type=int,
            default=7,
            help="Remind a customer again only after this many days (default 7, at least 1).",
        )

    def handle(self, *args, base_url, every_days, **options):
        if not base_url:
            raise CommandError("Give --base-url or set QMS_SITE_URL: the e-mails need the site's address.")
        campaigns = list(
            Campaign.objects.filter(status=CampaignStatus.RUNNING, deadline__gte=timezone.localdate()).order_by(
                "deadline"
            )
        )
        total = 0
        for campaign in campaigns:
            sent, without, recent = services.campaign_send_reminders(
                actor=None, campaign=campaign, base_url=base_url, min_days=max(every_days, 1)
            )
            total += sent
            self.stdout.write(
                f"{campaign}: {sent} reminders sent, {without} customers without e-mail, {recent} reminded recently"
            )
        self.stdout.write(self.style.SUCCESS(f"{total} reminders sent for {len(campaigns)} running campaigns"))
