"""Make approved responsibility matrices effective once their effective date has come; the
version in force before is superseded.

Run it daily (cron or a systemd timer) next to ``activate_due_documents``, shortly after
midnight in the company's time zone.
"""

from django.core.management.base import BaseCommand

from responsibilities.matrix_services import matrix_activate_due


class Command(BaseCommand):
    help = "Make approved responsibility matrices whose effective date has come effective."

    def handle(self, *args, **options):
        count = matrix_activate_due(actor=None)
        self.stdout.write(f"{count} responsibility matrix version(s) took effect.")
