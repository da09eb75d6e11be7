"""Times as people read them: in the company's time zone (``settings.TIME_ZONE``), to the
minute, the same in every language, on pages, in PDFs and in Excel files.

The database keeps aware UTC datetimes. Templates show them with ``|date:"Y-m-d H:i"`` (or
plain ``{{ value }}``, which the format modules in ``qms_site/formats`` render the same way);
Python code that builds text (history entries, exports, messages) uses ``local_minute`` and
``local_day``; spreadsheet cells get ``excel_datetime`` through ``core.spreadsheet``.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

#: Django date-format strings of a moment and of a day.
MINUTE = "Y-m-d H:i"
DAY = "Y-m-d"
#: The Excel number formats of the same.
EXCEL_MINUTE = "yyyy-mm-dd hh:mm"
EXCEL_DAY = "yyyy-mm-dd"


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def local_minute(value) -> str:
    """``2026-03-01 08:30`` for a moment (in the company's time zone), the day alone for a
    date, and "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return date_format(_local(value), MINUTE)
    return date_format(value, DAY)


def local_day(value) -> str:
    """``2026-03-01``: the company's day of a moment, or a date as it is; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    return date_format(value, DAY)


def excel_datetime(value: datetime.datetime) -> datetime.datetime:
    """The moment as Excel can store it: local wall time without a time zone (Excel has none),
    cut to the minute."""
    return _local(value).replace(tzinfo=None, second=0, microsecond=0)
