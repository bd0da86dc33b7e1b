"""Review of issue #3 (domain correctness and transactional safety): each test here failed
before its fix. Who may act for whom, which clock the subject may set, and what a
revocation must leave behind (nothing running that a sweep could report overdue)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from casework.lifecycle import ItemState, RectificationState
from casework.models import (
    Accountability,
    Appeal,
    AuditEntry,
    Deadline,
    ExtensionRequest,
    Objection,
    Record,
    Sanction,
)
from casework.roles import Role
from casework.services import deadlines as deadline_svc
from casework.services import objections
from casework.services.records import decided
from casework.services.rectification import extension as ext
from casework.services.rectification import sweeps as rectification_sweeps

from . import lifecycle
from . import rectification_steps as steps
from .accountability_steps import decision, opened, served, set_today
from .api_fixtures import api, db_state
from .factories import PersonFactory, UserFactory
from .objection_steps import STATEMENT, filed
from .test_subprocess_scenarios_end_to_end import step

pytestmark = pytest.mark.django_db


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ── appeals are the sanctioned person's own (DOMAIN §2 R7; S14 Art 55, S16 Art 95) ──────


def test_the_units_liaison_cannot_appeal_a_sanction_on_one_of_its_civil_servants(
    settings, officer, approver, unit, liaison, civil_servant
):
    """A 政务处分 on a person is appealed by that person (R7 "appeal"); R5 acts "for the
    unit" only. The liaison sees the case against the unit but may not appeal for a
    colleague: 403, and nothing is stored."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    colleague = PersonFactory(unit=unit)
    set_today(settings, "2026-09-10")
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[civil_servant.person, colleague],
        unit=unit,
        decisions=[decision(civil_servant.person, "DEMERIT"), decision(colleague, "WARNING")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    body = {"kind": "REVIEW", "filed_on": "2026-09-10", "grounds": "单位认为处理过重。"}
    entries = AuditEntry.objects.count()
    for sanction in Sanction.objects.all():
        response = api(liaison).post(f"/api/sanctions/{sanction.pk}/appeal/", body, format="json")
        assert response.status_code == 403, response.data
        assert "本人" in response.data["detail"]
    assert not Appeal.objects.exists() and AuditEntry.objects.count() == entries

    mine = Sanction.objects.get(person=civil_servant.person)
    response = api(civil_servant).post(f"/api/sanctions/{mine.pk}/appeal/", body, format="json")
    assert response.status_code == 201, response.data


# ── the objection's clocks start when the commission receives the filing (DOMAIN §7 rule 5) ──


@pytest.fixture
def record(settings, officer, approver, unit):
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2026-06-10"
    return record


def test_the_subject_cannot_backdate_the_receipt_of_its_objection(liaison, record):
    """Filed on 2026-06-10 claiming receipt on 06-01: the 2-WD acceptance limit would be
    overdue before an officer ever saw it. Refused naming the field; nothing stored."""
    before = db_state(record.pk)
    response = api(liaison).post(
        f"/api/records/{record.pk}/objections/",
        {"ground": "CONDITIONS", "statement": STATEMENT, "received_on": "2026-06-01"},
        format="json",
    )
    assert (response.status_code, response.data["field"]) == (400, "received_on"), response.data
    assert "2026年6月10日" in response.data["detail"]
    assert db_state(record.pk) == before and not Objection.objects.exists()

    objection = filed(subject=liaison, record=record)
    assert objection.received_on == day("2026-06-10")


def test_the_subject_cannot_backdate_the_day_its_filing_became_complete(officer, liaison, record, settings):
    """Scenario 5's clock restarts on the complete filing: the day the commission receives
    the supplement, not a day the subject names."""
    objection = filed(subject=liaison, record=record)
    objections.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="付款凭证"
    )
    settings.CHENGXIN_TODAY = "2026-06-15"
    response = api(liaison).post(
        f"/api/objections/{objection.pk}/supplement/",
        {"complete_on": "2026-06-11", "statement_addition": "补交付款凭证。"},
        format="json",
    )
    assert (response.status_code, response.data["field"]) == (400, "complete_on"), response.data
    assert Objection.objects.get(pk=objection.pk).state == "NEEDS_SUPPLEMENT"

    done = step(
        api(liaison),
        objection.pk,
        "supplement",
        {"complete_on": "2026-06-15", "statement_addition": "补交。"},
    )
    assert (done["state"], done["complete_on"]) == ("SUBMITTED", "2026-06-15")


# ── a revocation leaves nothing running on the moot rectification ─────────────────────


def test_a_revocation_cancels_the_decision_limit_of_a_waiting_extension_request(
    settings, tmp_path, officer, approver, liaison, unit
):
    """Scenario 6 closes the rectification as moot: an extension request still waiting on
    one of its items must not leave its 3-WD decision limit open, or the overdue sweep
    alerts R2 about a request on a revoked record."""
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2026-06-01"
    order = steps.in_progress(
        officer=officer, approver=approver, unit=None, record=record, served_on=day("2026-06-01")
    )
    request = ext.rectification_request_extension(
        acting_user=liaison, item_id=order.items.get().pk, days=10, reason="跨部门结算未完成"
    )
    objection = filed(subject=liaison, record=record)
    objections.objection_accept(acting_user=officer, objection_id=objection.pk)
    objections.objection_start_verification(acting_user=officer, objection_id=objection.pk)
    objections.objection_decide(
        acting_user=approver,
        objection_id=objection.pk,
        outcome="REVOKE",
        reason="已付清",
        document="撤销文书",
    )

    owner = {"owner_type": ContentType.objects.get_for_model(ExtensionRequest), "owner_id": request.pk}
    assert Deadline.objects.get(**owner, kind="extension_decide").status == "CANCELLED"
    assert deadline_svc.deadlines_flag_overdue(day("2026-06-30")) == {}


def test_another_subject_side_user_of_the_unit_still_supplements(officer, liaison, record, unit):
    """The fix above is about dates, not people: any liaison or head of the subject unit may
    supplement the unit's objection."""
    objection = filed(subject=liaison, record=record)
    objections.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="回单"
    )
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    done = objections.objection_supplement(
        acting_user=head,
        objection_id=objection.pk,
        complete_on=day("2026-06-10"),
        statement_addition="补回单",
    )
    assert done.state == "SUBMITTED"


def test_a_record_revoked_because_its_source_decision_fell_stops_its_rectification(
    settings, officer, approver, unit
):
    """T10 "source decision revoked/changed" has the same linked effects as scenario 6: the
    running order closes as moot. Otherwise its items are urged on 2026-10-09 and, on
    10-23, escalated into an accountability case and an RCT lead about a revoked record."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2026-09-01"
    order = steps.in_progress(officer=officer, approver=approver, unit=None, record=record, count=2)
    case = opened(officer=officer, record=record, unit=unit, on=day("2026-09-01"))
    settings.CHENGXIN_TODAY = "2026-09-15"
    decided.record_revoke(
        acting_user=approver, record_id=record.pk, reason="原判决已被撤销。", document="（2026）粤19民再1号"
    )

    order.refresh_from_db()
    assert order.state == RectificationState.MOOT
    assert set(order.items.values_list("state", flat=True)) == {ItemState.MOOT}
    assert not Deadline.objects.filter(record=record, status="OPEN").exists()
    assert Accountability.objects.get(pk=case.pk).needs_reexamination
    flagged = AuditEntry.objects.get(action="accountability.flag_reexamination")
    assert "原判决已被撤销" in flagged.reason
    assert rectification_sweeps.items_mark_overdue(day("2026-10-09")) == 0
    assert rectification_sweeps.items_escalate(day("2026-10-23")) == 0
    assert Accountability.objects.count() == 1
    assert not Record.objects.filter(source="RECTIFICATION").exists()
