"""The civil servant's pages (issue 5 item 3; DOMAIN §2 R7, §6.5, §9.5): /me/ shows the
person's own records, integrity file, filings and notices and nothing of anyone else's; the
repair page explains each condition and the earliest date (scenario 13), and offers the
application only once every condition is met; someone else's record answers 404."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Sanction
from casework.roles import Role
from casework.services import repair
from casework.services.accountability import appeals

from . import lifecycle, notice_cases
from .accountability_steps import decision, served
from .factories import PersonFactory, UserFactory
from .objection_steps import filed
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

HOME = "/me/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user, url: str, status: int = 200) -> str:
    response = signed_in(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def colleague(unit):
    """Another civil servant of the same unit, with a record and an objection of their own."""
    person = PersonFactory(unit=unit, name="李四")
    return UserFactory(username="colleague", person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])


@pytest.fixture
def world(fixed_today, officer, approver, unit, liaison, civil_servant, colleague):
    """Three records of unit 甲局: one about the civil servant, one about a colleague, one
    about the unit itself; each subject objected to its own, and each has an issued notice."""
    notice_cases.make_issuer()
    own = lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person, category="DIS")
    theirs = lifecycle.effective(
        officer=officer, approver=approver, person=colleague.person, category="DIS", content="李四另案。"
    )
    units = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="单位案。")
    filed(subject=civil_servant, record=own, statement="处分所依据的事实有误，相关款项系他人经手。")
    filed(subject=colleague, record=theirs, statement="李四的异议：记录中的日期有误。")
    filed(subject=liaison, record=units, statement="单位的异议：款项已全部支付。")
    notices = {
        name: notice_cases.issued(
            officer=officer,
            approver=approver,
            record=record,
            type_code="N3",
        )
        for name, record in (("own", own), ("theirs", theirs), ("units", units))
    }
    return {"own": own, "theirs": theirs, "units": units, "notices": notices}


# ── /me/ ───────────────────────────────────────────────────────────────────────────


def test_me_shows_the_civil_servants_own_record_filing_file_and_notice(civil_servant, world):
    html = page(civil_servant, HOME)
    own = world["own"]
    assert "我的诚信档案" in html and "张三" in html
    assert own.reference in html
    assert "处分所依据的事实有误" not in html  # the statement stays on the case page
    assert "不符合列入条件或应当移出" in html  # the ground of the objection they filed
    assert "已提交" in html  # its state
    assert world["notices"]["own"].number in html
    assert reverse("notice-pdf", args=[world["notices"]["own"].pk]) in html
    assert reverse("me-repair-eligibility", args=[own.pk]) in html
    assert reverse("case-detail", args=[own.pk]) in html


def test_me_shows_nothing_of_a_colleagues_or_the_units_case(civil_servant, world):
    html = page(civil_servant, HOME)
    for other in ("theirs", "units"):
        assert world[other].reference not in html
        assert world["notices"][other].number not in html
    assert "李四" not in html


def test_the_integrity_file_shows_each_record_with_its_state(civil_servant, world):
    html = page(civil_servant, HOME)
    summary = html.split('id="file-heading"', 1)[1].split('id="records-heading"', 1)[0]
    assert world["own"].reference in summary and "生效" in summary
    assert "无处分决定" in summary


def test_me_without_records_says_so(civil_servant, fixed_today):
    html = page(civil_servant, HOME)
    assert "目前没有关于您的失信记录" in html
    assert "您还没有提交过" in html


def test_me_shows_the_persons_sanction_and_their_own_appeal(
    officer, approver, unit, civil_servant, colleague, fixed_today
):
    """A 警告 on both in one case on the unit's record; only the civil servant appealed."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    people = [civil_servant.person, colleague.person]
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=people,
        unit=unit,
        decisions=[decision(p, "WARNING") for p in people],
        decided_on=dt.date(2026, 1, 30),
        served_on=dt.date(2026, 2, 2),
    )
    appeals.accountability_appeal(
        acting_user=civil_servant,
        sanction_id=Sanction.objects.get(person=civil_servant.person).pk,
        kind="REVIEW",
        filed_on=dt.date(2026, 2, 2),
        grounds="处分过重。",
    )

    html = page(civil_servant, HOME)

    summary = html.split('id="file-heading"', 1)[1].split('id="records-heading"', 1)[0]
    assert "警告" in summary and "执行中" in summary
    filed_table = html.split('id="filed-heading"', 1)[1].split('id="notices-heading"', 1)[0]
    assert "复审（警告）" in filed_table and "2026-02-02" in filed_table
    assert filed_table.count("<tr>") == 2  # the header and their own appeal
    assert record.reference not in html and "李四" not in html  # the unit's record is not theirs


def test_me_offers_the_appeal_of_a_sanction_on_the_units_case(
    officer, approver, unit, civil_servant, colleague, fixed_today
):
    """The unit's case page is not theirs (404), so their own sanction and its appeal form
    are reached from /me/; the colleague's sanction is not listed."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    people = [civil_servant.person, colleague.person]
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=people,
        unit=unit,
        decisions=[decision(p, "WARNING") for p in people],
        decided_on=dt.date(2026, 1, 30),
        served_on=dt.date(2026, 2, 2),
    )
    own = Sanction.objects.get(person=civil_servant.person)
    theirs = Sanction.objects.get(person=colleague.person)

    html = page(civil_servant, HOME)

    section = html.split('id="sanctions-heading"', 1)[1].split('id="filed-heading"', 1)[0]
    appeal_url = reverse("case-action", kwargs={"kind": "sanctions", "pk": own.pk, "step": "appeal"})
    assert appeal_url in section and "警告" in section
    assert reverse("case-action", kwargs={"kind": "sanctions", "pk": theirs.pk, "step": "appeal"}) not in html
    client = Client()
    client.force_login(civil_servant)
    assert client.get(appeal_url).status_code == 200
    assert client.get(reverse("case-detail", args=[record.pk])).status_code == 404


@pytest.mark.parametrize("who", ["officer", "approver", "liaison"])
def test_me_is_another_roles_page_for_anyone_but_a_civil_servant(request, who):
    assert "无权访问此页面" in page(request.getfixturevalue(who), HOME, status=403)


def test_anonymous_is_asked_to_sign_in(db):
    response = Client().get(HOME)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ── the repair conditions (scenario 13) ──────────────────────────────────────────────


@pytest.fixture
def general(settings, officer, approver, civil_servant):
    """一般 record about the civil servant determined Thu 2026-01-15: minimum period to 04-15."""
    return effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=civil_servant.person,
        category="DIS",
        determined_on=dt.date(2026, 1, 15),
    )


def conditions(html: str) -> list[tuple[str, str, str]]:
    """(class, label, result) of each condition listed on the page, in order."""
    found = re.findall(
        r'<li class="(met|unmet)">.*?<strong>(.*?)</strong>\s*<span class="me-result">(.*?)</span>',
        html,
        re.S,
    )
    assert len(found) == 7
    return found


def repair_page(record) -> str:
    return reverse("me-repair-eligibility", args=[record.pk])


def test_before_the_earliest_date_each_condition_and_the_date_show_and_no_apply_link(
    settings, civil_servant, general
):
    set_today(settings, "2026-04-15")
    html = page(civil_servant, repair_page(general))
    assert "暂不能申请信用修复" in html
    assert "最早可申请日期：<strong>2026-04-16</strong>" in html
    assert conditions(html) == [
        ("met", "失信记录处于生效状态", "已满足"),
        ("met", "不属于不予修复情形", "已满足"),
        ("unmet", "最短公示期已满", "未满足"),
        ("met", "不在修复欺诈限制期内", "已满足"),
        ("met", "关联整改已验收销号", "已满足"),
        ("met", "法定义务已履行完毕", "已满足"),
        ("met", "问责决定已执行", "已满足"),
    ]
    assert "最短公示期至 2026-04-15 届满，2026-04-16 起方可申请。" in html
    assert "/act/" not in html and "申请信用修复</a>" not in html


def test_from_the_earliest_date_the_page_offers_the_application(settings, civil_servant, general):
    set_today(settings, "2026-04-16")
    html = page(civil_servant, repair_page(general))
    assert "现在可以申请信用修复" in html
    assert {met for met, _label, _result in conditions(html)} == {"met"}
    assert f"/work/cases/{general.pk}/act/" in html and "申请信用修复</a>" in html


def test_a_pending_application_shows_instead_of_a_second_apply_link(settings, civil_servant, general):
    set_today(settings, "2026-04-16")
    repair.repair_apply(acting_user=civil_servant, record_id=general.pk, commitment="本人承诺依法履职。")
    html = page(civil_servant, repair_page(general))
    assert "已有办理中的信用修复申请" in html and "已受理" in html
    assert "/act/" not in html


def test_someone_elses_record_answers_404_like_a_missing_one(settings, general, colleague, liaison):
    for user in (colleague, liaison):  # another civil servant; the unit's liaison (a person's record)
        hidden = page(user, repair_page(general), status=404)
        missing = page(user, reverse("me-repair-eligibility", args=[general.pk + 1000]), status=404)
        assert general.reference not in hidden
        assert main(hidden) == main(missing)


def test_staff_read_the_conditions_without_an_apply_link(settings, officer, general):
    set_today(settings, "2026-04-16")
    html = page(officer, repair_page(general))
    assert "现在可以申请信用修复" in html
    assert "/act/" not in html  # applying is the subject's step
