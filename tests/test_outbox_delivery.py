"""The outbox's delivery engine and its screens: retries with exponential backoff, DEAD after
N attempts blocking its stream until the credit administrator re-sends it (API and admin,
audited), overdue deliveries alerted once, the list and its XLSX export scoped and filtered,
and the hotline's JSON transport with its Idempotency-Key header."""

from __future__ import annotations

import datetime as dt
import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from casework import sync
from casework.action_labels import AuditAction
from casework.models import AuditEntry, SyncEvent, SyncKind
from casework.roles import Role
from exchange import delivery
from exchange.models import Outbound, OutboundState
from exchange.outbox import enqueue
from exchange.province.outbox import copy_sync_events
from exchange.tasks import deliver_outbox

from .api_fixtures import api
from .exchange_cases import configure_exchange, emit_each_kind, published_records
from .factories import UserFactory
from .repair_cases import set_today

pytestmark = pytest.mark.django_db


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens: every attempt is refused


@pytest.fixture
def credit_admin(db):
    return UserFactory(roles=[Role.CREDIT_ADMIN])


@pytest.fixture
def two_records(settings, officer, approver, unit, other_unit):
    records = published_records(settings, officer=officer, approver=approver, units=[unit, other_unit])
    emit_each_kind(records[0], [SyncKind.UPDATE])
    return records


def test_failures_back_off_go_dead_and_block_their_stream_until_resent(
    settings, tmp_path, two_records, credit_admin, officer
):
    first, second = two_records
    url = closed_port_url()
    configure_exchange(
        settings,
        {"province": {"transport": "service", "url": url, "login_url": f"{url}/login", "timeout": 1}},
        MAX_ATTEMPTS=3,
        BACKOFF_SECONDS=60,
    )
    deliver_outbox.delay().get()  # copies, and the first attempt fails
    head = Outbound.objects.get(key=f"sync-{first.sync_events.order_by('id').first().pk}")
    assert head.attempts == 1 and head.state == OutboundState.PENDING and head.last_error
    t1 = head.next_attempt_at
    assert t1 is not None

    assert delivery.deliver(now=t1 - dt.timedelta(seconds=1))["province_failed"] == 0  # not yet due
    delivery.deliver(now=t1)
    head.refresh_from_db()
    assert head.attempts == 2 and head.next_attempt_at - t1 == dt.timedelta(seconds=120)  # doubled
    delivery.deliver(now=head.next_attempt_at)
    head.refresh_from_db()
    assert head.state == OutboundState.DEAD and head.attempts == 3
    assert AuditEntry.objects.filter(action=AuditAction.OUTBOUND_DEAD, object_id=head.pk).count() == 1
    assert SyncEvent.objects.get(pk=head.payload["event_id"]).acknowledged_at is None

    other_head = Outbound.objects.get(stream=f"record-{second.pk}")
    assert other_head.state == OutboundState.DEAD  # its stream failed the same way

    # The province answers again (file drop). Only the credit administrator re-sends, audited.
    configure_exchange(settings, {"province": {"transport": "file", "folder": str(tmp_path)}})
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    resend = reverse("outbound-resend")
    assert api(officer).post(resend, {"ids": [other_head.pk]}, format="json").status_code == 403
    answer = api(credit_admin).post(resend, {"ids": [other_head.pk]}, format="json")
    assert answer.status_code == 200 and answer.json() == {"resent": 1}
    assert AuditEntry.objects.filter(action=AuditAction.OUTBOUND_RESEND, object_id=other_head.pk).count() == 1

    # The re-sent stream goes through; the dead message still blocks its own stream: the
    # record's UPDATE must not reach the province before its CREATE.
    delivery.deliver(now=later)
    other_head.refresh_from_db()
    assert other_head.state == OutboundState.DELIVERED
    assert [m.state for m in Outbound.objects.filter(stream=f"record-{first.pk}").order_by("id")] == [
        OutboundState.DEAD,
        OutboundState.PENDING,
    ]

    assert api(credit_admin).post(resend, {"ids": [head.pk]}, format="json").status_code == 200
    assert (
        api(credit_admin).post(resend, {"ids": [head.pk]}, format="json").status_code == 400
    )  # not dead now
    delivery.deliver(now=later)
    rows = Outbound.objects.filter(stream=f"record-{first.pk}").order_by("id")
    assert [m.state for m in rows] == [OutboundState.DELIVERED] * 2
    assert rows[0].delivered_at <= rows[1].delivered_at
    assert not SyncEvent.objects.filter(acknowledged_at__isnull=True).exists()


def test_the_admin_lists_dead_letters_and_resends_them(settings, client, two_records, credit_admin):
    url = closed_port_url()
    configure_exchange(
        settings,
        {"province": {"transport": "service", "url": url, "login_url": url, "timeout": 1}},
        MAX_ATTEMPTS=1,
    )
    deliver_outbox.delay().get()
    dead = list(Outbound.objects.filter(state=OutboundState.DEAD))
    assert dead  # every stream's head died at its first attempt

    credit_admin.is_staff = True
    credit_admin.save()
    client.force_login(credit_admin)
    changelist = reverse("admin:exchange_outbound_changelist")
    page = client.get(changelist, {"state__exact": OutboundState.DEAD})
    assert page.status_code == 200
    assert all(m.key in page.content.decode() or str(m.pk) in page.content.decode() for m in dead)
    # The receiving system and the event in words; a late message says so in words too.
    assert "省公共信用信息管理系统" in page.content.decode() and ">province<" not in page.content.decode()
    set_today(settings, max(m.due_on for m in dead) + dt.timedelta(days=1))
    assert "已逾期" in client.get(changelist, {"state__exact": OutboundState.DEAD}).content.decode()
    by_channel = client.get(changelist, {"channel": "province", "kind": dead[0].kind}).context["cl"]
    assert {m.pk for m in by_channel.result_list} == {m.pk for m in dead if m.kind == dead[0].kind}
    answer = client.post(
        changelist, {"action": "resend", "_selected_action": [m.pk for m in dead]}, follow=True
    )
    assert answer.status_code == 200
    assert not Outbound.objects.filter(state=OutboundState.DEAD).exists()
    assert AuditEntry.objects.filter(action=AuditAction.OUTBOUND_RESEND).count() == len(dead)


def test_an_overdue_delivery_raises_one_alert_visible_to_the_admins(settings, two_records, credit_admin):
    configure_exchange(settings, {})  # no transport configured: nothing leaves
    deliver_outbox.delay().get()
    late = Outbound.objects.order_by("due_on").first()
    set_today(settings, late.due_on + dt.timedelta(days=1))

    assert deliver_outbox.delay().get()["outbound_overdue"] >= 1
    assert AuditEntry.objects.filter(action=AuditAction.OUTBOUND_OVERDUE, object_id=late.pk).count() == 1
    assert deliver_outbox.delay().get()["outbound_overdue"] == 0  # raised once
    assert AuditEntry.objects.filter(action=AuditAction.OUTBOUND_OVERDUE, object_id=late.pk).count() == 1

    listed = api(credit_admin).get(reverse("outbound-list"), {"overdue": "true"}).json()["results"]
    assert late.pk in [m["id"] for m in listed] and all(m["overdue"] for m in listed)

    sysadmin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    client = api(sysadmin)
    page = client.get(reverse("work-system")).content.decode()
    assert "外发消息" in page and "逾期未送达" in page


def test_the_list_and_its_export_are_scoped_and_filtered(
    settings, two_records, credit_admin, officer, liaison
):
    configure_exchange(settings, {})
    deliver_outbox.delay().get()
    enqueue(channel="hotline", stream="order-1", kind="status", key="hotline-1", payload={"status": "受理"})
    province = Outbound.objects.filter(channel="province").count()

    everything = api(credit_admin).get(reverse("outbound-list")).json()
    assert len(everything["results"]) == province + 1 and everything["next"] is None
    due = [m["due_on"] for m in everything["results"] if m["channel"] == "province"]
    assert due == sorted(due)
    mine = api(officer).get(reverse("outbound-list")).json()
    assert len(mine["results"]) == province and {m["channel"] for m in mine["results"]} == {"province"}
    assert api(liaison).get(reverse("outbound-list")).status_code == 403

    kind = {"kind": SyncKind.UPDATE}
    filtered = api(credit_admin).get(reverse("outbound-list"), kind).json()
    assert len(filtered["results"]) == 1
    export = api(credit_admin).get(reverse("outbound-export"), kind)
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "接收系统", "顺序组", "类型", "幂等键")
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        (filtered["results"][0]["id"], "省公共信用信息管理系统", "更新")
    ]

    officer_export = api(officer).get(reverse("outbound-export"))
    keys = {r[4] for r in list(openpyxl.load_workbook(io.BytesIO(officer_export.content)).active.values)[1:]}
    assert "hotline-1" not in keys and len(keys) == province
    assert api(liaison).get(reverse("outbound-export")).status_code == 403


def test_the_hotline_transport_posts_json_with_the_idempotency_key(settings):
    received = []

    class Hotline(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Idempotency-Key"], body))
            status = 503 if len(received) == 1 else 200  # the first answer fails: retried
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hotline)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        configure_exchange(
            settings,
            {
                "hotline": {
                    "transport": "hotline",
                    "url": f"http://127.0.0.1:{server.server_address[1]}/status",
                }
            },
            BACKOFF_SECONDS=0,
        )
        message = enqueue(
            channel="hotline",
            stream="order-7",
            kind="status",
            key="hotline-status-7",
            payload={"status": "办结"},
        )
        deliver_outbox.delay().get()
    finally:
        server.shutdown()
        server.server_close()

    message.refresh_from_db()
    assert message.state == OutboundState.DELIVERED and message.attempts == 2
    assert [key for key, _body in received] == ["hotline-status-7"] * 2
    assert received[-1][1] == {"kind": "status", "status": "办结"}
    assert message.delivered_at <= timezone.now()


def test_a_worker_that_dies_while_sending_leaves_its_messages_to_the_next_after_the_lease(
    settings, tmp_path, two_records
):
    configure_exchange(
        settings, {"province": {"transport": "file", "folder": str(tmp_path)}}, LEASE_SECONDS=600
    )
    deliver_outbox.delay().get()  # delivered; now a new event, claimed by a worker that dies
    event = sync.emit(two_records[0], SyncKind.REPAIR)
    copy_sync_events()
    now = timezone.now()
    claimed, lease = delivery._claim("province", now)
    assert [m.key for m in claimed] == [f"sync-{event.pk}"]

    assert delivery.deliver(now=now)["province_delivered"] == 0  # leased: nobody else sends it
    assert delivery.deliver(now=lease)["province_delivered"] == 1  # the lease ran out
    event.refresh_from_db()
    assert event.acknowledged_at is not None
