"""Periods that cannot be dodged: every filing whose lateness matters is judged on the day the
system receives it (casework.services.validation.filing_date), through the API, with the clock
moved past each window.

For each of the five filings (appeal, objection, extension request, repair application,
statement and defence):
  (a) the subject's late filing with a backdated date is refused naming the closed window and
      its end, and nothing is written (no row, no audit entry, no deadline);
  (b) the officer recording a paper filing received in time, with the reason, is accepted and
      its audit entry carries the day and the reason;
  (c) the officer's earlier day without a reason is refused naming the field;
  (d) the subject's filing in time, today, still works.

Must-show 4 of the issue is `test_must_show_4_...` (the 复审 of a civil servant).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import (
    Appeal,
    AuditEntry,
    Deadline,
    ExtensionRequest,
    Objection,
    Record,
    RepairApplication,
    Sanction,
)
from casework.roles import Role
from casework.services import accountability as acc_svc
from casework.services.records import disclosure

from . import lifecycle
from . import rectification_steps as rect_steps
from .accountability_steps import decision, served
from .api_fixtures import api
from .factories import UserFactory
from .repair_cases import effective_record

pytestmark = pytest.mark.django_db

REASON = "2026年10月8日收到邮寄的申请书（邮戳10月7日），当日系统维护未能录入。"


def set_today(settings, day: str) -> None:
    settings.CHENGXIN_TODAY = day


def written() -> dict:
    """What a refused filing must leave as it was."""
    return {
        "appeals": Appeal.objects.count(),
        "objections": Objection.objects.count(),
        "extensions": ExtensionRequest.objects.count(),
        "repairs": RepairApplication.objects.count(),
        "audit": AuditEntry.objects.count(),
        "deadlines": list(Deadline.objects.order_by("id").values_list("id", "status", "due_on")),
        "records": list(Record.objects.order_by("id").values_list("id", "state", "defence_statement")),
    }


def refused(response, field: str | None, detail: str | None = None, code: str | None = None) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field, body
    if detail is not None:
        assert body["detail"] == detail, body
    if code is not None:
        assert body["code"] == code, body


def paper_entry(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


# ── 复审 / 复核 / 申诉 ─────────────────────────────────────────────────────────────────


@pytest.fixture
def sanctioned(settings, officer, approver, unit, civil_servant):
    """A 记过 decided on Mon 2026-08-31, served on Tue 2026-09-01, in its period: the 复审
    window runs through Thu 2026-10-08 (scenario 20)."""
    set_today(settings, "2026-02-02")
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    set_today(settings, "2026-09-01")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[civil_servant.person],
        decisions=[decision(civil_servant.person, "DEMERIT")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    acc_svc.accountability_execute(acting_user=officer, accountability_id=case.pk)
    hr = UserFactory(roles=[Role.HR_ADMIN])
    acc_svc.accountability_start_period(acting_user=hr, accountability_id=case.pk)
    return Sanction.objects.get()


def appeal(user, sanction, **data):
    body = {"kind": "REVIEW", "grounds": "处分过重，情节认定有误。", **data}
    return api(user).post(f"/api/sanctions/{sanction.pk}/appeal/", body, format="json")


def test_must_show_4_late_backdated_review_by_the_civil_servant_refused_paper_review_by_officer_audited(
    settings, sanctioned, civil_servant, officer
):
    """The report: weeks after the 复审 window closed, the civil servant sends a `filed_on`
    inside it. Refused, naming the window and its last day; nothing is written. The officer
    who received the 复审 on paper in time records it with that day and the reason: accepted,
    due a month from the day it was received, and the audit entry says why."""
    set_today(settings, "2026-11-02")
    before = written()

    late = appeal(civil_servant, sanctioned, filed_on="2026-10-08")

    refused(late, "filed_on", "复审申请期已于2026年10月8日届满，不能再提出申请。", "window_closed")
    assert written() == before

    paper = appeal(officer, sanctioned, filed_on="2026-10-08", paper_filing_reason=REASON)

    assert paper.status_code == 201, paper.content
    assert paper.json()["filed_on"] == "2026-10-08"
    assert paper.json()["decision_due"] == "2026-11-09"  # 1 month from 10-08, off a Sunday
    entry = paper_entry("accountability.appeal")
    assert entry.actor == officer and entry.actor_role == Role.OFFICER
    assert entry.diff["paper_filing_reason"] == [None, REASON]
    assert entry.diff["paper_filing_received_on"] == [None, "2026-10-08"]


def test_an_officers_backdated_appeal_without_a_reason_is_refused_naming_the_field(
    settings, sanctioned, officer
):
    set_today(settings, "2026-11-02")
    before = written()
    refused(appeal(officer, sanctioned, filed_on="2026-10-08"), "paper_filing_reason", code="required")
    assert written() == before


def test_a_paper_appeal_received_after_the_window_is_refused_as_late(settings, sanctioned, officer):
    set_today(settings, "2026-11-02")
    late = appeal(officer, sanctioned, filed_on="2026-10-09", paper_filing_reason=REASON)
    refused(late, "filed_on", "复审申请期已于2026年10月8日届满，不能再提出申请。")
    assert not Appeal.objects.exists()


def test_a_civil_servants_appeal_in_time_counts_from_today(settings, sanctioned, civil_servant):
    set_today(settings, "2026-10-08")
    response = appeal(civil_servant, sanctioned)
    assert response.status_code == 201, response.content
    assert response.json()["filed_on"] == "2026-10-08"
    assert "paper_filing_reason" not in paper_entry("accountability.appeal").diff


def test_a_civil_servant_may_not_backdate_even_in_time_nor_date_forward(settings, sanctioned, civil_servant):
    """In time, an earlier day gains nothing but a decision due earlier than the rules say:
    refused naming the field, as is a day after today and a paper-filing note."""
    set_today(settings, "2026-10-08")
    refused(appeal(civil_servant, sanctioned, filed_on="2026-10-07"), "filed_on", code="backdated")
    refused(appeal(civil_servant, sanctioned, filed_on="2026-10-09"), "filed_on", code="future_date")
    refused(appeal(civil_servant, sanctioned, paper_filing_reason=REASON), "paper_filing_reason")
    assert not Appeal.objects.exists()


# ── 异议 ───────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def objectable(settings, officer, approver, unit):
    """An EFFECTIVE record of the unit (determined 2026-01-15, display until 2027-01-15)."""
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


def objection(user, record, **data):
    body = {"ground": "ERROR", "statement": "所列欠款已于判决前结清，认定事实有误。", **data}
    return api(user).post(f"/api/records/{record.pk}/objections/", body, format="json")


def test_an_objection_on_an_archived_record_is_refused_naming_the_closed_window(
    settings, objectable, liaison, officer
):
    """The window of an objection closes when the record is archived (DOMAIN §6.2 "When"):
    a backdated objection afterwards is refused naming that day; nothing is written."""
    set_today(settings, "2027-01-18")
    assert disclosure.records_expire_due(dt.date(2027, 1, 18)) == 1
    assert api(officer).post(f"/api/records/{objectable.pk}/archive/").status_code == 200
    archived_on = AuditEntry.objects.get(action="archive").created_at
    set_today(settings, "2027-02-01")
    before = written()

    late = objection(liaison, objectable, received_on="2027-01-15")

    day = timezone.localdate(archived_on)
    refused(late, "received_on", f"异议期已于{day.year}年{day.month}月{day.day}日届满，不能再提出异议。")
    assert written() == before


def test_a_paper_objection_recorded_late_starts_the_commissions_clock_on_the_day_received(
    settings, objectable, liaison, officer
):
    """The subject's backdated objection is refused naming the field; the officer records the
    one received on paper on Mon 03-02 with the reason: the 2-WD acceptance limit runs from
    that day, and is overdue already."""
    set_today(settings, "2026-03-10")
    before = written()
    refused(objection(liaison, objectable, received_on="2026-03-02"), "received_on", code="backdated")
    refused(objection(officer, objectable, received_on="2026-03-02"), "paper_filing_reason", code="required")
    assert written() == before

    paper = objection(officer, objectable, received_on="2026-03-02", paper_filing_reason=REASON)

    assert paper.status_code == 201, paper.content
    assert paper.json()["received_on"] == "2026-03-02"
    due = Deadline.objects.get(kind="objection_accept")
    assert (due.start_on, due.due_on) == (dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    entry = paper_entry("objection.file")
    assert entry.actor == officer and entry.diff["paper_filing_reason"] == [None, REASON]
    assert entry.diff["paper_filing_received_on"] == [None, "2026-03-02"]


def test_a_subjects_objection_today_is_received_today(settings, objectable, liaison):
    set_today(settings, "2026-03-10")
    response = objection(liaison, objectable)
    assert response.status_code == 201, response.content
    assert response.json()["received_on"] == "2026-03-10"


# ── 延期整改 ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def item(settings, officer, approver, unit):
    """An item served Tue 2026-09-01, due Thu 2026-10-08 (scenario 8); the overdue sweep has
    not run."""
    set_today(settings, "2026-09-01")
    rectification = rect_steps.in_progress(officer=officer, approver=approver, unit=unit)
    return rectification.items.get(number=1)


def extension(user, item, **data):
    body = {"days": 10, "reason": "涉及跨部门结算，需延期办理。", **data}
    return api(user).post(f"/api/rectification-items/{item.pk}/extension/", body, format="json")


def test_a_late_extension_request_backdated_by_the_liaison_is_refused_and_the_officers_paper_one_accepted(
    settings, item, liaison, officer
):
    set_today(settings, "2026-10-12")
    before = written()

    late = extension(liaison, item, received_on="2026-10-08")

    refused(late, "received_on", "整改期限已于2026年10月8日届满，不能再申请延期。", "window_closed")
    refused(extension(officer, item, received_on="2026-10-08"), "paper_filing_reason", code="required")
    assert written() == before

    paper = extension(officer, item, received_on="2026-10-08", paper_filing_reason=REASON)

    assert paper.status_code == 201, paper.content
    assert paper.json()["requested_on"] == "2026-10-08"
    assert Deadline.objects.get(kind="extension_decide").start_on == dt.date(2026, 10, 8)
    entry = paper_entry("extensionrequest.request")
    assert entry.actor == officer and entry.diff["paper_filing_reason"] == [None, REASON]


def test_the_liaisons_extension_request_on_the_last_day_is_received_that_day(settings, item, liaison):
    set_today(settings, "2026-10-08")
    response = extension(liaison, item)
    assert response.status_code == 201, response.content
    assert response.json()["requested_on"] == "2026-10-08"


# ── 信用修复 ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def repairable(settings, officer, approver, unit):
    """一般 record determined 2026-01-15: repair from 2026-04-16, display ends after
    2027-01-15 (scenario 13); the expiry sweep has not run yet."""
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


def repair(user, record, **data):
    body = {"commitment": "本单位承诺：已纠正失信行为，今后依法依规履约践诺。", **data}
    return api(user).post(f"/api/records/{record.pk}/repairs/", body, format="json")


def test_a_late_repair_application_backdated_by_the_unit_is_refused_and_the_officers_paper_one_accepted(
    settings, repairable, head, officer
):
    set_today(settings, "2027-01-20")
    before = written()

    late = repair(head, repairable, received_on="2027-01-15")

    refused(late, "received_on", "公示期已于2027年1月15日届满，不能再申请信用修复。", "window_closed")
    no_reason = repair(officer, repairable, received_on="2027-01-15", commitment_signed_by=head.pk)
    refused(no_reason, "paper_filing_reason", code="required")
    assert written() == before

    paper = repair(
        officer,
        repairable,
        received_on="2027-01-15",
        commitment_signed_by=head.pk,
        paper_filing_reason=REASON,
    )

    assert paper.status_code == 201, paper.content
    body = paper.json()
    assert body["submitted_on"] == "2027-01-15" and body["state"] == "ACCEPTED"
    assert Deadline.objects.get(kind="repair_answer").start_on == dt.date(2027, 1, 15)
    entry = paper_entry("repairapplication.apply")
    assert entry.actor == officer and entry.diff["paper_filing_reason"] == [None, REASON]


def test_the_units_repair_application_in_time_is_received_today(settings, repairable, head):
    set_today(settings, "2026-06-17")
    response = repair(head, repairable)
    assert response.status_code == 201, response.content
    assert response.json()["submitted_on"] == "2026-06-17"


# ── 陈述申辩 ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def notified(settings, officer, approver, unit):
    """The prior notice served Mon 2026-01-05: the 5-WD defence window ends Mon 01-12."""
    set_today(settings, "2026-01-05")
    return lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)


def defence(user, record, **data):
    body = {"statement": "该款项已于 1 月 3 日支付，请予核实。", **data}
    return api(user).post(f"/api/records/{record.pk}/submit-defence/", body, format="json")


def test_a_late_defence_backdated_by_the_liaison_is_refused_and_the_officers_paper_one_accepted(
    settings, notified, liaison, officer
):
    assert Deadline.objects.get(kind="defence_window", status="OPEN").due_on == dt.date(2026, 1, 12)
    set_today(settings, "2026-01-20")
    before = written()

    late = defence(liaison, notified, received_on="2026-01-12")

    # The subject's form has no date: the closed window is no input's fault.
    refused(late, None, "陈述申辩期已于2026年1月12日届满，不能再提交陈述申辩。", "window_closed")
    refused(defence(liaison, notified), None, code="window_closed")  # today: late as well
    refused(defence(officer, notified), "received_on", code="window_closed")  # staff: today is late
    refused(defence(officer, notified, received_on="2026-01-12"), "paper_filing_reason", code="required")
    assert written() == before

    paper = defence(officer, notified, received_on="2026-01-12", paper_filing_reason=REASON)

    assert paper.status_code == 200, paper.content
    assert paper.json()["state"] == "PROPOSED"
    entry = paper_entry("submit_defence")
    assert entry.actor == officer and entry.diff["paper_filing_reason"] == [None, REASON]
    assert entry.diff["paper_filing_received_on"] == [None, "2026-01-12"]
    assert "received_on" not in entry.diff  # the record's own (its lead's) is untouched


def test_the_liaisons_defence_in_the_window_is_received_today(settings, notified, liaison):
    set_today(settings, "2026-01-12")
    response = defence(liaison, notified)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "PROPOSED"
    assert "paper_filing_received_on" not in paper_entry("submit_defence").diff


# ── the forms: the officer's has the paper filing, the subject's no date at all ──────────


@pytest.mark.parametrize(
    ("who", "shown"),
    [("liaison", False), ("officer", True)],
)
def test_only_the_officers_defence_form_asks_for_the_day_received_and_the_paper_filing_reason(
    settings, notified, liaison, officer, who, shown
):
    set_today(settings, "2026-01-08")
    user = {"liaison": liaison, "officer": officer}[who]
    client = api()
    client.force_login(user)
    url = reverse("case-action", kwargs={"kind": "cases", "pk": notified.pk, "step": "submit-defence"})
    page = client.get(url).content.decode()
    assert 'name="statement"' in page
    assert ('name="received_on"' in page) is shown
    assert ('name="paper_filing_reason"' in page) is shown


def test_the_officer_records_a_paper_review_through_the_form(settings, sanctioned, civil_servant, officer):
    set_today(settings, "2026-11-02")
    url = reverse("case-action", kwargs={"kind": "sanctions", "pk": sanctioned.pk, "step": "appeal"})
    own = api()
    own.force_login(civil_servant)
    assert 'name="filed_on"' not in own.get(url).content.decode()
    client = api()
    client.force_login(officer)
    assert 'name="paper_filing_reason"' in client.get(url).content.decode()
    form = {
        "kind": "REVIEW",
        "grounds": "处分过重。",
        "filed_on": "2026-10-08",
        "paper_filing_reason": REASON,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Appeal.objects.get().filed_on == dt.date(2026, 10, 8)
