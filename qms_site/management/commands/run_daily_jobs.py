"""``manage.py run_daily_jobs``: the once-a-day jobs of every module, for one cron line.

Each job is an ordinary management command that can also be run alone; each is safe to run
again (reminders remember what they sent). A failing job is reported and the others still run;
the command then exits with an error so that cron mails the operator.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

#: In order: documents take effect before anyone is reminded about them.
DAILY_JOBS = (
    "activate_due_documents",
    "activate_due_matrices",
    "remind_overdue_complaints",
    "remind_expiring_qualifications",
)


class Command(BaseCommand):
    help = "Run the daily jobs of all modules (effective dates, overdue and expiry reminders)."

    def handle(self, *args, **options):
        failed = []
        for name in DAILY_JOBS:
            self.stdout.write(f"== {name}")
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception as error:  # noqa: BLE001 - one broken job must not stop the others
                self.stderr.write(f"{name} failed: {error!r}")
                failed.append(name)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(f"{len(DAILY_JOBS)} daily jobs done."))
