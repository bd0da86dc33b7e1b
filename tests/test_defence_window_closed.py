"""Once the defence window closed, the subject is no longer offered 提交陈述申辩.

One guard (casework.services.records.submit_defence_refusal) decides for the service, the
case page, the unit's /unit/, the inbox's 本单位应办事项 (workflows.owed) and the civil
servant's /me/: inside the window the subject is offered the step everywhere; after it,
nowhere, and a form sent from a page opened before the window closed is refused with the
closed window as a message of the page, never on an input the subject's form does not have
(收件日期). The officer still records a defence received on paper in time.

The prior notice is served on Mon 2026-01-05: the five-working-day window runs to Mon 01-12.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import AuditEntry, Record

from . import lifecycle, notice_cases
from .api_fixtures import api

pytestmark = pytest.mark.django_db

STATEMENT = "该款项已于 1 月 3 日支付，附银行回单，请予核实。"
CLOSED = "陈述申辩期已于2026年1月12日届满，不能再提交陈述申辩。"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def defence_url(record) -> str:
    return reverse("case-action", kwargs={"kind": "cases", "pk": record.pk, "step": "submit-defence"})


def section(html: str, title_id: str) -> str:
    found = re.search(rf'id="{title_id}".*?</section>', html, re.S)
    return found.group() if found else ""


def offered(client: Client, record) -> list[str]:
    """The labels of the buttons under 现在可办理 on the case page."""
    html = client.get(reverse("case-detail", args=[record.pk])).content.decode()
    start = html.index(">现在可办理</h2>")
    block = html[start : html.find("</section>", start)]
    return re.findall(r'class="button[^"]*" href="[^"]+">([^<]+)</a>', block)


@pytest.fixture
def notified(settings, officer, approver, unit):
    notice_cases.make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-05"
    return lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)


def test_inside_the_window_the_unit_is_offered_the_defence_everywhere(settings, notified, liaison):
    settings.CHENGXIN_TODAY = "2026-01-12"  # the window's last day
    client = signed_in(liaison)
    assert defence_url(notified) in section(client.get("/unit/").content.decode(), "answers-title")
    assert notified.reference in section(client.get("/inbox/").content.decode(), "owed-title")
    assert "提交陈述申辩" in offered(client, notified)
    assert 'name="statement"' in client.get(defence_url(notified)).content.decode()


def test_after_the_window_the_unit_is_offered_it_nowhere_and_its_form_says_why(settings, notified, liaison):
    settings.CHENGXIN_TODAY = "2026-01-13"
    client = signed_in(liaison)

    unit_page = client.get("/unit/").content.decode()
    assert defence_url(notified) not in unit_page
    assert notified.reference not in section(unit_page, "answers-title")
    assert "目前没有需要答复的文书。" in unit_page
    inbox = client.get("/inbox/").content.decode()
    assert notified.reference not in section(inbox, "owed-title")
    assert "提交陈述申辩" not in offered(client, notified)

    form = client.get(defence_url(notified)).content.decode()
    assert CLOSED in form and 'name="statement"' not in form


def test_a_defence_sent_from_a_page_opened_in_time_is_refused_without_naming_a_missing_field(
    settings, notified, liaison
):
    settings.CHENGXIN_TODAY = "2026-01-12"
    client = signed_in(liaison)
    assert 'name="statement"' in client.get(defence_url(notified)).content.decode()
    entries = AuditEntry.objects.count()

    settings.CHENGXIN_TODAY = "2026-01-13"  # the page stayed open overnight
    response = client.post(defence_url(notified), {"statement": STATEMENT}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("case-detail", args=[notified.pk])
    assert CLOSED in html and "收件日期" not in html
    assert Record.objects.get(pk=notified.pk).defence_statement == ""
    assert AuditEntry.objects.count() == entries


def test_the_service_refuses_the_subjects_late_defence_as_no_inputs_fault(settings, notified, liaison):
    settings.CHENGXIN_TODAY = "2026-01-13"
    response = api(liaison).post(
        f"/api/records/{notified.pk}/submit-defence/", {"statement": STATEMENT}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": CLOSED, "code": "window_closed", "field": None}


def test_the_officer_still_records_a_paper_defence_received_in_time(settings, notified, officer, liaison):
    settings.CHENGXIN_TODAY = "2026-01-20"
    client = signed_in(officer)
    assert "提交陈述申辩" in offered(client, notified)
    form = client.get(defence_url(notified)).content.decode()
    assert 'name="received_on"' in form and 'name="paper_filing_reason"' in form

    response = client.post(
        defence_url(notified),
        {
            "statement": STATEMENT,
            "received_on": "2026-01-12",
            "paper_filing_reason": "1 月 12 日邮寄送达的书面陈述申辩，今日补录。",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    record = Record.objects.get(pk=notified.pk)
    assert record.state == "PROPOSED" and record.defence_statement == STATEMENT


def test_the_civil_servant_is_offered_the_defence_on_me_only_inside_the_window(
    settings, officer, approver, civil_servant
):
    notice_cases.make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-05"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, person=civil_servant.person, served_on=dt.date(2026, 1, 5)
    )
    client = signed_in(civil_servant)
    settings.CHENGXIN_TODAY = "2026-01-09"
    assert defence_url(record) in client.get("/me/").content.decode()
    settings.CHENGXIN_TODAY = "2026-01-13"
    assert defence_url(record) not in client.get("/me/").content.decode()
