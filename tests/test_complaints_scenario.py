"""Scenario 33 (DOMAIN §10, §9.3, T1): a 12345 complaint tagged 政务失信 becomes a lead routed
within 1 WD; the complainant gets a written answer within 15 days (N25, a PDF read back);
the lead dismissed as unfounded sends the explanation (N26) and the result to the hotline, whose
system (a server on 127.0.0.1) receives the acceptance and the result in order."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase, override_settings
from pypdf import PdfReader

from casework.roles import Role
from casework.services import records as record_services
from exchange.models import Complaint, Outbound
from exchange.tasks import deliver_outbox
from notices import services as notice_services
from notices.models import Notice

from .api_fixtures import api
from .complaint_cases import integration_user, order, token_client
from .exchange_cases import configure_exchange
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def issue(notice: Notice, *, approver, officer) -> Notice:
    notice_services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rendering task, eagerly
        notice_services.notice_issue(acting_user=officer, notice_id=notice.pk)
    return Notice.objects.get(pk=notice.pk)


def test_scenario_33_complaint_routing_answer_and_unfounded_result(officer, approver, unit, issuer, settings):
    operator = UserFactory(username="intake", roles=[Role.INTAKE_OPERATOR])
    settings.CHENGXIN_TODAY = "2026-03-02"

    # 1. The hotline posts a work order tagged 政务失信.
    answer = token_client(integration_user()).post(
        "/api/complaints/hotline/", order(received_on="2026-03-02", request_type="政务失信"), format="json"
    )
    assert answer.status_code == 201
    complaint = Complaint.objects.get(pk=answer.data["id"])
    assert complaint.state == "RECEIVED" and complaint.routing_due == dt.date(2026, 3, 3)  # 1 WD
    assert complaint.feedback_due == dt.date(2026, 3, 17)  # 15 days

    # 2. The next working day the intake operator routes it: a lead about the unit.
    settings.CHENGXIN_TODAY = "2026-03-03"
    page = api(operator).post(f"/work/complaints/{complaint.pk}/act/accept/", {"organisation": unit.pk})
    assert page.status_code == 302
    complaint.refresh_from_db()
    lead = complaint.lead
    assert lead.state == "LEAD" and lead.source == "HOTLINE"
    assert complaint.routed_on <= complaint.routing_due
    accepted = Outbound.objects.get(key=f"complaint-{complaint.pk}-accepted")
    assert accepted.channel == "hotline" and accepted.payload["受理"] == "受理"

    # 3. The written answer (N25) on the lead, issued within 15 days of receipt, as a PDF.
    settings.CHENGXIN_TODAY = "2026-03-05"
    reply = Notice.objects.get(record=lead, type_code="N25")
    assert reply.state == "DRAFT" and reply.data["addressee"] == "李小明"
    reply = issue(reply, approver=approver, officer=officer)
    assert reply.issued_on <= complaint.feedback_due and reply.pdf_ready
    text = pdf_text(bytes(reply.pdf))
    assert "投诉受理告知书" in text and "李小明" in text
    assert "GD12345-2026-0001" in text and lead.reference in text and "2026年3月5日" in text
    assert "（公开方式：不予公开）" in text  # it names a private complainant
    page = api(operator).get(f"/work/complaints/{complaint.pk}/").content.decode()
    assert "2026-03-05" in page  # answered: the page no longer counts the days to answer

    # 4. Verification finds the complaint unfounded: the lead is dismissed.
    settings.CHENGXIN_TODAY = "2026-03-20"
    reason = "经调取合同及付款凭证核实，该项目工程款已于2026年2月按合同约定支付完毕，投诉反映的问题不属实。"
    record_services.record_dismiss(acting_user=approver, record_id=lead.pk, reason=reason)
    complaint.refresh_from_db()
    assert complaint.result_on == dt.date(2026, 3, 20)

    # The explanation to the complainant (N26) and the result to the hotline.
    explanation = Notice.objects.get(record=lead, type_code="N26")
    assert explanation.data["outcome_reasons"] == reason and "不属实" in explanation.data["outcome"]
    explanation = issue(explanation, approver=approver, officer=officer)
    text = pdf_text(bytes(explanation.pdf))
    assert "投诉办理结果告知书" in text and "投诉反映的问题不属实" in text and "李小明" in text
    result = Outbound.objects.get(key=f"complaint-{complaint.pk}-result")
    assert result.kind == "result" and result.stream == f"complaint-{complaint.pk}"
    assert result.payload["工单编号"] == "GD12345-2026-0001"
    assert result.payload["办结日期"] == "2026-03-20" and "不属实" in result.payload["办理结果"]
    assert list(
        Outbound.objects.filter(stream=f"complaint-{complaint.pk}").values_list("kind", flat=True)
    ) == [
        "accepted",
        "result",
    ]

    # 5. Both statuses reach the hotline's system, in order, each with its idempotency key.
    with hotline_server() as (url, received):
        configure_exchange(settings, {"hotline": {"transport": "hotline", "url": url}})
        deliver_outbox.delay().get()
    assert [(key, body["kind"]) for key, body in received] == [
        (f"complaint-{complaint.pk}-accepted", "accepted"),
        (f"complaint-{complaint.pk}-result", "result"),
    ]
    assert received[0][1]["受理"] == "受理" and "不属实" in received[1][1]["办理结果"]
    assert set(Outbound.objects.filter(channel="hotline").values_list("state", flat=True)) == {"DELIVERED"}


@contextlib.contextmanager
def hotline_server():
    """The 12345 system's status endpoint on 127.0.0.1: (its address, what it received)."""
    received = []

    class Hotline(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Idempotency-Key"], body))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hotline)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/status", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_retried_reaction_sends_no_second_result(officer, approver, unit, issuer, settings):
    """The follow-up is idempotent: the reaction retried after it ran changes nothing."""
    from casework.services import reactions

    operator = UserFactory(username="intake", roles=[Role.INTAKE_OPERATOR])
    settings.CHENGXIN_TODAY = "2026-03-02"
    token_client(integration_user()).post(
        "/api/complaints/hotline/", order(received_on="2026-03-02"), format="json"
    )
    complaint = Complaint.objects.get()
    api(operator).post(f"/work/complaints/{complaint.pk}/act/accept/", {"organisation": unit.pk})
    complaint.refresh_from_db()
    record_services.record_dismiss(acting_user=approver, record_id=complaint.lead_id, reason="经核查不属实。")
    from casework.models import Reaction

    dismissal = Reaction.objects.get(object_id=complaint.lead_id, step="dismiss")
    from django.db import transaction

    from exchange import reactions as exchange_reactions

    with transaction.atomic():
        exchange_reactions.react(dismissal)
    assert Outbound.objects.filter(kind="result").count() == 1
    assert Notice.objects.filter(type_code="N26").count() == 1
    assert reactions.handler() is exchange_reactions.react


@override_settings(CHENGXIN_TODAY="2026-03-02")
def test_the_settings_name_the_exchange_handler():
    from django.conf import settings

    assert settings.CHENGXIN["REACTIONS"] == "exchange.reactions.react"
