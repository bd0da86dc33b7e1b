"""The case page (`/work/cases/<pk>/`) and the notice pages (`/work/notices/<pk>/`, its PDF)
as each signed-in role sees them (issue #5 item 1): the record, its sub-processes with
their deadlines, the timeline, the notices, and only the actions this user may take now.

Cases are built through the real services; pages are read through the signed-in client."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Deadline
from casework.roles import Role
from notices.models import Notice

from . import lifecycle
from .factories import PersonFactory, UserFactory
from .notice_cases import issue
from .objection_steps import accepted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def page(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


def case(user, record):
    return page(user, reverse("case-detail", args=[record.pk]))


def text(response) -> str:
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def section(response, heading: str) -> str:
    """The text of the page section under the heading `heading`."""
    html = response.content.decode()
    start = html.index(f">{heading}</h2>")
    end = html.find("</section>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def action_labels(response, heading: str = "现在可办理") -> list[str]:
    html = response.content.decode()
    start = html.index(f">{heading}</h2>")
    block = html[start : html.find("</section>", start)]
    return re.findall(r'class="button[^"]*" href="[^"]+">([^<]+)</a>', block)


# ── the actions: each role sees its own steps only ───────────────────────────────


def test_officer_and_approver_each_see_their_own_step_on_a_proposal(officer, approver, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    officer_actions, approver_actions = (
        action_labels(case(officer, record)),
        action_labels(case(approver, record)),
    )
    assert "修改拟认定" in officer_actions and "批准事前告知" not in officer_actions
    assert "批准事前告知" in approver_actions
    # No statement and defence to answer yet (tests/test_answer_defence_offer.py).
    assert "答复陈述申辩" not in officer_actions + approver_actions
    assert "认定" not in officer_actions + approver_actions  # not from 拟认定
    # The ways out: the officer amends the proposal, the approver returns or dismisses it.
    assert "修改拟认定" in officer_actions and "修改拟认定" not in approver_actions
    assert {"退回拟认定", "不予认定"} <= set(approver_actions)
    assert not {"退回拟认定", "不予认定"} & set(officer_actions)


def test_the_unit_may_defend_once_told_and_sees_no_internal_details(officer, approver, unit, liaison, issuer):
    # Told on 01-28: today (02-02) is inside the five-working-day window.
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 1, 28)
    )
    shown = case(liaison, record)
    assert shown.status_code == 200
    assert action_labels(shown) == ["提交陈述申辩", "上传附件"]
    body = text(shown)
    assert record.lead_content not in body  # the raw complaint is the commission's
    assert "变更明细" not in body and "IP 地址" not in body
    assert "失信记录事前告知书" in section(shown, "文书")  # told: served on the unit
    staff = case(officer, record)
    assert record.lead_content in text(staff) and "变更明细" in text(staff)
    assert "失信记录事前告知书" in section(staff, "文书") and "已送达" in section(staff, "文书")


def test_before_the_prior_notice_is_served_nobody_is_offered_the_defence_or_the_determination(
    officer, approver, unit, liaison, issuer
):
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    assert "提交陈述申辩" not in action_labels(case(liaison, record))
    assert "失信记录事前告知书" not in section(case(liaison, record), "文书")  # a draft: the commission's
    assert "认定" not in action_labels(case(approver, record))
    staff = case(officer, record)
    assert "失信记录事前告知书" in section(staff, "文书") and "草稿" in section(staff, "文书")


def test_the_case_page_shows_the_record_and_its_timeline_oldest_first(officer, approver, unit, issuer):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    shown = case(officer, record)
    record_text = section(shown, "失信记录")
    for fact in (unit.name, unit.credit_code, "未守信践诺", "政府采购", "一般", record.facts, "M01"):
        assert fact in record_text, fact
    assert "最短至 2026-04-15，最长至 2027-01-15" in record_text
    steps = re.findall(r'<p class="what"><strong>([^<]+)</strong>', shown.content.decode())
    assert steps[:5] == ["登记线索", "开始核查", "提出拟认定", "批准事前告知", "拟稿文书"]
    assert steps.index("认定") > steps.index("登记事前告知书送达") > steps.index("批准事前告知")
    timeline = section(shown, "办理经过")
    assert f"{approver.get_full_name()}（审批人员）" in timeline and "事前告知 → 已认定" in timeline


def test_an_open_deadline_shows_its_due_date_and_is_marked_overdue(officer, approver, unit):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    shown = case(officer, record)
    assert re.search(r'<li class="overdue">\s*<span class="what">认定后送达</span>', shown.content.decode())
    assert "2026-01-26" in text(shown) and "已逾期 5 个工作日" in text(shown)  # 7 calendar days


def test_a_provisional_deadline_says_so(officer, approver, unit):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    # The calendar marks a deadline reaching an unloaded year provisional; here, by hand.
    Deadline.objects.filter(record=record, status="OPEN").update(provisional=True)
    assert '<span class="badge provisional"' in case(officer, record).content.decode()


def test_an_objection_in_progress_flags_the_record_and_offers_its_next_step(officer, approver, unit, liaison):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    accepted(subject=liaison, officer=officer, record=record)
    shown = case(officer, record)
    assert '<span class="badge objection">异议处理中</span>' in shown.content.decode()
    objections = section(shown, "异议")
    assert "已受理" in objections and "开始核查" in objections
    unit_view = case(liaison, record)
    assert "异议处理中" in text(unit_view) and "开始核查" not in section(unit_view, "异议")
    assert action_labels(unit_view) == ["提出异议", "申请信用修复", "上传附件"]


def test_a_civil_servant_sees_their_record_without_any_id_number(officer, approver, civil_servant):
    person = civil_servant.person
    record = lifecycle.effective(officer=officer, approver=approver, person=person, category="DIS")
    own = case(civil_servant, record)
    assert own.status_code == 200
    assert (
        person.id_number not in own.content.decode() and person.masked_id_number not in own.content.decode()
    )
    assert "提出异议" in action_labels(own) and "更正" not in action_labels(own)
    # PIPL: the officer sees the masked number and the way to read it in full with a reason
    officer_view = section(case(officer, record), "失信记录")
    assert person.masked_id_number in officer_view and person.id_number not in officer_view


def test_someone_elses_case_is_a_404_like_a_missing_one(
    officer, approver, unit, other_liaison, unit_colleague
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    missing = page(other_liaison, reverse("case-detail", args=[record.pk + 1000]))
    for outsider in (other_liaison, unit_colleague):
        hidden = case(outsider, record)
        assert hidden.status_code == 404 and record.reference not in hidden.content.decode()
        assert text(hidden) == text(missing)


@pytest.fixture
def unit_colleague(unit):
    """A civil servant of the unit who has nothing to do with the unit's record."""
    person = PersonFactory(unit=unit, name="王五")
    return UserFactory(person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])


# ── notices: the page, its PDF, scoped like the API ──────────────────────────────


def test_notices_are_listed_only_when_visible_and_link_to_their_page(
    officer, approver, unit, liaison, issuer
):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    n2 = issue(officer=officer, approver=approver, notice=Notice.objects.get(record=record, type_code="N2"))
    listed = section(case(liaison, record), "文书")
    assert "政务失信记录告知书" in listed and "信用修复告知书" not in listed  # N3: still a draft
    assert reverse("notice-page", args=[n2.pk]) in case(liaison, record).content.decode()


def test_the_notice_page_offers_each_role_its_step(officer, approver, unit, issuer):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    n2 = Notice.objects.get(record=record, type_code="N2")
    url = reverse("notice-page", args=[n2.pk])
    assert action_labels(page(approver, url)) == ["核准文书", "作废文书"]
    # a draft is the officer's to complete or correct
    assert action_labels(page(officer, url)) == ["完善草稿", "作废文书"]
    assert "预览样稿（PDF）" in text(page(officer, url))


def test_notice_page_and_pdf_are_scoped_like_the_api(officer, approver, unit, liaison, other_liaison, issuer):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    n2 = issue(officer=officer, approver=approver, notice=Notice.objects.get(record=record, type_code="N2"))
    n3 = Notice.objects.get(record=record, type_code="N3")  # a draft
    for url in (reverse("notice-page", args=[n2.pk]), reverse("notice-pdf", args=[n2.pk])):
        assert page(liaison, url).status_code == 200
        assert page(other_liaison, url).status_code == 404
    assert page(liaison, reverse("notice-page", args=[n3.pk])).status_code == 404
    assert page(liaison, reverse("notice-pdf", args=[n3.pk])).status_code == 404
    stored = page(liaison, reverse("notice-pdf", args=[n2.pk]))
    assert stored["Content-Type"] == "application/pdf" and stored.content == bytes(n2.pdf)
    assert n2.number in text(page(liaison, reverse("notice-page", args=[n2.pk])))
    preview = page(officer, reverse("notice-pdf", args=[n3.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert "%E6%A0%B7%E7%A8%BF" in preview["Content-Disposition"]  # 样稿: the watermarked preview


def test_serving_is_offered_once_the_pdf_is_stored(officer, approver, unit, issuer):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    n2 = issue(officer=officer, approver=approver, notice=Notice.objects.get(record=record, type_code="N2"))
    assert "送达文书" in action_labels(page(officer, reverse("notice-page", args=[n2.pk])))
    assert n2.issued_on == dt.date(2026, 2, 2)
