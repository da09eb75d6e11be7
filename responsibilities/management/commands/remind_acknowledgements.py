"""E-mail every employee who has not acknowledged the effective job description of their post.

Run it from cron, e.g. every Monday morning. ``--base-url`` puts a full link to “My job
description” into the mail (the command has no request to take the address from).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from org.models import Department
from org.permissions import department_tree, with_descendants
from responsibilities.selectors import acknowledgement_status
from responsibilities.services import send_acknowledgement_reminders


class Command(BaseCommand):
    help = "E-mail the employees who have not acknowledged the effective job description of their post."

    def add_arguments(self, parser):
        parser.add_argument("--department", help="Only this department (code) and the departments below it.")
        parser.add_argument(
            "--base-url",
            default=settings.QMS_SITE_URL,
            help="The site's address, e.g. https://qms.example.com (default: QMS_SITE_URL)",
        )

    def handle(self, *args, department=None, base_url="", **options):
        department_ids = None
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                raise CommandError(f"No department with code {department!r}.")
            department_ids = with_descendants([found.pk], department_tree())
        rows = acknowledgement_status(department_ids)
        link = base_url.rstrip("/") + reverse("my_jd")
        sent, without = send_acknowledgement_reminders(rows, link=link)
        self.stdout.write(f"{sent} reminder(s) sent, {without} employee(s) without e-mail.")
