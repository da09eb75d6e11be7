"""The whole demo chain tells a coherent story in time, and the story check finds what breaks it."""

import datetime
from calendar import isleap

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from core.clock import StoryCalendar, moved_clock, on_day
from core.story import PROJECT_APPS, check_story


def _row_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}


@pytest.mark.django_db(transaction=True)
def test_demo_chain_tells_a_coherent_story_and_a_second_run_changes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--check", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _row_counts()
    assert first["complaints.Complaint"] > 40 and first["satisfaction.Response"] > 10
    call_command("load_demo", "--check", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _row_counts() == first

    from complaints.models import Capa, Complaint
    from satisfaction.choices import CampaignStatus
    from satisfaction.models import Campaign
    from training.models import TrainingPlan

    today = timezone.localdate()
    # Opened on the day the story says, not the day the seed ran.
    oldest = Complaint.objects.order_by("received_at").first()
    assert oldest.created_at < timezone.now() - datetime.timedelta(days=300)
    assert Capa.objects.filter(created_at__date__lt=today - datetime.timedelta(days=30)).exists()
    # The running survey is open today and answers came in while it was open.
    running = Campaign.objects.get(status=CampaignStatus.RUNNING)
    assert running.deadline > today
    assert all(r.received_on <= today for r in running.responses.all())
    assert Campaign.objects.filter(status=CampaignStatus.CLOSED, deadline__lt=today).exists()
    # This year's training plan was approved before the year's first event.
    plan = TrainingPlan.objects.get(year=today.year)
    assert plan.approved_at.date() < datetime.date(today.year, 1, 1)


@pytest.mark.django_db
def test_story_check_finds_a_capa_closed_before_it_was_opened_and_a_step_in_the_future(qa_head):
    from complaints.models import Capa

    assert check_story() == []
    now = timezone.now()
    capa = Capa.objects.create(
        number="CAPA-T-1",
        source="other",
        title="t",
        problem_statement="p",
        created_by=qa_head,
        created_at=now - datetime.timedelta(days=2),
        closed_at=now - datetime.timedelta(days=5),
    )
    rules = {(v.model, v.pk, v.rule) for v in check_story()}
    assert ("complaints.Capa", capa.pk, "pairs") in rules
    Capa.objects.filter(pk=capa.pk).update(closed_at=now + datetime.timedelta(days=3))
    rules = {(v.model, v.pk, v.rule) for v in check_story()}
    assert ("complaints.Capa", capa.pk, "future") in rules


@pytest.mark.django_db
def test_story_check_finds_history_written_backwards(operator):
    employee = operator.employee
    employee.name = "Renamed"
    employee.save()
    assert check_story() == []
    with moved_clock(timezone.now() - datetime.timedelta(days=30)):
        employee.name = "Renamed a month before"
        employee.save()
    assert any(v.rule == "history" and v.model == "org.Employee" for v in check_story())


def test_story_calendar_counts_from_today_and_keeps_29_february_in_other_years():
    calendar = StoryCalendar()
    assert calendar.this_year == timezone.localdate().year and calendar.last_year == calendar.this_year - 1
    for offset in range(-4, 1):
        year = calendar.this_year + offset
        leap_day = calendar.year(offset, 2, 29)
        assert leap_day == (datetime.date(year, 2, 29) if isleap(year) else datetime.date(year, 2, 28))
    assert on_day(calendar.this_year, 4, 31) == datetime.date(calendar.this_year, 4, 30)
    assert calendar.go_live == datetime.date(calendar.this_year - 2, 1, 5)
    moment = calendar.at(calendar.days_ago(3), 9, 30)
    assert timezone.localtime(moment).hour == 9
