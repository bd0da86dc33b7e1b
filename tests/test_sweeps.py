"""The deadline sweeps (issue #3 item 7): the overdue marker of scenario 2, the overdue path of
scenario 9 through `manage.py sweep_deadlines`, and the Celery tasks that beat runs, each
idempotent on the same day."""

import datetime as dt
import io

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from casework import audit
from casework.lifecycle import ItemState, RectificationState
from casework.models import Accountability, AuditEntry, Deadline, Objection, Record, RectificationItem
from casework.permissions import visible_records
from casework.roles import Role
from casework.services.deadlines import deadlines_flag_overdue
from config.celery import app as celery_app
from workflows import sweeps, tasks

from . import lifecycle
from .sweep_cases import objection_under_decision, served_rectification

pytestmark = pytest.mark.django_db


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def decision_deadline(objection) -> Deadline:
    owner_type = ContentType.objects.get_for_model(Objection)
    return Deadline.objects.get(owner_type=owner_type, owner_id=objection.pk, kind="objection_decide")


def sweep_deadlines(today: str) -> dict[str, int]:
    """Run the command; its counts, one `key=count` pair each, over all sweeps."""
    out = io.StringIO()
    call_command("sweep_deadlines", f"--today={today}", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"到期处理 {today}"
    pairs = [pair for line in lines[1:] for pair in line.split(": ", 1)[1].split()]
    return {key: int(count) for key, count in (pair.split("=") for pair in pairs)}


# ── scenario 2: the generic overdue marker ─────────────────────────────────────────────


def test_an_objection_decision_due_on_friday_is_flagged_overdue_on_saturday_and_r2_is_alerted(
    officer, approver, liaison, unit, settings
):
    """Scenario 2: decision due Fri 2026-10-16; at 00:00 on 2026-10-17 the objection is flagged
    OVERDUE and R2 is alerted (the audit entry on the record, and the inbox's overdue marker)."""
    objection = objection_under_decision(
        officer=officer, approver=approver, liaison=liaison, unit=unit, settings=settings
    )
    assert decision_deadline(objection).due_on == day("2026-10-16")

    assert sweeps.run("overdue_deadlines", "2026-10-16") == {"deadlines_overdue": 0}
    assert decision_deadline(objection).overdue_since is None

    counts = sweeps.run("overdue_deadlines", "2026-10-17")
    assert counts == {"deadlines_overdue": 1, "deadlines_overdue.objection_decide": 1}
    deadline = decision_deadline(objection)
    assert (deadline.overdue_since, deadline.status) == (day("2026-10-17"), "OPEN")
    [alert] = AuditEntry.objects.filter(action="deadline_overdue")
    assert alert.content_type == ContentType.objects.get_for_model(Deadline)
    assert alert.object_id == str(deadline.pk)
    assert (alert.record, alert.actor, alert.actor_role) == (objection.record, None, Role.SYSTEM)
    assert alert.diff == {"overdue_since": [None, "2026-10-17"]}
    assert "异议处理决定 2026-10-16" in alert.object_repr
    assert visible_records(approver).filter(pk=alert.record_id).exists()


def test_a_second_sweep_on_the_same_day_flags_nothing_again(officer, approver, liaison, unit, settings):
    objection = objection_under_decision(
        officer=officer, approver=approver, liaison=liaison, unit=unit, settings=settings
    )
    deadlines_flag_overdue(day("2026-10-17"))
    entries = AuditEntry.objects.count()

    assert deadlines_flag_overdue(day("2026-10-17")) == {}
    assert deadlines_flag_overdue(day("2026-10-20")) == {}
    assert AuditEntry.objects.count() == entries
    assert decision_deadline(objection).overdue_since == day("2026-10-17")
    assert audit.verify().ok


def test_the_repair_sweep_flags_only_repair_deadlines(officer, approver, liaison, unit, settings):
    objection = objection_under_decision(
        officer=officer, approver=approver, liaison=liaison, unit=unit, settings=settings
    )
    assert sweeps.run("repair_decisions", "2026-10-17") == {"repair_overdue": 0}
    assert decision_deadline(objection).overdue_since is None


def test_the_subjects_defence_window_is_not_a_handlers_deadline(officer, approver, unit, fixed_today):
    """A prior notice served 2026-01-05 opens a 5-WD window for the subject (to 01-12): its
    passing is no one's delay, so it is never flagged; the approver's determination, due
    10 WD after it (01-26), is."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    window = Deadline.objects.get(record=record, kind="defence_window")
    assert window.status == "OPEN" and window.due_on < day("2026-02-02")

    assert deadlines_flag_overdue(day("2026-02-02")) == {"determination": 1}
    window.refresh_from_db()
    assert window.overdue_since is None


def test_a_deadline_met_in_time_is_never_flagged(officer, approver, unit, fixed_today):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert set(Deadline.objects.filter(record=record).values_list("status", flat=True)) == {"MET"}

    assert deadlines_flag_overdue(day("2027-01-01")) == {}
    assert not Deadline.objects.filter(overdue_since__isnull=False).exists()


# ── scenario 9 through the command ─────────────────────────────────────────────────────


def test_sweep_deadlines_urges_overdue_items_once_then_escalates_them_after_the_reminder(
    officer, approver, unit, settings
):
    """Scenario 9: items due Thu 2026-10-08 → on 2026-10-09 OVERDUE and urged with a new
    deadline Thu 2026-10-22; a second run that day changes nothing; on 2026-10-23 they are
    escalated, an accountability case is opened and an RCT lead registered."""
    settings.CHENGXIN_TODAY = "2026-09-01"
    order = served_rectification(officer=officer, approver=approver, unit=unit, items=2)
    settings.CHENGXIN_TODAY = "2026-10-09"

    first = sweep_deadlines("2026-10-09")
    assert (first["items_overdue"], first["items_escalated"]) == (2, 0)
    items = RectificationItem.objects.filter(rectification=order)
    assert set(items.values_list("state", flat=True)) == {ItemState.URGED}
    reminders = Deadline.objects.filter(kind="overdue_reminder", status="OPEN")
    assert set(reminders.values_list("due_on", flat=True)) == {day("2026-10-22")}

    entries = AuditEntry.objects.count()
    again = sweep_deadlines("2026-10-09")
    assert set(again.values()) == {0}, again
    assert AuditEntry.objects.count() == entries

    assert sweep_deadlines("2026-10-22")["items_escalated"] == 0
    later = sweep_deadlines("2026-10-23")
    assert (later["items_overdue"], later["items_escalated"]) == (0, 2)
    assert set(items.values_list("state", flat=True)) == {ItemState.ESCALATED}
    order.refresh_from_db()
    assert order.state == RectificationState.ESCALATED
    assert Accountability.objects.filter(rectification=order).count() == 1
    assert Record.objects.filter(category="RCT", subject_organisation=unit).count() == 1
    assert set(sweep_deadlines("2026-10-23").values()) == {0}
    assert audit.verify().ok


def test_sweep_deadlines_prints_a_count_for_every_sweep_even_when_nothing_is_due():
    out = io.StringIO()
    call_command("sweep_deadlines", "--today=2026-10-09", stdout=out)
    names = [line.split(":")[0] for line in out.getvalue().splitlines()[1:]]
    assert names == [*sweeps.SWEEPS, "risk_alerts"]  # the risk alerts last (oversight.sweeps)
    assert "items_overdue=0 reminders_drafted=0 items_escalated=0" in out.getvalue()


def test_sweep_deadlines_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sweep_deadlines", "--today=2026-13-01")


# ── the Celery tasks ─────────────────────────────────────────────────────────────────


def test_the_rectification_task_returns_what_it_changed(officer, approver, unit, settings, issuer):
    settings.CHENGXIN_TODAY = "2026-09-01"
    served_rectification(officer=officer, approver=approver, unit=unit, items=3)
    settings.CHENGXIN_TODAY = "2026-10-09"

    assert tasks.sweep_rectification.delay().get() == {
        "items_overdue": 3,
        "reminders_drafted": 1,  # one 整改逾期催办函 for the order
        "items_escalated": 0,
    }
    assert tasks.sweep_rectification.delay().get() == {
        "items_overdue": 0,
        "reminders_drafted": 0,
        "items_escalated": 0,
    }
    assert tasks.sweep_rectification.delay(today="2026-10-23").get() == {
        "items_overdue": 0,
        "reminders_drafted": 0,
        "items_escalated": 3,
    }


def test_every_scheduled_sweep_is_a_registered_task_that_returns_its_counts():
    celery_app.loader.import_default_modules()  # what a worker does on start: autodiscovery
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(celery_app.tasks)
    sweep_tasks = {name for name in scheduled if name.startswith("workflows.tasks.sweep_")}
    assert sweep_tasks == {f"workflows.tasks.sweep_{name}" for name in sweeps.SWEEPS}
    for name in sweep_tasks:
        counts = celery_app.tasks[name].delay(today="2026-10-09").get()
        assert counts and all(isinstance(n, int) and n == 0 for n in counts.values()), (name, counts)


def test_date_based_sweeps_also_run_five_minutes_after_midnight_in_shanghai():
    midnight = {
        entry["task"]: entry["schedule"]
        for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items()
        if name.endswith("at 00:05")
    }
    assert set(midnight) == {
        f"workflows.tasks.sweep_{name}"
        for name in ("rectification", "repair_decisions", "overdue_deadlines", "disclosure_expiry")
    } | {"workflows.tasks.sweep_accountability_releases", "oversight.tasks.sweep_risk_alerts"}
    for schedule in midnight.values():
        assert (schedule.hour, schedule.minute, str(schedule.tz)) == ({0}, {5}, "Asia/Shanghai")
