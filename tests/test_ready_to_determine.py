"""A case ready to decide is listed, and its time limit kept (DOMAIN §5.1 T7: the
determination within 10 working days after the defence window).

Once the prior notice's defence window has closed with no statement and defence, the case
waits for the approver's 认定: it is in their 待核准 queue under 待认定 (not in the queue of
the approver who proposed it: separation of duties) and counted on the dashboard; its
`determination` time limit, opened with the window, is the case list's 下一期限 after the
window, met by the determination and cancelled when the case goes back (a defence, 退回,
修改拟认定, 不予认定). Through the pages and the API, as the users take them.

The prior notice is served on Mon 2026-01-05: the window runs to Mon 01-12, the
determination is due 10 working days later, Mon 01-26.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Deadline, Record
from casework.roles import Role

from . import lifecycle, notice_cases
from .api_fixtures import api
from .factories import UserFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 1, 26)
REASON = "事实部分需补充核实付款凭证。"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue(client: Client) -> str:
    html = client.get("/work/approvals/").content.decode()
    return re.search(r'id="determinations-title".*?</section>', html, re.S).group()


def determination(record) -> Deadline:
    return Deadline.objects.filter(record=record, kind="determination").order_by("-pk").first()


@pytest.fixture
def notified(settings, officer, approver, unit):
    notice_cases.make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-05"
    return lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, content="甲局拖欠工程款。"
    )


def test_the_determination_is_due_ten_working_days_after_the_window(notified):
    deadline = determination(notified)
    assert deadline.status == "OPEN" and deadline.start_on == dt.date(2026, 1, 12)
    assert deadline.due_on == DUE and deadline.label == "申辩期满后作出认定"


def test_inside_the_window_the_case_is_not_ready_to_determine(settings, notified, approver):
    settings.CHENGXIN_TODAY = "2026-01-12"
    listed = queue(signed_in(approver))
    assert notified.reference not in listed and "待认定（0 件）" in listed


def test_after_the_window_the_approver_finds_it_under_determinations_and_decides_it(
    settings, notified, approver, officer
):
    settings.CHENGXIN_TODAY = "2026-01-13"
    client = signed_in(approver)

    listed = queue(client)
    assert "待认定（1 件）" in listed and notified.reference in listed
    assert "2026-01-12" in listed and "2026-01-26" in listed
    determine = reverse("case-action", kwargs={"kind": "cases", "pk": notified.pk, "step": "determine"})
    assert determine in listed
    dashboard = client.get("/work/").content.decode()
    card = re.search(r'<a class="count[^"]*" href="/work/approvals/">.*?</a>', dashboard, re.S).group()
    assert '<span class="number">1</span>' in card and "待认定 1 件" in card
    cases = client.get("/work/cases/").content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{notified.reference}.*?</tr>", cases, re.S).group()
    assert "2026-01-26" in row and "申辩期满后作出认定" in row

    response = client.post(determine, {"determination_date": "2026-01-13"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Record.objects.get(pk=notified.pk).state == "DETERMINED"
    assert determination(notified).status == "MET"
    assert notified.reference not in queue(client)


def test_the_approver_who_proposed_it_does_not_find_it(settings, approver, unit):
    notice_cases.make_issuer()
    settings.CHENGXIN_TODAY = "2026-01-05"
    dual = UserFactory(username="dual", roles=[Role.OFFICER, Role.APPROVER])
    record = lifecycle.pre_notice(officer=dual, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2026-01-13"
    assert record.reference not in queue(signed_in(dual))
    assert record.reference in queue(signed_in(approver))


def test_a_late_determination_is_flagged_in_the_queue(settings, notified, approver):
    settings.CHENGXIN_TODAY = "2026-01-27"
    listed = queue(signed_in(approver))
    assert notified.reference in listed and "已逾期" in listed


def test_a_defence_in_the_window_cancels_the_determination_limit(settings, notified, liaison, approver):
    settings.CHENGXIN_TODAY = "2026-01-09"
    response = api(liaison).post(
        f"/api/records/{notified.pk}/submit-defence/",
        {"statement": "款项已于 1 月 3 日支付，附银行回单。"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert determination(notified).status == "CANCELLED"
    settings.CHENGXIN_TODAY = "2026-01-13"
    assert notified.reference not in queue(signed_in(approver))


@pytest.mark.parametrize(
    ("who", "step", "body"),
    [
        ("approver", "return-proposal", {"reason": REASON}),
        ("approver", "dismiss", {"reason": REASON}),
        (
            "officer",
            "amend-proposal",
            {"reason": REASON, "facts": "该单位在政府采购合同履约中拖欠中小企业账款 120 万元。"},
        ),
    ],
)
def test_a_case_sent_back_no_longer_owes_a_determination(
    settings, notified, officer, approver, who, step, body
):
    settings.CHENGXIN_TODAY = "2026-01-13"
    user = {"officer": officer, "approver": approver}[who]
    response = api(user).post(f"/api/records/{notified.pk}/{step}/", body, format="json")
    assert response.status_code == 200, response.content
    assert determination(notified).status == "CANCELLED"
    assert notified.reference not in queue(signed_in(approver))
