"""The clock the services read, and the calendar of the demo story.

Every write in the apps takes "now" from the system clock (``timezone.now`` in services,
model defaults that captured ``timezone.now`` when the model was defined, simple-history's
``history_date``, ``timezone.localdate()``), so code that records the past (the demo seeds)
runs the real services under ``moved_clock(moment)`` and the records come out as if they had
been made at that moment: due times, on-time figures, history rows. time-machine moves the
clock itself, not one name, so no time source is missed.

``StoryCalendar`` turns "last year, 1 March" or "twelve days ago, 09:30" into dates computed
from the day the seed runs, so the demo tells the same story on any day.
"""

import calendar
import datetime
from contextlib import contextmanager

import time_machine
from django.utils import timezone


@contextmanager
def moved_clock(moment: datetime.datetime):
    """Run the enclosed code as if it were ``moment`` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("moved_clock needs an aware datetime")
    with time_machine.travel(moment, tick=False):
        yield


def on_day(year: int, month: int, day: int) -> datetime.date:
    """The date, or the month's last day when it has fewer days (29 February in other years)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class StoryCalendar:
    """Dates and moments of the demo story, computed from ``today`` (the company's today)."""

    #: The demo company took this system into use on 5 January, two years before this one:
    #: what existed before is recorded on that day, later facts on the day they happened.
    GO_LIVE_YEARS_AGO = 2

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.this_year = self.today.year
        self.last_year = self.this_year - 1
        self.go_live = self.year(-self.GO_LIVE_YEARS_AGO, 1, 5)

    def year(self, offset: int, month: int = 1, day: int = 1) -> datetime.date:
        """A day of the year ``offset`` years from this one (``year(-1, 3, 1)``: last year, 1 March)."""
        return on_day(self.this_year + offset, month, day)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def days_ahead(self, days: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days)

    def at(self, day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
        """The moment ``hour:minute`` of ``day`` in the company's time zone."""
        naive = datetime.datetime.combine(day, datetime.time(hour, minute))
        return timezone.make_aware(naive, timezone.get_current_timezone())

    def moment_ago(self, *, days: int = 0, hours: int = 0) -> datetime.datetime:
        """``days`` and ``hours`` before the moment the seed started, to the minute."""
        return self.started - datetime.timedelta(days=days, hours=hours)

    @property
    def started(self) -> datetime.datetime:
        if not hasattr(self, "_started"):
            self._started = timezone.now().replace(second=0, microsecond=0)
        return self._started
