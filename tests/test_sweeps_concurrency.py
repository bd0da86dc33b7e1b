"""Two workers running the same sweep at once on PostgreSQL: every row changes, and is audited, once.

Delivery is at least once and a deployment may run several workers, so beat's sweep can run
twice at the same moment. The main thread holds the audit chain's head while both sweeps start:
whichever claims rows first keeps them locked while it waits for the head, so the other one
meets them locked (SKIP LOCKED) instead of finishing before the race begins.
"""

import datetime as dt
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count

from casework import audit
from casework.models import AuditEntry, AuditHead, Deadline, RectificationItem
from notices.models import Notice
from workflows import sweeps

from . import concurrency
from .factories import OrganisationFactory, UserFactory
from .notice_cases import make_issuer
from .sweep_cases import served_rectification

# serialized_rollback: the rule and calendar rows of the migrations are back for each test,
# whichever transactional test flushed the database before.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORDERS, ITEMS = 3, 3


@pytest.fixture
def overdue_orders(settings):
    """Three served orders of three items each (due 2026-10-08), whose written explanations
    (due 2026-09-15) were never given: on 2026-10-09 every item and every explanation is late."""
    officer = UserFactory(roles=["officer"])
    approver = UserFactory(roles=["approver"])
    settings.CHENGXIN_TODAY = "2026-09-01"
    orders = [
        served_rectification(officer=officer, approver=approver, unit=OrganisationFactory(), items=ITEMS)
        for _ in range(ORDERS)
    ]
    settings.CHENGXIN_TODAY = "2026-10-09"
    return orders


def _run_twice_at_once(name: str, today: dt.date) -> list[object]:
    with transaction.atomic():
        AuditHead.objects.select_for_update().get(pk=1)
        threads, outcomes = concurrency.start([lambda: sweeps.run(name, today)] * 2, together=True)
        deadline = time.monotonic() + 15
        while concurrency.lock_waiters() < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert concurrency.lock_waiters() >= 1, "no sweep got as far as the audit append"
        time.sleep(0.5)  # the other sweep: skipped every locked row and finished, or waits too
    concurrency.join(threads)
    assert len(outcomes) == 2 and not concurrency.failures(outcomes), outcomes
    return outcomes


def _entries_per_object(model, action: str) -> dict[str, int]:
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action)
    return dict(entries.values_list("object_id").annotate(n=Count("id")))


def test_two_rectification_sweeps_at_once_urge_audit_and_write_to_each_order_once(overdue_orders):
    """Each item is urged once and listed in exactly one audit entry of its order, and each
    order gets one 整改逾期催办函, whichever worker drafted it."""
    make_issuer()
    outcomes = _run_twice_at_once("rectification", dt.date(2026, 10, 9))

    assert sum(o["items_overdue"] for o in outcomes) == ORDERS * ITEMS
    assert sum(o["reminders_drafted"] for o in outcomes) == ORDERS
    items = RectificationItem.objects.filter(rectification__in=overdue_orders)
    assert set(items.values_list("state", flat=True)) == {"URGED"}
    listed = [
        pk
        for diff in AuditEntry.objects.filter(action="rectification.urge_items").values_list(
            "diff", flat=True
        )
        for pk in diff["items"]
    ]
    assert sorted(listed) == sorted(str(pk) for pk in items.values_list("pk", flat=True))
    assert Deadline.objects.filter(kind="overdue_reminder", status="OPEN").count() == ORDERS * ITEMS
    letters = Notice.objects.filter(type_code="N11").values_list("object_id", flat=True)
    assert sorted(letters) == sorted(order.pk for order in overdue_orders)
    assert set(sweeps.run("rectification", dt.date(2026, 10, 9)).values()) == {0}
    assert audit.verify().ok


def test_two_overdue_markers_at_once_flag_and_audit_each_deadline_once(overdue_orders):
    outcomes = _run_twice_at_once("overdue_deadlines", dt.date(2026, 10, 9))

    assert sum(o["deadlines_overdue"] for o in outcomes) == ORDERS
    late = Deadline.objects.filter(kind="written_explanation")
    assert set(late.values_list("overdue_since", flat=True)) == {dt.date(2026, 10, 9)}
    per_deadline = _entries_per_object(Deadline, "deadline_overdue")
    assert per_deadline == {str(pk): 1 for pk in late.values_list("pk", flat=True)}
    assert sweeps.run("overdue_deadlines", dt.date(2026, 10, 9)) == {"deadlines_overdue": 0}
    assert audit.verify().ok
