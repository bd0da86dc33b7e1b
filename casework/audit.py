"""The append-only, hash-chained audit trail.

Each entry stores SHA-256 over its own content and the previous entry's hash. `append`
must run inside the caller's transaction (the one that changes the audited object), so
an entry exists exactly when the change committed. Appends lock the single `AuditHead`
row, which serialises them on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset | tuple):
        return [_canonical(v) for v in sorted(value, key=str)]
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def entry_digest(entry: AuditEntry) -> str:
    content = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "content_type": entry.content_type_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "record": entry.record_id,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "diff": entry.diff,
        "prev_hash": entry.prev_hash,
    }
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def append(
    *,
    actor,
    role: str,
    obj: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    ip_address: str | None = None,
    diff: dict | None = None,
    record=None,
) -> AuditEntry:
    return append_many(
        [
            dict(
                actor=actor,
                role=role,
                obj=obj,
                action=action,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                ip_address=ip_address,
                diff=diff,
                record=record,
            )
        ]
    )[0]


def append_many(entries) -> list[AuditEntry]:
    """Append several entries (each a dict of `append`'s arguments) with one lock of the
    head and one INSERT: how a set-based sweep audits every row it changed."""
    entries = list(entries)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append must run inside the audited change's transaction")
    if not entries:
        return []
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    now, seq, prev_hash, built = timezone.now(), head.seq, head.hash, []
    for fields in entries:
        seq += 1
        entry = _new_entry(seq=seq, prev_hash=prev_hash, created_at=now, **fields)
        entry.hash = prev_hash = entry_digest(entry)
        built.append(entry)
    # Batches keep one INSERT under PostgreSQL's 65,535-parameter limit however many entries.
    AuditEntry.objects.bulk_create(built, batch_size=1000)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev_hash)
    return built


def _new_entry(
    *,
    seq: int,
    prev_hash: str,
    created_at,
    actor,
    role: str,
    obj: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    ip_address: str | None = None,
    diff: dict | None = None,
    record=None,
) -> AuditEntry:
    is_user = getattr(actor, "pk", None) is not None
    return AuditEntry(
        seq=seq,
        created_at=created_at,
        actor=actor if is_user else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if is_user else "系统",
        actor_role=role,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        record=record,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        ip_address=ip_address,
        diff=_canonical(diff or {}),
        prev_hash=prev_hash,
    )


def field_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        k: [_canonical(before.get(k)), _canonical(after.get(k))]
        for k in after
        if _canonical(before.get(k)) != _canonical(after.get(k))
    }


@dataclass
class VerifyResult:
    ok: bool
    count: int
    problem: str = ""
    bad_seq: int | None = None


def verify(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain in order; report the first entry whose content, link or sequence is wrong."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size)
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(False, count, f"entry #{expected_seq} is missing", expected_seq)
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False,
                count,
                f"entry #{entry.seq} does not link to #{entry.seq - 1}",
                entry.seq,
            )
        if entry_digest(entry) != entry.hash:
            return VerifyResult(False, count, f"entry #{entry.seq} was altered", entry.seq)
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (count, prev_hash):
        return VerifyResult(
            False,
            count,
            f"entry #{count + 1} is missing (chain head is #{head_seq})",
            count + 1,
        )
    return VerifyResult(True, count)


__all__ = ["VerifyResult", "append", "append_many", "field_diff", "verify"]
