"""The commission dashboard's counts over every record come from a snapshot refreshed by a
beat task, stamped with its time: after real transitions and a refresh they equal a direct
count; until the next refresh they stay as counted; a user with a declared 回避 conflict
gets them counted live without the subject; yesterday's snapshot is never shown; and with a
snapshot the page's query count does not grow with the number of records."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from casework import rules
from casework.lifecycle import RECORD_IN_PROGRESS
from casework.models import ConflictDeclaration, Deadline, Record
from casework.services import records as svc
from oversight.models import FigureSnapshot
from oversight.tasks import refresh_dashboard

from . import lifecycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

TODAY = dt.date(2026, 2, 2)  # fixed_today


def shown(user) -> tuple[dict[str, int], str]:
    client = Client()
    client.force_login(user)
    response = client.get("/work/")
    assert response.status_code == 200
    body = response.content.decode()
    numbers = re.findall(r'<span class="number">(\d+)</span><span class="what">([^<]+)</span>', body)
    return {what: int(n) for n, what in numbers}, body


def direct_counts(records) -> dict[str, int]:
    """在办 and 已逾期 counted straight from the tables (oversight.statistics.caseload's definitions)."""
    running = Deadline.objects.filter(rules.running(TODAY), record__in=records)
    late = Deadline.objects.filter(rules.overdue(TODAY), record__in=records)
    open_ = records.filter(Q(state__in=RECORD_IN_PROGRESS) | Q(pk__in=running.values("record")))
    return {"在办案件": open_.count(), "已逾期": records.filter(pk__in=late.values("record")).count()}


def cases(officer, approver, unit, other_unit):
    """A lead in verification long overdue, one proposed, one effective, about two units."""
    late = lifecycle.lead(
        officer=officer, organisation=unit, content="逾期核查线索", received_on=dt.date(2025, 11, 3)
    )
    with override_settings(CHENGXIN_TODAY="2025-11-03"):  # 20 WD of verification: past by TODAY
        svc.record_start_verification(acting_user=officer, record_id=late.pk)
    lifecycle.proposed(officer=officer, organisation=other_unit, content="拟认定线索")
    lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="已生效线索")


def test_after_transitions_and_a_refresh_the_counts_equal_a_direct_count(officer, approver, unit, other_unit):
    cases(officer, approver, unit, other_unit)
    refresh_dashboard()

    counts, body = shown(officer)

    expected = direct_counts(Record.objects.all())
    assert expected["已逾期"] == 1 and expected["在办案件"] >= 2
    assert {k: counts[k] for k in expected} == expected
    assert 'class="as-of"' in body

    lifecycle.proposed(officer=officer, organisation=unit, content="刷新前的新线索")
    assert shown(officer)[0]["在办案件"] == expected["在办案件"]  # as counted, until the next refresh
    refresh_dashboard()
    assert (
        shown(officer)[0]["在办案件"]
        == expected["在办案件"] + 1
        == direct_counts(Record.objects.all())["在办案件"]
    )


def test_a_declared_conflict_is_counted_live_without_the_subject(officer, approver, unit, other_unit):
    cases(officer, approver, unit, other_unit)
    refresh_dashboard()
    ConflictDeclaration.objects.create(user=officer, organisation=unit, reason="回避")

    counts, body = shown(officer)

    visible = Record.objects.exclude(subject_organisation=unit)
    assert {k: counts[k] for k in ("在办案件", "已逾期")} == direct_counts(visible)
    assert counts["已逾期"] == 0  # the overdue lead is the declared unit's
    assert 'class="as-of"' not in body


def test_yesterdays_snapshot_is_not_shown(officer, approver, unit, other_unit):
    cases(officer, approver, unit, other_unit)
    refresh_dashboard()
    FigureSnapshot.objects.update(today=TODAY - dt.timedelta(days=1), data={})

    counts, body = shown(officer)

    assert 'class="as-of"' not in body
    assert {k: counts[k] for k in ("在办案件", "已逾期")} == direct_counts(Record.objects.all())


def test_with_a_snapshot_the_query_count_does_not_grow_with_the_records(officer, approver, unit, other_unit):
    lifecycle.proposed(officer=officer, organisation=unit, content="一件")
    refresh_dashboard()
    shown(officer)
    with CaptureQueriesContext(connection) as few:
        shown(officer)
    cases(officer, approver, unit, other_unit)
    refresh_dashboard()
    with CaptureQueriesContext(connection) as many:
        shown(officer)
    assert len(many) == len(few)


def test_the_refresh_is_scheduled_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh dashboard"]
    assert entry["task"] == refresh_dashboard.name
    assert entry["schedule"].run_every.total_seconds() == settings.CHENGXIN_DASHBOARD_REFRESH_SECONDS
