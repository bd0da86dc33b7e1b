"""The record's own steps: the shared step machinery with the record's audited fields
(its measures included)."""

from __future__ import annotations

from .. import kinds
from ..models import Record
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


def perform_step(*, record_id: int, **step) -> Record:
    """`steps.perform` on the record `record_id` (the arguments after `pk`)."""
    return perform(RECORD, pk=record_id, **step)
