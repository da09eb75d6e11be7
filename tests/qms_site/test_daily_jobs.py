"""One cron line runs every module's daily job; a failing job does not stop the others."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qms_site.management.commands import run_daily_jobs

pytestmark = pytest.mark.django_db


def test_daily_jobs_run_every_module_job_in_order(monkeypatch):
    ran = []
    monkeypatch.setattr(run_daily_jobs, "call_command", lambda name, **kwargs: ran.append(name))
    out = io.StringIO()
    call_command("run_daily_jobs", stdout=out)
    assert ran == list(run_daily_jobs.DAILY_JOBS)
    assert "daily jobs done" in out.getvalue()


def test_a_failing_job_is_reported_after_the_others_ran(monkeypatch):
    ran = []

    def fake(name, **kwargs):
        ran.append(name)
        if name == "remind_overdue_complaints":
            raise RuntimeError("mail server down")

    monkeypatch.setattr(run_daily_jobs, "call_command", fake)
    with pytest.raises(CommandError, match="remind_overdue_complaints"):
        call_command("run_daily_jobs", stdout=io.StringIO(), stderr=io.StringIO())
    assert ran == list(run_daily_jobs.DAILY_JOBS)


def test_every_daily_job_is_a_real_command():
    from django.core.management import get_commands

    assert set(run_daily_jobs.DAILY_JOBS) <= set(get_commands())
