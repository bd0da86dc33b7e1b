"""Two sweep workers at once on PostgreSQL: each expired record and each
delivered event is handled exactly once."""

import datetime as dt
import json

import pytest
from django.db import transaction

from casework import audit
from casework.lifecycle import RecordState
from casework.models import AuditEntry, Record, SyncEvent, SyncKind
from casework.roles import Role
from casework.services.records.disclosure import records_expire_due
from exchange import delivery
from exchange.models import Outbound

from . import concurrency
from .exchange_cases import configure_exchange
from .factories import OrganisationFactory, UserFactory
from .repair_cases import effective_record

# serialized_rollback: the migrations' reference data (role groups, rules, calendar) is
# restored for every transactional test.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXPIRY_DAY = dt.date(2027, 1, 16)


@pytest.fixture
def records(settings):
    officer = UserFactory(roles=[Role.OFFICER])
    approver = UserFactory(roles=[Role.APPROVER])
    unit = OrganisationFactory()
    return [
        effective_record(
            settings,
            officer=officer,
            approver=approver,
            organisation=unit,
            determined_on=dt.date(2026, 1, 15),
            content=f"第{n}项拖欠账款",
        )
        for n in range(6)
    ]


def test_two_workers_expire_each_record_exactly_once(records):
    results = concurrency.at_once([lambda: records_expire_due(EXPIRY_DAY)] * 2, together=True)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(records)
    assert Record.objects.filter(state=RecordState.EXPIRED).count() == len(records)
    for record in records:
        assert AuditEntry.objects.filter(record=record, action="expire").count() == 1
        assert SyncEvent.objects.filter(record=record, kind=SyncKind.EXPIRE).count() == 1
    assert audit.verify().ok


def test_a_record_another_worker_holds_is_left_for_the_next_run(records):
    held = records[0]
    with transaction.atomic():
        Record.objects.select_for_update().get(pk=held.pk)  # another worker is on it
        skipping = concurrency.in_thread(lambda: records_expire_due(EXPIRY_DAY))

    assert skipping == len(records) - 1
    held.refresh_from_db()
    assert held.state == RecordState.EFFECTIVE
    assert records_expire_due(EXPIRY_DAY) == 1
    assert records_expire_due(EXPIRY_DAY) == 0


def test_two_deliveries_at_once_send_each_event_once(records, settings, tmp_path):
    """Two outbox workers (exchange.delivery) at once: SKIP LOCKED claims, so each event is
    sent by one of them, once; the second copy of the events into the outbox adds nothing."""
    configure_exchange(
        settings, {"province": {"transport": "file", "folder": str(tmp_path), "formats": ["csv"]}}
    )
    pending = SyncEvent.objects.filter(acknowledged_at__isnull=True).count()

    results = concurrency.at_once([delivery.run] * 2, together=True)

    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["province_delivered"] for r in results) == pending
    assert set(SyncEvent.objects.values_list("attempts", flat=True)) == {1}
    assert Outbound.objects.count() == pending
    keys = [k for m in tmp_path.glob("*.manifest.json") for k in json.loads(m.read_text())["keys"]]
    assert sorted(keys) == sorted(Outbound.objects.values_list("key", flat=True))
