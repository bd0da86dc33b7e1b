"""Disclosure expiry, DOMAIN §5.1 T12 (scenarios 13, 14, 15): set-based, idempotent, one
audit entry per record, the platform told of those that were on display."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import audit, queries
from casework.lifecycle import RecordState
from casework.models import AuditEntry, Record, SyncKind
from casework.roles import Role
from casework.services import repair
from casework.services.records.disclosure import records_expire_due

from .factories import UserFactory
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db


def _record(settings, officer, approver, unit, **kwargs):
    kwargs.setdefault("determined_on", dt.date(2026, 1, 15))
    return effective_record(settings, officer=officer, approver=approver, organisation=unit, **kwargs)


def test_a_general_record_stops_display_the_day_after_its_maximum_period(settings, officer, approver, unit):
    """Scenario 13: determined 2026-01-15 → displayed through 2027-01-15, EXPIRED on 2027-01-16."""
    record = _record(settings, officer, approver, unit)
    assert record.max_end == dt.date(2027, 1, 15)

    assert records_expire_due(dt.date(2027, 1, 15)) == 0
    assert records_expire_due(dt.date(2027, 1, 16)) == 1

    record.refresh_from_db()
    assert record.state == RecordState.EXPIRED
    assert record.public is False
    assert not queries.public_records().filter(pk=record.pk).exists()
    entry = AuditEntry.objects.filter(record=record).order_by("-seq").first()
    assert (entry.action, entry.actor_role, entry.actor_name) == ("expire", "system", "系统")
    assert (entry.from_state, entry.to_state) == ("EFFECTIVE", "EXPIRED")
    assert entry.diff == {"state": ["EFFECTIVE", "EXPIRED"], "public": [True, False]}
    event = record.sync_events.get(kind=SyncKind.EXPIRE)
    assert event.payload["state"] == RecordState.EXPIRED and event.payload["public"] is False


def test_a_serious_record_stops_display_after_three_years(settings, officer, approver, unit):
    """Scenario 14: 严重 determined 2026-03-10 → auto-stop after 2029-03-10."""
    record = _record(settings, officer, approver, unit, tier="SERIOUS", determined_on=dt.date(2026, 3, 10))

    assert records_expire_due(dt.date(2029, 3, 10)) == 0
    assert records_expire_due(dt.date(2029, 3, 11)) == 1
    record.refresh_from_db()
    assert record.state == RecordState.EXPIRED


def test_a_flagged_minor_record_is_displayed_for_at_most_three_months(settings, officer, approver, unit):
    """Scenario 15: a 轻微 record flagged "must disclose" is public until determination + 3 months."""
    record = _record(settings, officer, approver, unit, tier="MINOR", must_disclose=True)

    assert record.public is True
    assert record.max_end == dt.date(2026, 4, 15)
    assert records_expire_due(dt.date(2026, 4, 15)) == 0
    assert queries.public_records().filter(pk=record.pk).exists()
    assert records_expire_due(dt.date(2026, 4, 16)) == 1
    record.refresh_from_db()
    assert (record.state, record.public) == (RecordState.EXPIRED, False)


def test_an_unflagged_minor_record_is_never_displayed(settings, officer, approver, unit):
    """Scenario 15: a 轻微 record is never public unless flagged; its expiry tells the
    platform nothing, since the platform never showed it."""
    record = _record(settings, officer, approver, unit, tier="MINOR")

    assert record.public is False
    assert not queries.public_records().filter(pk=record.pk).exists()
    assert records_expire_due(dt.date(2026, 4, 15)) == 0
    assert records_expire_due(dt.date(2026, 4, 16)) == 1
    assert not record.sync_events.filter(kind=SyncKind.EXPIRE).exists()
    entry = AuditEntry.objects.filter(record=record).order_by("-seq").first()
    assert entry.diff == {"state": ["EFFECTIVE", "EXPIRED"]}


def test_a_second_run_on_the_same_day_changes_nothing(settings, officer, approver, unit):
    _record(settings, officer, approver, unit)
    records_expire_due(dt.date(2027, 1, 16))
    state = (AuditEntry.objects.count(), Record.objects.filter(state=RecordState.EXPIRED).count())

    assert records_expire_due(dt.date(2027, 1, 16)) == 0
    assert (AuditEntry.objects.count(), Record.objects.filter(state=RecordState.EXPIRED).count()) == state


def test_only_effective_records_expire(settings, officer, approver, unit):
    """A repaired record is off display already: the sweep leaves it alone."""
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    record = _record(settings, officer, approver, unit)
    set_today(settings, "2026-05-06")
    application = repair.repair_apply(acting_user=head, record_id=record.pk, commitment="承诺书")
    repair.repair_grant(acting_user=approver, application_id=application.pk)

    assert records_expire_due(dt.date(2027, 2, 1)) == 0
    record.refresh_from_db()
    assert record.state == RecordState.REPAIRED


def test_the_sweep_uses_the_same_number_of_queries_for_one_record_or_many(settings, officer, approver, unit):
    _record(settings, officer, approver, unit, content="第1项")
    with CaptureQueriesContext(connection) as one:
        records_expire_due(dt.date(2027, 1, 16))
    for n in range(12):
        _record(settings, officer, approver, unit, content=f"第{n + 2}项")
    with CaptureQueriesContext(connection) as many:
        assert records_expire_due(dt.date(2027, 1, 16)) == 12

    assert len(many) == len(one)


def test_the_audit_chain_holds_after_a_bulk_expiry(settings, officer, approver, unit):
    for n in range(3):
        _record(settings, officer, approver, unit, content=f"第{n + 1}项")

    records_expire_due(dt.date(2027, 1, 16))

    assert audit.verify().ok
