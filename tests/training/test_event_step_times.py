"""When each step of a training event really happened (实际发生时间), apart from when HR typed it
in: results, closing as held and cancelling take ``happened_at``, default now, never in the
future, never before the step they follow."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from training import services
from training.choices import AttendanceResult, EventStatus
from training.models import Attendance, Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    """The clock stopped at 10:00 today in the company's time zone."""
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    with time_machine.travel(now, tick=False):
        yield now


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def event(org_tree, catalogue, frozen):
    """Scheduled a week ago for three days ago, with two attendees."""
    with time_machine.travel(frozen - datetime.timedelta(days=7), tick=False):
        return services.event_create(
            actor=org_tree.hr_user,
            course=catalogue.forklift,
            title="Forklift exam",
            date=frozen.date() - datetime.timedelta(days=3),
            trainer="City exam centre",
            pass_score=Decimal(60),
            attendees=[org_tree.operator.employee, org_tree.qa_engineer.employee],
        )


def _attendance(event, user):
    return Attendance.objects.get(event=event, employee=user.employee)


def _record_all(org_tree, event, happened_at):
    hr = org_tree.hr_user
    for user, result, score in ((org_tree.operator, "passed", 80), (org_tree.qa_engineer, "absent", None)):
        services.attendance_record_result(
            actor=hr, attendance=_attendance(event, user), result=result, score=score, happened_at=happened_at
        )


def test_results_and_closing_recorded_late_keep_when_they_happened_and_who_recorded_them(org_tree, event, frozen):
    assessed, closed = _at(event.date, 16), _at(event.date, 17, 30)
    _record_all(org_tree, event, assessed)
    services.event_complete(actor=org_tree.hr_user, event=event, happened_at=closed)
    event.refresh_from_db()
    attendance = _attendance(event, org_tree.operator)
    assert (attendance.result_at, attendance.result_recorded_at, attendance.result_recorded_by) == (
        assessed,
        frozen,
        org_tree.hr_user,
    )
    assert (event.status, event.held_at, event.held_recorded_at, event.held_recorded_by) == (
        EventStatus.HELD,
        closed,
        frozen,
        org_tree.hr_user,
    )
    assert event.created_at == frozen - datetime.timedelta(days=7)


def test_steps_without_a_time_happened_now(org_tree, event, frozen):
    services.event_cancel(actor=org_tree.hr_user, event=event, reason="Trainer ill")
    event.refresh_from_db()
    assert (event.cancelled_at, event.cancelled_recorded_at, event.cancelled_recorded_by) == (
        frozen,
        frozen,
        org_tree.hr_user,
    )


@pytest.mark.parametrize(
    ("delta", "message"),
    [(datetime.timedelta(minutes=1), "cannot lie in the future"), (None, "before the day of the event")],
)
def test_a_result_in_the_future_or_before_the_event_day_is_refused_and_nothing_changes(
    org_tree, event, frozen, delta, message
):
    when = frozen + delta if delta else _at(event.date, 0) - datetime.timedelta(minutes=1)
    attendance = _attendance(event, org_tree.operator)
    with pytest.raises(services.DomainError, match=message):
        services.attendance_record_result(
            actor=org_tree.hr_user, attendance=attendance, result="passed", score=Decimal(90), happened_at=when
        )
    attendance.refresh_from_db()
    assert (attendance.result, attendance.result_at, attendance.history.count()) == (AttendanceResult.PENDING, None, 1)
    assert not Qualification.objects.exists()


def test_closing_before_the_last_result_or_in_the_future_is_refused(org_tree, event, frozen):
    _record_all(org_tree, event, _at(event.date, 16))
    for when, message in (
        (_at(event.date, 15, 59), "before the last result"),
        (frozen + datetime.timedelta(minutes=1), "cannot lie in the future"),
    ):
        with pytest.raises(services.DomainError, match=message):
            services.event_complete(actor=org_tree.hr_user, event=event, happened_at=when)
        event.refresh_from_db()
        assert (event.status, event.held_at, event.history.count()) == (EventStatus.PLANNED, None, 1)


def test_cancelling_before_the_event_was_scheduled_is_refused(org_tree, event, frozen):
    with pytest.raises(services.DomainError, match="before the event was scheduled"):
        services.event_cancel(
            actor=org_tree.hr_user, event=event, reason="x", happened_at=frozen - datetime.timedelta(days=8)
        )
    event.refresh_from_db()
    assert (event.status, event.cancelled_at, event.cancel_reason) == (EventStatus.PLANNED, None, "")


def test_hr_records_results_and_closing_late_through_the_pages_and_sees_both_times(client, org_tree, event, frozen):
    client.force_login(org_tree.hr_user)
    operator, engineer = _attendance(event, org_tree.operator), _attendance(event, org_tree.qa_engineer)
    assessed, closed = _at(event.date, 16), _at(event.date, 17, 30)
    response = client.post(
        f"/training/events/{event.pk}/results/",
        {
            f"result-{operator.pk}": "passed",
            f"score-{operator.pk}": "85",
            f"result-{engineer.pk}": "absent",
            "happened_at": f"{assessed:%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/training/events/{event.pk}/complete/", {"happened_at": f"{closed:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 302
    event.refresh_from_db()
    operator.refresh_from_db()
    assert (operator.result_at, operator.result_recorded_at) == (assessed, frozen)
    assert (event.status, event.held_at, event.held_recorded_at) == (EventStatus.HELD, closed, frozen)
    html = client.get(event.get_absolute_url()).content.decode()
    for moment in (assessed, closed, frozen):
        assert f"{moment:%Y-%m-%d %H:%M}" in html


def test_the_page_refuses_a_closing_in_the_future_with_a_message(client, org_tree, event, frozen):
    _record_all(org_tree, event, None)
    client.force_login(org_tree.hr_user)
    future = timezone.localtime(frozen + datetime.timedelta(hours=1))
    response = client.post(
        f"/training/events/{event.pk}/complete/", {"happened_at": f"{future:%Y-%m-%dT%H:%M}"}, follow=True
    )
    assert "cannot lie in the future" in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED


def test_the_cancel_page_takes_when_it_happened(client, org_tree, event, frozen):
    client.force_login(org_tree.hr_user)
    called_off = frozen - datetime.timedelta(days=5)
    response = client.post(
        f"/training/events/{event.pk}/cancel/",
        {"reason": "Trainer ill", "happened_at": f"{timezone.localtime(called_off):%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.cancelled_at, event.cancelled_recorded_at) == (
        EventStatus.CANCELLED,
        called_off,
        frozen,
    )
