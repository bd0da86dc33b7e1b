"""casework's SyncEvents through the exchange outbox (DOMAIN §6.6): each pending event is
delivered and acknowledged once by the beat task, a second run changes nothing, and the
set-based emit writes one event per record due the next working day."""

import datetime as dt

import pytest

from casework import sync
from casework.models import SyncEvent, SyncKind
from exchange.models import Outbound
from exchange.tasks import deliver_outbox

from .repair_cases import effective_record

pytestmark = pytest.mark.django_db


def test_every_pending_event_is_delivered_and_acknowledged_once(settings, officer, approver, unit):
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    sync.emit(record, SyncKind.UPDATE)
    pending = SyncEvent.objects.filter(acknowledged_at__isnull=True).count()
    assert pending == 2  # CREATE on service, and the UPDATE

    counts = deliver_outbox.delay().get()
    assert counts["province_copied"] == counts["province_delivered"] == pending
    assert not SyncEvent.objects.filter(acknowledged_at__isnull=True).exists()
    assert set(SyncEvent.objects.values_list("attempts", flat=True)) == {1}
    assert sorted(Outbound.objects.values_list("key", flat=True)) == sorted(
        f"sync-{pk}" for pk in SyncEvent.objects.values_list("pk", flat=True)
    )

    again = deliver_outbox.delay().get()
    assert again["province_copied"] == again["province_delivered"] == 0
    assert set(SyncEvent.objects.values_list("attempts", flat=True)) == {1}


def test_a_new_event_after_a_delivery_is_sent_alone(settings, officer, approver, unit):
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    deliver_outbox.delay().get()
    event = sync.emit(record, SyncKind.UPDATE)

    assert deliver_outbox.delay().get()["province_delivered"] == 1
    event.refresh_from_db()
    assert event.acknowledged_at is not None and event.attempts == 1


def test_emit_many_writes_one_event_per_record_due_the_next_working_day(settings, officer, approver, unit):
    records = [
        effective_record(
            settings,
            officer=officer,
            approver=approver,
            organisation=unit,
            determined_on=dt.date(2026, 1, 15),
            content=f"第{n}项",
        )
        for n in range(3)
    ]

    events = sync.emit_many(
        records, SyncKind.UPDATE, on=dt.date(2026, 2, 13)
    )  # Fri before 春节; Sat 2-14 is 调休

    assert [e.record_id for e in events] == [r.pk for r in records]
    assert {e.due_on for e in events} == {dt.date(2026, 2, 14)}
    assert [e.payload["facts"] for e in events] == [r.facts for r in records]
