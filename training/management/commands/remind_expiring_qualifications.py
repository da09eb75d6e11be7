"""E-mail qualifications that expire soon to the employee and their department head.

Run it daily from cron. Each qualification is reminded once per threshold (``--days``), so
running it twice a day, or with a second threshold (e.g. 60 and 14), never repeats a mail.
"""

from django.core.management.base import BaseCommand
from django.urls import reverse

from training.selectors import warning_days
from training.services import send_expiry_reminders


class Command(BaseCommand):
    help = "E-mail qualifications expiring within --days (default 60) to the employee and their head, once."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Days ahead (default: 60).")
        parser.add_argument("--base-url", default="", help="The site's address, e.g. https://qms.example.com")

    def handle(self, *args, days=None, base_url="", **options):
        days = days or warning_days()
        link = base_url.rstrip("/") + reverse("training:expiring")
        reminded, mails = send_expiry_reminders(days=days, link=link)
        self.stdout.write(f"{reminded} expiring qualification(s) within {days} days reminded; {mails} mail(s) sent.")
