"""When a step really happened (实际发生时间), as the person recording it says.

A QA engineer often types a step in after it happened: the customer phoned at 21:00, the line
was contained at 07:30 and it was typed in at 09:00. Every workflow step takes an optional
"when it happened", and the record keeps it beside when it was recorded and by whom; deadlines
and on-time figures use the time it happened. This is the one check of that time, used by the
services of every app with their own domain error.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.timefmt import local_minute


def _minute(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def happened_at(
    value: datetime.datetime | None,
    *,
    after: tuple[datetime.datetime | None, str] | None = None,
    field: str = "happened_at",
    error: type[ValidationError] = ValidationError,
    future_message: str | None = None,
    before_message: str | None = None,
) -> datetime.datetime:
    """``value`` (``None`` = now), refused in the future and before the step it follows.

    ``after`` is ``(moment, name of that step)``; ``before_message`` may replace the message
    (it gets ``%(step)s`` and ``%(when)s``). Forms give the time to the minute, so a time within
    the current minute means now, and a time within the minute of the previous step means right
    after it. Raises ``error`` on ``field``.
    """
    now = timezone.now()
    if value is None or value == now or _minute(value) == _minute(now):
        return now
    if value > now:
        raise error({field: future_message or _("When it happened cannot lie in the future.")})
    if after is not None and after[0] is not None and value < after[0]:
        if _minute(value) == _minute(after[0]):
            return after[0]
        message = before_message or _("It cannot have happened before %(step)s (%(when)s).")
        raise error({field: message % {"step": after[1], "when": local_minute(after[0])}})
    return value
