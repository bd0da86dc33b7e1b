"""The provincial platform (issue 11 item 3, must-show 3): casework's SyncEvents mapped by the
versioned column map into the outbox and delivered by the configured transport — file drop,
staging tables, the ExchangeMessage service against a fake server that drops, delays and fails
30% of requests — each event once as the receiver counts it, in order per record."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.db import connections

from casework import sync
from casework.models import SyncEvent, SyncKind
from casework.services.records import decided
from exchange.models import Outbound, OutboundState
from exchange.province import columns
from exchange.tasks import deliver_outbox

from .exchange_cases import LATER_KINDS, configure_exchange, emit_each_kind, published_records
from .fake_province import FakeProvince
from .repair_cases import effective_record

pytestmark = pytest.mark.django_db

HEADERS = columns.load("2019").headers


def run_task() -> dict:
    """The beat task, as a worker runs it."""
    return deliver_outbox.delay().get()


def manifests(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.manifest.json"))]


def test_the_map_has_the_2019_columns_plus_state_kind_and_key():
    assert HEADERS[:20] == [
        "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW",
        "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM",
        "CF_SJLY", "CF_SJLYDM", "BZ", "SJC",
    ]  # fmt: skip
    assert {"DQZT", "BGLX", "IDEMPOTENCY_KEY"} <= set(HEADERS)


def test_every_change_is_one_row_in_csv_and_xlsx_files_with_a_checked_manifest(
    settings, tmp_path, officer, approver, unit
):
    configure_exchange(settings, {"province": {"transport": "file", "folder": str(tmp_path)}})
    [record] = published_records(settings, officer=officer, approver=approver, units=[unit])
    emit_each_kind(record)
    events = list(SyncEvent.objects.filter(record=record).order_by("id"))

    counts = run_task()

    assert counts["province_delivered"] == len(events) == 1 + len(LATER_KINDS)
    rows = []
    for manifest in manifests(tmp_path):
        assert manifest["headers"] == HEADERS and manifest["map_version"] == "2019"
        for entry in manifest["files"]:
            data = (tmp_path / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            if entry["name"].endswith(".csv"):
                parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                assert parsed[0] == HEADERS and len(parsed) - 1 == entry["rows"]
                rows += [dict(zip(HEADERS, r, strict=True)) for r in parsed[1:]]
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
                values = list(sheet.iter_rows(values_only=True))
                assert list(values[0]) == HEADERS and len(values) - 1 == entry["rows"]
    assert not list(tmp_path.glob(".partial-*"))  # written under a temporary name, then renamed
    # In order per record, one row per event, each with its kind and key.
    assert [r["BGLX"] for r in rows] == [SyncKind.CREATE, *LATER_KINDS]
    assert [r["IDEMPOTENCY_KEY"] for r in rows] == [f"sync-{e.pk}" for e in events]
    first = rows[0]
    assert first["CF_XDR_MC"] == unit.name and first["CF_XDR_LB"] == "法人及非法人组织"
    assert first["CF_XDR_SHXYM"] == unit.credit_code and first["CF_WSH"] == record.reference
    assert first["CF_JDRQ"] == "2026-01-15" and first["CF_GSJZQ"] == record.max_end.isoformat()
    assert first["CF_SJLY"] == settings.CHENGXIN["EXCHANGE"]["SOURCE_UNIT_NAME"]
    # The screens that read SyncEvent see the acknowledgement.
    assert not SyncEvent.objects.filter(acknowledged_at__isnull=True).exists()
    assert set(SyncEvent.objects.values_list("attempts", flat=True)) == {1}
    # Run again: nothing new is copied, nothing is sent twice.
    again = run_task()
    assert again["province_copied"] == 0 and again["province_delivered"] == 0
    assert len(manifests(tmp_path)) == len(events)  # one stream: one head per round


def test_a_person_goes_to_the_province_without_an_id_number(settings, tmp_path, officer, approver, person):
    configure_exchange(
        settings, {"province": {"transport": "file", "folder": str(tmp_path), "formats": ["csv"]}}
    )
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=person,
        determined_on=dt.date(2026, 1, 15),
        category="ACC",
    )
    sync.emit(record, SyncKind.UPDATE)

    run_task()

    texts = [p.read_text(encoding="utf-8-sig") for p in tmp_path.glob("*.csv")]
    assert texts and not any(person.id_number in text for text in texts)
    rows = [r for text in texts for r in csv.DictReader(io.StringIO(text))]
    assert rows and {(r["CF_XDR_LB"], r["CF_XDR_ZJLX"], r["CF_XDR_ZJHM"]) for r in rows} == {
        ("自然人", "", "")
    }
    assert {r["CF_XDR_MC"] for r in rows} == {person.name}


@pytest.mark.django_db(databases=["default", "staging"])
def test_staging_tables_have_the_maps_columns_and_count_a_resent_event_once(
    settings, officer, approver, unit, other_unit
):
    table = "cx_province_cf_test"
    configure_exchange(settings, {"province": {"transport": "staging", "alias": "staging", "table": table}})
    records = published_records(settings, officer=officer, approver=approver, units=[unit, other_unit])
    emit_each_kind(records[0], [SyncKind.OBJECTION_FLAG_ON, SyncKind.OBJECTION_FLAG_OFF])
    events = SyncEvent.objects.count()

    assert run_task()["province_delivered"] == events
    # A re-send (the answer was lost, say): the same key, still one row.
    Outbound.objects.filter(channel="province").update(state=OutboundState.PENDING)
    assert run_task()["province_delivered"] == events

    staging = connections["staging"]
    with staging.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {staging.ops.quote_name(table)}")
        headers = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    assert headers == HEADERS
    assert len(rows) == events
    keys = {dict(zip(headers, r, strict=True))["IDEMPOTENCY_KEY"] for r in rows}
    assert keys == {f"sync-{pk}" for pk in SyncEvent.objects.values_list("pk", flat=True)}


def test_against_a_flaky_province_every_event_arrives_once_in_order_per_record(
    settings, officer, approver, unit, other_unit
):
    """Must-show 3: 30% of requests dropped (before or after the message is taken), delayed
    past the client's timeout, or answered with an error; tokens expire every 5 requests."""
    records = published_records(
        settings, officer=officer, approver=approver, units=[unit, other_unit], per_unit=2
    )
    for record in records:
        emit_each_kind(record, LATER_KINDS[:4])
    events = {
        r.reference: [f"sync-{pk}" for pk in r.sync_events.order_by("id").values_list("pk", flat=True)]
        for r in records
    }

    with FakeProvince(trouble=0.3, seed=11, delay=0.8) as province:
        configure_exchange(
            settings,
            {
                "province": {
                    "transport": "service",
                    "url": f"{province.url}/exchange",
                    "login_url": f"{province.url}/login",
                    "username": "dg-credit",
                    "password": "secret",
                    "sender": "DG-CREDIT",
                    "receiver": "GD-CREDIT-HUB",
                    "operator": "chengxin",
                    "timeout": 0.4,
                }
            },
            BACKOFF_SECONDS=0,  # each worker run retries at once: the test needs no clock
            MAX_ATTEMPTS=20,
        )
        for _run in range(40):
            run_task()
            if not Outbound.objects.exclude(state=OutboundState.DELIVERED).exists():
                break

    assert not Outbound.objects.exclude(state=OutboundState.DELIVERED).exists()
    every_key = [k for keys in events.values() for k in keys]
    assert sorted(province.ledger) == sorted(every_key)
    assert set(province.ledger.values()) == {1}  # each counted once by the receiver
    assert dict(province.order) == events  # and taken in the order of its record's events
    assert sum(province.troubles.values()) > 0 and province.logins > 1  # the trouble really happened
    assert sum(province.arrivals.values()) > len(every_key)  # so some were sent more than once
    assert set(province.bodies[every_key[0]]) == set(HEADERS)
    assert not SyncEvent.objects.filter(acknowledged_at__isnull=True).exists()
    assert not Outbound.objects.filter(acknowledgement="").exists()


def test_real_steps_reach_the_province_as_rows_with_the_state_after_each(
    settings, tmp_path, officer, approver, unit
):
    """Amend then revoke through casework's services: each step's event becomes one row, with
    the record as it was after that step (facts amended, then state REVOKED and not displayed,
    the revoking document in BZ) and the REVOKE due within 3 WD (DOMAIN §6.6)."""
    configure_exchange(
        settings, {"province": {"transport": "file", "folder": str(tmp_path), "formats": ["csv"]}}
    )
    [record] = published_records(settings, officer=officer, approver=approver, units=[unit])
    decided.record_amend(
        acting_user=approver,
        record_id=record.pk,
        changes={"facts": "更正后的失信事实：拖欠 80 万元。"},
        reason="笔误",
    )
    decided.record_revoke(
        acting_user=approver, record_id=record.pk, reason="异议成立", document="（2026）粤19民再1号"
    )

    run_task()

    rows = [
        r
        for p in sorted(tmp_path.glob("*.csv"))
        for r in csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig")))
    ]
    assert [r["BGLX"] for r in rows] == [SyncKind.CREATE, SyncKind.UPDATE, SyncKind.REVOKE]
    assert rows[1]["CF_SY"] == "更正后的失信事实：拖欠 80 万元。" and rows[1]["SFGS"] == "1"
    assert (rows[2]["DQZT"], rows[2]["SFGS"], rows[2]["BZ"]) == ("REVOKED", "0", "（2026）粤19民再1号")
    revoke = Outbound.objects.get(kind=SyncKind.REVOKE)
    assert revoke.due_on == SyncEvent.objects.get(kind=SyncKind.REVOKE).due_on
