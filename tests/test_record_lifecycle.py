"""The record state machine (DOMAIN §5.1) driven through the services, as every caller does."""

import datetime as dt

import pytest
from django.test import override_settings
from django_fsm import can_proceed

from casework.errors import DomainError, PermissionDeniedError
from casework.lifecycle import RECORD_STEPS, RecordState
from casework.models import AuditEntry, ConflictDeclaration, Deadline, Measure, Record, SyncEvent
from casework.roles import Role
from casework.services import records as svc
from casework.services.records import decided

from . import lifecycle
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", list(RecordState))
@pytest.mark.parametrize("step", list(RECORD_STEPS))
def test_the_model_allows_exactly_the_steps_of_the_state_table(state, step):
    record = Record(state=state)
    assert can_proceed(getattr(record, step)) == (state in RECORD_STEPS[step].sources)


def test_it_records_a_lead_verifies_proposes_and_determines(officer, approver, unit):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    assert record.state == RecordState.DETERMINED
    assert record.reference.startswith("ZWSX-2026-")
    assert record.proposed_by == officer and record.determined_by == approver
    actions = list(AuditEntry.objects.filter(record=record).values_list("action", flat=True))
    assert actions == [
        "register_lead",
        "start_verification",
        "propose",
        "approve_pre_notice",
        "serve_pre_notice",
        "determine",
    ]


def test_the_proposer_cannot_approve_their_own_determination(db, unit):
    """Scenario 29: separation of duties."""
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    record = lifecycle.proposed(officer=both, organisation=unit)
    with pytest.raises(PermissionDeniedError, match="拟认定人不能审批"):
        svc.record_approve_pre_notice(acting_user=both, record_id=record.pk)
    record.refresh_from_db()
    assert record.state == RecordState.PROPOSED


def test_a_user_with_a_declared_conflict_can_neither_see_nor_act(officer, approver, unit):
    """Scenario 29: 回避 hides the subject's cases from the user."""
    record = lifecycle.proposed(officer=officer, organisation=unit)
    ConflictDeclaration.objects.create(user=approver, organisation=unit, reason="近亲属在该单位任职")
    with pytest.raises(DomainError) as caught:
        svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    assert caught.value.status_code == 404
    assert Record.objects.get(pk=record.pk).state == RecordState.PROPOSED


def test_determination_inside_the_defence_window_needs_a_written_waiver(officer, approver, unit, settings):
    """Scenario 3: served Thu 2026-04-30 → window ends Mon 2026-05-11; determining earlier is refused."""
    settings.CHENGXIN_TODAY = "2026-05-20"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 4, 30)
    )
    window = Deadline.objects.get(record=record, kind="defence_window")
    assert window.due_on == dt.date(2026, 5, 11)
    with pytest.raises(DomainError, match="2026-05-11") as caught:
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 5, 11)
        )
    assert caught.value.field == "determination_date"
    record = svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 5, 12)
    )
    assert record.state == RecordState.DETERMINED


def test_a_written_waiver_allows_determination_before_the_window_closes(officer, approver, unit, settings):
    settings.CHENGXIN_TODAY = "2026-05-06"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 4, 30)
    )
    record = svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 5, 6), defence_waived=True
    )
    assert record.state == RecordState.DETERMINED and record.defence_waived


def test_a_record_cannot_be_determined_without_a_catalogue_measure(officer, approver, unit):
    """Scenario 28: no sanction without an entry of the 惩戒措施清单. The proposal asks for one
    now; a record proposed before it did (made here in the database) is refused here too."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    record.measures.clear()
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as caught:
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
        )
    assert caught.value.field == "measures"
    assert Record.objects.get(pk=record.pk).state == RecordState.PRE_NOTICE
    assert AuditEntry.objects.count() == entries


def test_a_withdrawn_measure_blocks_determination(officer, approver, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    Measure.objects.filter(code="M01").update(is_active=False)
    with pytest.raises(DomainError, match="惩戒措施"):
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
        )


def test_the_defence_sends_the_record_back_for_an_answer(officer, approver, liaison, unit):
    """T6: the subject's statement returns the case to PROPOSED; it must be answered before a new notice."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    with override_settings(CHENGXIN_TODAY="2026-01-06"):  # in the 5-WD defence window
        record = svc.record_submit_defence(
            acting_user=liaison, record_id=record.pk, statement="该款项已于 1 月 3 日支付。"
        )
    assert record.state == RecordState.PROPOSED
    with pytest.raises(DomainError, match="尚未答复"):
        svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    svc.record_answer_defence(
        acting_user=officer, record_id=record.pk, reply="经核实，付款凭证日期为 1 月 20 日，不予采纳。"
    )
    record = svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    # the new notice is yet to be served: the first one's service no longer counts
    assert record.state == RecordState.PRE_NOTICE and record.pre_notice_served_on is None


def test_another_units_liaison_cannot_submit_a_defence(officer, approver, other_liaison, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    with pytest.raises(DomainError) as caught:
        svc.record_submit_defence(acting_user=other_liaison, record_id=record.pk, statement="异议")
    assert caught.value.status_code == 404


@pytest.mark.parametrize(
    ("tier", "determined_on", "min_end", "max_end", "version"),
    [
        # Scenario 13: 一般, repair from 2026-04-16, display stops after 2027-01-15.
        ("GENERAL", dt.date(2026, 1, 15), dt.date(2026, 4, 15), dt.date(2027, 1, 15), "GOV22/2025"),
        # Scenario 14: 严重, earliest repair 2027-03-11, auto-stop after 2029-03-10.
        ("SERIOUS", dt.date(2026, 3, 10), dt.date(2027, 3, 10), dt.date(2029, 3, 10), "GOV22/2025"),
        ("GENERAL", dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2027, 4, 1), "NDRC36/2025"),
    ],
)
def test_the_disclosure_window_comes_from_the_rule_in_force(
    officer, approver, unit, settings, tier, determined_on, min_end, max_end, version
):
    settings.CHENGXIN_TODAY = "2026-11-28"
    served = determined_on - dt.timedelta(days=14)
    record = lifecycle.determined(
        officer=officer,
        approver=approver,
        organisation=unit,
        tier=tier,
        served_on=served,
        determination_date=determined_on,
    )
    assert (record.min_end, record.max_end, record.rule_version) == (min_end, max_end, version)


def test_a_minor_record_is_not_public_unless_flagged(officer, approver, unit):
    """Scenario 15."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, tier="MINOR")
    assert record.public is False
    # Not shown, but in force internally for the rule's maximum unless repaired earlier.
    assert record.min_end == record.determination_date
    assert record.max_end == dt.date(2026, 4, 15)


def test_a_person_record_is_public_only_for_public_decision_types(officer, approver, unit):
    """Scenario 30 / DOMAIN §4.3 design (c)."""
    person = PersonFactory(unit=unit)
    dis = lifecycle.effective(officer=officer, approver=approver, person=person, category="DIS")
    acc = lifecycle.effective(
        officer=officer, approver=approver, person=person, category="ACC", content="问责：未履行监管职责。"
    )
    assert (dis.public, acc.public) == (False, True)


def test_revocation_withdraws_display_within_three_working_days(officer, approver, unit, settings):
    """Scenario 6: revoked Wed 2026-06-17 → display withdrawn by Tue 2026-06-23 (6-19 is 端午)."""
    settings.CHENGXIN_TODAY = "2026-06-17"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert record.public
    record = decided.record_revoke(
        acting_user=approver,
        record_id=record.pk,
        reason="异议成立",
        document="东莞市中级人民法院（2026）粤19民再1号",
    )
    assert record.state == RecordState.REVOKED and not record.public
    event = SyncEvent.objects.get(record=record, kind="REVOKE")
    assert event.due_on == dt.date(2026, 6, 23)
    assert event.payload["public"] is False


def test_the_scheduler_expires_a_record_only_after_max_end(officer, approver, unit, settings):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2027-01-15"
    with pytest.raises(DomainError):
        decided.record_expire(record_id=record.pk)
    settings.CHENGXIN_TODAY = "2027-01-16"
    record = decided.record_expire(record_id=record.pk)
    assert record.state == RecordState.EXPIRED and not record.public
    assert AuditEntry.objects.filter(
        record=record, action="expire", actor__isnull=True, actor_role="system"
    ).exists()
    record = decided.record_archive(acting_user=officer, record_id=record.pk)
    assert record.state == RecordState.ARCHIVED


def test_an_amendment_to_a_decided_record_is_audited_with_its_diff(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    record = decided.record_amend(
        acting_user=approver,
        record_id=record.pk,
        changes={"tier": "SERIOUS"},
        reason="异议处理结果：更正等级",
    )
    entry = AuditEntry.objects.filter(record=record).last()
    assert entry.action == "amend"
    assert entry.diff["tier"] == ["GENERAL", "SERIOUS"]
    assert entry.diff["max_end"] == ["2027-01-15", "2029-01-15"]


def test_an_illegal_transition_is_refused_with_the_current_state(officer, approver, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    with pytest.raises(DomainError, match="当前状态“线索”下不能执行“认定”") as caught:
        svc.record_determine(
            acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
        )
    assert caught.value.code == "illegal_transition"


def test_a_duplicate_lead_is_refused(officer, unit):
    lifecycle.lead(officer=officer, organisation=unit, content="拖欠工程款 100 万元。")
    with pytest.raises(DomainError, match="相同线索") as caught:
        lifecycle.lead(officer=officer, organisation=unit, content="拖欠工程款  100 万元。")
    assert caught.value.field == "lead_content"


def test_a_liaison_cannot_register_leads(liaison, unit):
    with pytest.raises(PermissionDeniedError):
        lifecycle.lead(officer=liaison, organisation=unit)
    assert not Record.objects.exists()


def test_a_public_record_is_announced_to_the_province_and_its_expiry_too(officer, approver, unit, settings):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    created = SyncEvent.objects.get(record=record, kind="CREATE")
    # Served Fri 2026-01-16: published by the next working day.
    assert created.due_on == dt.date(2026, 1, 19)
    settings.CHENGXIN_TODAY = "2027-01-16"
    decided.record_expire(record_id=record.pk)
    assert SyncEvent.objects.filter(
        record=record, kind="EXPIRE", due_on=dt.date(2027, 1, 18)
    ).exists()  # Sat → Mon
