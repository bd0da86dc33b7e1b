"""The append-only, hash-chained audit trail and `manage.py verify_audit` (DOMAIN §2, ARCHITECTURE §7)."""

import datetime as dt
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import ProtectedError

from casework import audit
from casework.errors import DomainError
from casework.models import AuditEntry, AuditHead, Measure, Record
from casework.models.audit import AppendOnlyError
from casework.services import records as svc
from casework.services.records import decided

from . import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(officer, approver, unit):
    """Seven entries written by the real services: a record taken to EFFECTIVE."""
    lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert AuditEntry.objects.count() == 7
    return list(AuditEntry.objects.order_by("seq"))


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken_at() -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", stdout=io.StringIO())
    assert caught.value.returncode == 1
    return caught.value


def raw_sql(sql: str, params: list) -> None:
    """Tamper with the table as a DBA could: on PostgreSQL the append-only trigger (casework
    migration 0009, tests/test_db_triggers.py) is disabled for the one statement, as the
    table's owner can, so these tests keep proving what `verify_audit` detects."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return
        # ALTER TABLE refuses while the test's deferred foreign-key checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE casework_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE casework_auditentry ENABLE TRIGGER audit_append_only")


# verify_audit ─────────────────────────────────────────────────────────────────────
def test_an_intact_chain_is_reported_with_its_length(trail):
    assert verify_audit() == "audit chain intact: 7 entries\n"


def test_an_empty_chain_is_intact(db):
    assert verify_audit() == "audit chain intact: 0 entries\n"


def test_an_entry_altered_in_the_database_is_named(trail):
    raw_sql("UPDATE casework_auditentry SET reason=%s WHERE seq=%s", ["改过的理由", 3])
    error = broken_at()
    assert str(error) == "audit chain broken at entry #3: entry #3 was altered (2 entries verified before it)"


def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_next_link(trail):
    """Rewriting one entry's hash to match its new content does not help: #4 still links to the old hash."""
    entry = trail[2]
    entry.reason = "改过的理由"
    raw_sql(
        "UPDATE casework_auditentry SET reason=%s, hash=%s WHERE seq=%s",
        [entry.reason, audit.entry_digest(entry), entry.seq],
    )
    assert "audit chain broken at entry #4: entry #4 does not link to #3" in str(broken_at())


def test_a_deleted_middle_entry_is_named(trail):
    raw_sql("DELETE FROM casework_auditentry WHERE seq=%s", [3])
    assert str(broken_at()).startswith("audit chain broken at entry #3: entry #3 is missing")


def test_a_deleted_last_entry_is_detected(trail):
    """The chain head remembers the last entry, so removing the tip is caught too."""
    raw_sql("DELETE FROM casework_auditentry WHERE seq=%s", [7])
    assert str(broken_at()).startswith(
        "audit chain broken at entry #7: entry #7 is missing (chain head is #7)"
    )


# Append-only through the ORM ──────────────────────────────────────────────────────
def test_an_entry_cannot_be_saved_again(trail):
    entry = trail[0]
    entry.reason = "改过"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_an_entry_cannot_be_deleted(trail):
    with pytest.raises(AppendOnlyError):
        trail[0].delete()


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(reason="改过"),
        lambda qs: qs.delete(),
        lambda qs: AuditEntry.objects.bulk_update([qs.first()], ["reason"]),
        lambda qs: AuditEntry.objects.all().delete(),
    ],
    ids=["update", "delete", "bulk_update", "delete_all"],
)
def test_entries_cannot_be_changed_in_bulk(trail, change):
    with pytest.raises(AppendOnlyError), transaction.atomic():
        change(AuditEntry.objects.filter(seq=2))
    assert verify_audit() == "audit chain intact: 7 entries\n"


def test_an_audited_record_cannot_be_deleted_from_under_its_trail(trail):
    with pytest.raises(ProtectedError):
        Record.objects.get(pk=trail[0].record_id).delete()


# One entry per change, in the same transaction ────────────────────────────────────
def test_every_transition_appends_exactly_one_entry(officer, approver, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    steps = [
        lambda: svc.record_start_verification(acting_user=officer, record_id=record.pk),
        lambda: _propose(officer, record),
        lambda: svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk),
        lambda: svc.record_pre_notice_served(
            acting_user=officer, record_id=record.pk, served_on=dt.date(2026, 1, 5)
        ),
        lambda: svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
        ),
        lambda: decided.record_serve(
            acting_user=officer,
            record_id=record.pk,
            served_on=dt.date(2026, 1, 16),
            method="IN_PERSON",
            proof="回证",
        ),
    ]
    for step in steps:
        before = AuditEntry.objects.count()
        done = step()
        entries = AuditEntry.objects.filter(seq__gt=before)
        assert entries.count() == 1
        assert entries.get().to_state == done.state


def _propose(officer, record):
    return svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category="PRM",
        domain="PROCUREMENT",
        tier="GENERAL",
        facts="拖欠中小企业账款 80 万元。",
        legal_basis="《保障中小企业款项支付条例》第九条",
        measure_ids=[Measure.objects.get(code="M01").pk],
    )


def test_a_step_refused_by_a_guard_leaves_no_entry(officer, approver, unit, settings):
    """Scenario 3: determining inside the defence window is refused, and nothing is logged."""
    settings.CHENGXIN_TODAY = "2026-05-20"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 4, 30)
    )
    head = AuditHead.objects.get()
    with pytest.raises(DomainError):
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 5, 11)
        )
    assert AuditHead.objects.get().seq == head.seq
    assert AuditEntry.objects.count() == head.seq
    assert Record.objects.get(pk=record.pk).state == "PRE_NOTICE"


def test_a_change_whose_entry_cannot_be_written_is_rolled_back(officer, unit, monkeypatch):
    record = lifecycle.lead(officer=officer, organisation=unit)

    def fail(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("casework.audit.append", fail)
    with pytest.raises(RuntimeError):
        svc.record_start_verification(acting_user=officer, record_id=record.pk)
    record.refresh_from_db()
    assert (record.state, record.assigned_officer_id) == ("LEAD", None)
    assert not record.deadlines.exists()


# The chain ────────────────────────────────────────────────────────────────────────
def test_each_entry_links_to_the_one_before(trail):
    assert trail[0].prev_hash == audit.GENESIS
    for previous, entry in itertools.pairwise(trail):
        assert entry.seq == previous.seq + 1
        assert entry.prev_hash == previous.hash
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (trail[-1].seq, trail[-1].hash)


def test_each_hash_covers_the_entrys_content(trail):
    entry = trail[2]
    assert audit.entry_digest(entry) == entry.hash
    entry.reason += "x"
    assert audit.entry_digest(entry) != entry.hash
