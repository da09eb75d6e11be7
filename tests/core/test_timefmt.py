"""Times as people read them: the company's time zone, to the minute, in text, templates and
spreadsheet cells."""

import datetime
import io

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.spreadsheet import new_workbook, new_write_only_workbook, table_sheet, workbook_bytes, write_only_table
from core.timefmt import local_day, local_minute


@pytest.fixture
def early_morning():
    """Frozen at 07:05:42.5 in the company's time zone: in UTC it is the evening before, and
    the seconds must not show."""
    moment = timezone.localtime().replace(hour=7, minute=5, second=42, microsecond=500000)
    with time_machine.travel(moment, tick=False):
        yield moment


def test_local_minute_and_day_use_the_company_time_zone(early_morning):
    now = timezone.now()
    assert now.tzinfo == datetime.UTC and now.date() == early_morning.date() - datetime.timedelta(days=1)
    assert local_minute(now) == f"{early_morning:%Y-%m-%d} 07:05"
    assert local_day(now) == f"{early_morning:%Y-%m-%d}"
    assert local_minute(early_morning.date()) == local_day(early_morning.date()) == f"{early_morning:%Y-%m-%d}"
    assert local_minute(None) == local_day(None) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_datetime_in_a_template_reads_the_same_in_both_languages(early_morning, language):
    with translation.override(language):
        text = Template("{{ at }}|{{ at|date:'SHORT_DATETIME_FORMAT' }}|{{ at|time }}").render(
            Context({"at": timezone.now()})
        )
    shown = f"{early_morning:%Y-%m-%d} 07:05"
    assert text == f"{shown}|{shown}|07:05"


def _sheet_cells(content, title):
    ws = load_workbook(io.BytesIO(content))[title]
    return ws.cell(row=3, column=1), ws.cell(row=3, column=2)


@pytest.mark.parametrize("write_only", [False, True])
def test_spreadsheet_cells_hold_local_times_to_the_minute(early_morning, write_only):
    now, today = timezone.now(), timezone.localdate()
    if write_only:
        wb = new_write_only_workbook()
        write_only_table(wb, title="Times", columns=["at", "day"], rows=[[now, today]], widths=[20, 12])
    else:
        wb = new_workbook()
        table_sheet(wb, title="Times", columns=["at", "day"], rows=[[now, today]], widths=[20, 12])
    moment, day = _sheet_cells(workbook_bytes(wb), "Times")
    assert moment.value == early_morning.replace(tzinfo=None, second=0, microsecond=0)
    assert moment.number_format == "yyyy-mm-dd hh:mm"
    assert day.value == datetime.datetime.combine(today, datetime.time())  # Excel keeps days as midnight
    assert day.number_format == "yyyy-mm-dd"
