"""The record's own steps: the shared step machinery with the record's audited fields
(its measures included)."""

from __future__ import annotations

from collections.abc import Callable

from ... import kinds
from ...models import Record
from ..steps import perform
from ..steps import snapshot as object_snapshot

RECORD = kinds.RECORD


def snapshot(record: Record, *, new: bool = False) -> dict:
    """The record's audited fields and its measures; `new`: just registered, with no
    measure yet, so a set-based creation asks nothing per record."""
    data = object_snapshot(record)
    data.pop("fact_hash", None)
    known = new or not record.pk
    data["measures"] = [] if known else sorted(record.measures.values_list("code", flat=True))
    return data


def get_visible_record(acting_user, record_id: int, *, lock: bool) -> Record:
    return RECORD.get(acting_user, record_id, lock=lock)


def perform_step(*, record_id: int, capture: Callable[[Record], dict] = snapshot, **step) -> Record:
    """`steps.perform` on the record `record_id` (the arguments after `pk`), its audited
    fields the record's own (its measures included)."""
    return perform(RECORD, pk=record_id, capture=capture, **step)
