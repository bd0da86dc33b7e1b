"""The overdue path of rectification items (DOMAIN §6.3, scenario 9): the set-based
functions the deadline sweeps call, their idempotence and their constant query count."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casework import audit
from casework.models import Accountability, AuditEntry, Deadline, Record, Rectification, RectificationItem
from casework.services import rectification as svc
from casework.services.rectification import extension as ext
from casework.services.rectification.sweeps import items_escalate, items_mark_overdue

from . import concurrency, lifecycle
from . import rectification_steps as steps
from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings


def open_deadlines(obj) -> dict:
    owned = Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(obj), owner_id=obj.pk, status="OPEN"
    )
    return {d.kind: d.due_on.isoformat() for d in owned}


def states(rectification) -> list[str]:
    return list(rectification.items.order_by("number").values_list("state", flat=True))


def order_entries(rectification):
    """The sweeps' entries about `rectification` (its items' changes are audited on it)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Rectification),
        object_id=str(rectification.pk),
        actor_role="system",
    ).order_by("seq")


def snapshot() -> tuple:
    return (
        AuditEntry.objects.count(),
        list(Deadline.objects.order_by("id").values_list("id", "status")),
        list(RectificationItem.objects.order_by("id").values_list("id", "state")),
        Accountability.objects.count(),
        Record.objects.count(),
    )


def test_an_item_without_evidence_is_urged_the_day_after_its_deadline_then_escalated(
    today, officer, approver, unit
):
    """Scenario 9: nothing by the end of Thu 2026-10-08 → on 10-09 OVERDUE and a 整改逾期催办函
    the same day, new deadline Thu 10-22 (Sat 10-10 counts); if that passes too, 督办, an
    accountability case and an RCT record proposed for the officer."""
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)
    assert items_mark_overdue(D("2026-10-08")) == 0  # the last day is still in time

    today.CHENGXIN_TODAY = "2026-10-09"
    assert items_mark_overdue() == 2
    assert states(rectification) == ["URGED", "URGED"]
    first, second = rectification.items.order_by("number")
    assert open_deadlines(first) == {"overdue_reminder": "2026-10-22"}
    missed = Deadline.objects.get(owner_id=first.pk, kind="rectification")
    assert (missed.status, missed.due_on) == ("CANCELLED", D("2026-10-08"))  # kept as history
    # One entry for the order, listing its items; none per item.
    [entry] = list(order_entries(rectification))
    assert (entry.action, entry.actor_role, entry.actor_name, entry.record) == (
        "rectification.urge_items",
        "system",
        "系统",
        rectification.record,
    )
    assert entry.object_repr == str(rectification)
    assert "第 1、2 项" in entry.reason and "催办" in entry.reason and "2026-10-22" in entry.reason
    assert entry.diff == {
        "items": {
            str(item.pk): {
                "number": item.number,
                "state": ["OPEN", "URGED"],
                "due_on": ["2026-10-08", "2026-10-22"],
            }
            for item in (first, second)
        }
    }
    assert not AuditEntry.objects.filter(action__startswith="rectificationitem.").exists()
    before = snapshot()
    assert items_mark_overdue() == 0 and snapshot() == before  # a second run the same day

    assert items_escalate(D("2026-10-22")) == 0
    today.CHENGXIN_TODAY = "2026-10-23"
    assert items_escalate() == 2
    rectification.refresh_from_db()
    assert rectification.state == "ESCALATED" and states(rectification) == ["ESCALATED", "ESCALATED"]
    escalated = list(order_entries(rectification))[1:]
    assert [e.action for e in escalated] == ["rectification.escalate_items", "rectification.escalate"]
    assert "第 1、2 项" in escalated[0].reason
    assert escalated[0].diff["items"][str(first.pk)]["state"] == ["URGED", "ESCALATED"]
    assert open_deadlines(rectification) == {"written_explanation": "2026-09-15", "escalation": "2026-10-30"}
    case = Accountability.objects.get()
    assert (case.state, case.track, case.unit, case.rectification, case.record) == (
        "INITIATED",
        "PARTY",
        unit,
        rectification,
        rectification.record,
    )
    assert "第 1、2 项" in case.reason and rectification.record.reference in case.reason
    lead = Record.objects.get(source="RECTIFICATION")
    assert (lead.state, lead.category, lead.tier, lead.subject_organisation) == (
        "LEAD",
        "RCT",
        "SERIOUS",
        unit,
    )
    assert (
        lead.reference == f"ZWSX-2026-{lead.pk:06d}" and rectification.record.reference in lead.lead_content
    )
    assert AuditEntry.objects.filter(record=lead, action="register_lead").exists()
    assert AuditEntry.objects.filter(object_id=str(case.pk), action="accountability.initiate").exists()
    before = snapshot()
    assert items_escalate() == 0 and snapshot() == before
    assert audit.verify().ok


def test_an_urged_item_can_still_be_submitted(today, officer, approver, unit, liaison, head):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    today.CHENGXIN_TODAY = "2026-10-09"
    items_mark_overdue()
    steps.add_evidence(liaison, rectification)
    svc.rectification_sign_off(acting_user=head, rectification_id=rectification.pk, declaration=True)
    svc.rectification_submit(acting_user=liaison, rectification_id=rectification.pk, truth_declared=True)
    item = rectification.items.get()
    assert item.state == "SUBMITTED" and open_deadlines(item) == {}
    today.CHENGXIN_TODAY = "2026-10-23"
    assert items_escalate() == 0


def test_a_returned_item_is_urged_when_its_resubmission_deadline_passes(
    today, officer, approver, unit, liaison, head
):
    rectification = steps.submitted(
        officer=officer, approver=approver, unit=unit, liaison=liaison, head=head, count=2
    )
    today.CHENGXIN_TODAY = "2026-09-10"
    svc.rectification_start_review(acting_user=officer, rectification_id=rectification.pk)
    first, second = rectification.items.order_by("number")
    decisions = {first.pk: ("ACCEPT", ""), second.pk: ("RETURN", "凭证不全")}
    svc.rectification_review(acting_user=officer, rectification_id=rectification.pk, decisions=decisions)
    assert open_deadlines(second) == {"resubmission": "2026-09-23"}
    assert items_mark_overdue(D("2026-09-24")) == 1
    assert states(rectification) == ["ACCEPTED", "URGED"]
    [entry] = AuditEntry.objects.filter(action="rectification.urge_items")
    assert "第 2 项" in entry.reason and "第 1" not in entry.reason
    assert entry.diff["items"] == {
        str(second.pk): {"number": 2, "state": ["RETURNED", "URGED"], "due_on": ["2026-09-23", "2026-10-15"]}
    }


def test_a_pending_extension_request_holds_the_item_until_it_is_decided(
    today, officer, approver, unit, liaison
):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    item = rectification.items.get()
    today.CHENGXIN_TODAY = "2026-10-08"
    request = ext.rectification_request_extension(
        acting_user=liaison, item_id=item.pk, days=5, reason="结算延迟"
    )
    assert items_mark_overdue(D("2026-10-09")) == 0
    today.CHENGXIN_TODAY = "2026-10-09"
    ext.rectification_decide_extension(
        acting_user=approver, request_id=request.pk, approve=False, reason="不予延期"
    )
    assert items_mark_overdue() == 1


def _orders(officer, approver, *, orders: int, items: int, served_on: dt.date):
    for _ in range(orders):
        record = lifecycle.effective(officer=officer, approver=approver, organisation=OrganisationFactory())
        rectification = steps.drafted(
            officer=officer, approver=approver, unit=None, count=items, record=record
        )
        svc.rectification_issue(acting_user=approver, rectification_id=rectification.pk)
        svc.rectification_serve(acting_user=officer, rectification_id=rectification.pk, served_on=served_on)


def _statements(sweep, day: dt.date, expected: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert sweep(day) == expected
    return [q["sql"] for q in captured.captured_queries]


def _not_inserts(statements: list[str]) -> list[str]:
    return [sql for sql in statements if not sql.lstrip().upper().startswith("INSERT")]


def test_the_sweeps_run_a_fixed_number_of_statements_however_many_items_are_due(officer, approver):
    """Two orders of 5 items, then two orders of 50: the same statements, on every backend for
    the overdue sweep (plain INSERT … SELECT and one audit INSERT). For the escalation SQLite splits
    the bulk INSERTs of cases and leads into batches of 999 parameters, so there only the INSERT
    count may grow; the workflow listeners run once per escalated order, so both runs escalate two."""
    _orders(officer, approver, orders=2, items=5, served_on=D("2026-08-03"))  # due Wed 09-02
    _orders(officer, approver, orders=2, items=50, served_on=D("2026-09-01"))  # due Thu 10-08
    small = _statements(items_mark_overdue, D("2026-09-03"), 10)
    large = _statements(items_mark_overdue, D("2026-10-09"), 100)
    small_escalation = _statements(items_escalate, D("2026-09-18"), 10)  # reminder due 09-17
    large_escalation = _statements(items_escalate, D("2026-10-23"), 100)  # reminder due 10-22
    assert len(large) == len(small) <= 13
    assert len(_not_inserts(large_escalation)) <= len(_not_inserts(small_escalation))
    if connection.vendor == "postgresql":
        assert len(large) <= len(small) and len(large_escalation) <= len(small_escalation)
    assert Accountability.objects.count() == 4 and Record.objects.filter(category="RCT").count() == 4
    assert audit.verify().ok


# ── two sweepers at once (PostgreSQL: row locks and SKIP LOCKED) ─────────────────────


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_sweeper_skips_the_items_the_first_one_holds(officer, approver, unit):
    """Two workers at once: each item is claimed, changed and audited exactly once, and
    an order is escalated (one case, one RCT lead) by exactly one of them."""
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit, count=4)
    held = [i.pk for i in rectification.items.filter(number__in=(1, 2))]
    with transaction.atomic():  # the first sweeper, holding items 1 and 2
        list(RectificationItem.objects.select_for_update().filter(pk__in=held))
        assert concurrency.in_thread(lambda: items_mark_overdue(D("2026-10-09"))) == 2
    assert states(rectification) == ["OPEN", "OPEN", "URGED", "URGED"]
    assert items_mark_overdue(D("2026-10-09")) == 2
    assert items_mark_overdue(D("2026-10-09")) == 0

    with transaction.atomic():
        list(RectificationItem.objects.select_for_update().filter(pk__in=held))
        assert concurrency.in_thread(lambda: items_escalate(D("2026-10-23"))) == 2
    assert items_escalate(D("2026-10-23")) == 2
    assert set(states(rectification)) == {"ESCALATED"}
    # Each run audits the items it changed on their order, once: two entries per action.
    for action in ("rectification.urge_items", "rectification.escalate_items"):
        entries = order_entries(rectification).filter(action=action)
        listed = [pk for entry in entries for pk in entry.diff["items"]]
        assert sorted(listed) == sorted(str(item.pk) for item in rectification.items.all())
        assert len(listed) == 4 and entries.count() == 2
    assert Accountability.objects.count() == 1 and Record.objects.filter(category="RCT").count() == 1
    assert audit.verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_order_locked_while_its_items_escalate_is_escalated_by_the_next_run(officer, approver, unit):
    """The liaison happens to hold the order (a submission in progress) when the sweeper
    escalates its items: the sweeper does not wait for it, and the next run escalates it."""
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)
    assert items_mark_overdue(D("2026-10-09")) == 2
    with transaction.atomic():
        Rectification.objects.select_for_update().get(pk=rectification.pk)
        assert concurrency.in_thread(lambda: items_escalate(D("2026-10-23"))) == 2
    rectification.refresh_from_db()
    assert rectification.state == "IN_PROGRESS" and not Accountability.objects.exists()
    assert items_escalate(D("2026-10-24")) == 0  # no item left to claim, but the order is due
    rectification.refresh_from_db()
    assert rectification.state == "ESCALATED" and Accountability.objects.get().reason.count("1、2") == 1
    assert items_escalate(D("2026-10-24")) == 0 and Accountability.objects.count() == 1
