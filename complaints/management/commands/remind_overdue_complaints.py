"""Run once a day (cron or a systemd timer): e-mail overdue complaint steps, CAPA actions and
effectiveness checks to their assignees and the quality managers, each reminder only once."""

from django.core.management.base import BaseCommand

from complaints.services.reminders import send_overdue_reminders


class Command(BaseCommand):
    help = "E-mail each overdue complaint step, CAPA action and effectiveness check once (run daily)."

    def handle(self, *args, **options):
        self.stdout.write("Looking for overdue complaint steps, CAPA actions and effectiveness checks …")
        counts = send_overdue_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['items']} overdue item(s); {counts['sent']} reminder(s) sent, "
                f"{counts['skipped']} skipped (already sent or no e-mail address)."
            )
        )
