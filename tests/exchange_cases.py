"""Helpers of the outbox tests: the exchange settings of one test, and records with events."""

from __future__ import annotations

import copy
import datetime as dt

from casework import sync
from casework.models import SyncKind

from .repair_cases import effective_record


def configure_exchange(settings, channels: dict, **options) -> None:
    """CHENGXIN["EXCHANGE"] for this test: its channels and any option (MAX_ATTEMPTS …)."""
    exchange = copy.deepcopy(settings.CHENGXIN["EXCHANGE"]) | options
    exchange["CHANNELS"] = channels
    settings.CHENGXIN = {**settings.CHENGXIN, "EXCHANGE": exchange}


#: The changes after publication, one of each kind casework emits (DOMAIN §6.6 (c)).
LATER_KINDS = [
    SyncKind.OBJECTION_FLAG_ON,
    SyncKind.OBJECTION_FLAG_OFF,
    SyncKind.UPDATE,
    SyncKind.REPAIR,
    SyncKind.EXPIRE,
    SyncKind.REVOKE,
]


def published_records(settings, *, officer, approver, units, per_unit=1):
    """Records determined 2026-01-15 and served (each with its CREATE event)."""
    return [
        effective_record(
            settings,
            officer=officer,
            approver=approver,
            organisation=unit,
            determined_on=dt.date(2026, 1, 15),
            content=f"第{n}项：未按合同约定支付工程款 120 万元。",
        )
        for unit in units
        for n in range(per_unit)
    ]


def emit_each_kind(record, kinds=LATER_KINDS) -> None:
    for kind in kinds:
        sync.emit(record, kind)
