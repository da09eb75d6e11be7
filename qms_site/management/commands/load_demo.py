"""``manage.py load_demo``: the whole demo chain in order, then (``--check``) the story check.

The one list of the demo seeders: ``make demo``, the tests and CI's moved-clock runs all call
this command, so a new module's seeder is added here once. Every seeder is idempotent, so
running the chain twice changes nothing.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.story import check_story

#: In order: the company, its documents (and the ones due today take effect), the matrix,
#: then the modules that stand on them.
DEMO_CHAIN = (
    "seed_demo",
    "seed_demo_documents",
    "activate_due_documents",
    "seed_demo_matrix",
    "seed_demo_complaints",
    "seed_demo_training",
    "seed_demo_satisfaction",
)


class Command(BaseCommand):
    help = "Load the whole demo (every module's seeder, in order); --check then checks the story's dates."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="After loading, check that every record's dates tell a coherent story (exit 1 if not).",
        )

    def handle(self, *args, **options):
        for name in DEMO_CHAIN:
            started = time.monotonic()
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            call_command(name, stdout=self.stdout, stderr=self.stderr)
            self.stdout.write(f"   {name} done in {time.monotonic() - started:.1f} s")
        if options["check"]:
            violations = check_story()
            for violation in violations[:50]:
                self.stderr.write(str(violation))
            if violations:
                raise CommandError(f"The demo story is incoherent: {len(violations)} violation(s).")
            self.stdout.write(self.style.SUCCESS("Demo story checked: every date is in order."))
