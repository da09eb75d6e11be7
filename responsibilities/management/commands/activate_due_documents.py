"""Make approved job descriptions effective once their effective date has come.

Run it daily (cron or a systemd timer), shortly after midnight in the company's time zone.
"""

from django.core.management.base import BaseCommand

from responsibilities.services import jd_activate_due


class Command(BaseCommand):
    help = "Make approved job descriptions whose effective date has come effective."

    def handle(self, *args, **options):
        count = jd_activate_due(actor=None)
        self.stdout.write(f"{count} job description version(s) took effect.")
