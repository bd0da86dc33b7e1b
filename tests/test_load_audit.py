"""audit.append_many stores each entry as it hashed it: what a sweep writes in one INSERT
reads back value for value, and the stored hashes verify (bench/sweep.py's scattered case)."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from casework import audit
from casework.models import AuditEntry, Record
from casework.roles import Role
from casework.services import records

pytestmark = pytest.mark.django_db


def _entries(record: Record, count: int):
    for n in range(count):
        yield dict(
            role=Role.SYSTEM,
            content_type_id=ContentType.objects.get_for_model(Record).pk,
            object_id=record.pk,
            object_repr=f'{record.reference} · 整改 "{n}" \\ \u2028',
            record_id=record.pk,
            action="rectification.urge_items",
            reason=f"整改通知第 {n} 项已逾期，予以催办；新的整改期限为 2026-10-22。",
            ip_address="2001:0db8:0000:0000:0000:0000:0000:0001" if n % 2 else None,
            diff={"items": {str(n): {"number": n, "state": ["OPEN", "URGED"], "ratio": 0.5, "ok": True}}},
        )


def _record(officer, unit) -> Record:
    return records.record_register_lead(
        acting_user=officer,
        subject_organisation_id=unit.pk,
        source="HOTLINE",
        lead_content="线索",
        received_on=dt.date(2026, 10, 9),
    )


def test_a_batch_reads_back_as_it_was_hashed(officer, unit):
    record = _record(officer, unit)
    before = AuditEntry.objects.count()
    with transaction.atomic():
        lines = audit.append_many(_entries(record, 25))
    stored = list(AuditEntry.objects.order_by("seq")[before:])
    assert [entry.seq for entry in stored] == [line.seq for line in lines]
    for line, entry in zip(lines, stored, strict=True):
        for field in (
            "created_at",
            "object_repr",
            "reason",
            "diff",
            "prev_hash",
            "record_id",
            "content_type_id",
        ):
            assert getattr(entry, field) == getattr(line, field), field
        assert entry.object_id == str(record.pk)
        assert entry.hash == audit.entry_digest(entry)
    assert {entry.ip_address for entry in stored} == {None, "2001:db8::1"}
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert f"audit chain intact: {before + 25} entries" in out.getvalue()


def test_the_hash_is_unique(officer, unit):
    record = _record(officer, unit)
    with transaction.atomic():
        [line] = audit.append_many(_entries(record, 1))
    stored = AuditEntry.objects.get(seq=line.seq)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO casework_auditentry (seq, created_at, actor_name, actor_role, content_type_id, object_id,"
            " object_repr, action, from_state, to_state, reason, diff, prev_hash, hash)"
            " VALUES (%s, %s, '', '', %s, '1', '', '', '', '', '', '{}', %s, %s)",
            [line.seq + 1, line.created_at, stored.content_type_id, stored.hash, stored.hash],
        )
