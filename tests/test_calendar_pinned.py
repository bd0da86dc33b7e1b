"""A page that is only read reads the working-day calendar once (`calendar.pinned`, the
OneCalendarPerPage middleware): a list counting the days left of every row asks the
database the same number of questions for 3 rows as for 40."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import calendar
from casework.models import CalendarDay, CalendarYear
from exchange.models import Complaint

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def _complaints(n: int, start: int = 0) -> None:
    Complaint.objects.bulk_create(
        Complaint(
            channel="hotline",
            work_order=f"GD{start + i:08d}",
            title="拖欠工程款",
            content="某局拖欠工程款。",
            received_on=TODAY,
            routing_due=TODAY + dt.timedelta(days=3),
            feedback_due=TODAY + dt.timedelta(days=20),
        )
        for i in range(n)
    )


def _list_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/work/complaints/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_complaint_list_asks_as_often_for_40_rows_as_for_3(client, officer, fixed_today):
    client.force_login(officer)
    _complaints(3)
    _list_queries(client)  # the process's first read of the calendar loads its days
    few, page = _list_queries(client)
    assert page.count("剩余") == 6  # each row counts its routing and its feedback days left
    _complaints(37, start=3)
    many, page = _list_queries(client)
    assert page.count("剩余") == 80
    assert many == few


def test_inside_the_block_a_changed_calendar_is_seen_only_after_it():
    day = dt.date(2026, 3, 3)
    year, _created = CalendarYear.objects.get_or_create(year=2026, defaults={"source": "测试"})
    CalendarDay.objects.filter(date=day).delete()
    with calendar.pinned():
        before = calendar.current().is_workday(day)
        CalendarDay.objects.create(date=day, year=year, is_workday=not before)
        assert calendar.current().is_workday(day) == before
    assert calendar.current().is_workday(day) == (not before)


def test_a_posted_form_reads_the_calendar_afresh(rf):
    from portal.middleware import OneCalendarPerPage

    seen = []

    def view(request):
        seen.append(calendar._pinned.get())
        return None

    OneCalendarPerPage(view)(rf.post("/work/complaints/new/"))
    OneCalendarPerPage(view)(rf.get("/work/complaints/"))
    assert seen == [None, []]
