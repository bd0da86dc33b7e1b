"""The record's own steps: the shared step machinery with the record's audited fields
(its measures included)."""

from __future__ import annotations

from collections.abc import Callable

from .. import kinds
from ..models import Record, User
from .steps import perform
from .steps import snapshot as object_snapshot

RECORD = kinds.RECORD


def snapshot(record: Record) -> dict:
    data = object_snapshot(record)
    data.pop("fact_hash", None)
    data["measures"] = sorted(record.measures.values_list("code", flat=True)) if record.pk else []
    return data


def get_visible_record(acting_user, record_id: int, *, lock: bool) -> Record:
    return RECORD.get(acting_user, record_id, lock=lock)


def perform_step(
    *,
    acting_user: User,
    record_id: int,
    step: str,
    change: Callable[[Record], None] = lambda r: None,
    after: Callable[[Record], None] = lambda r: None,
    reason: str = "",
    ip_address: str | None = None,
    capture: Callable[[Record], dict] = snapshot,
) -> Record:
    return perform(
        RECORD,
        acting_user=acting_user,
        pk=record_id,
        step=step,
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
        capture=capture,
    )
