"""What an objection does to its record: the "异议处理中" flag on acceptance (scenario 4)
and each outcome of the decision (DOMAIN §6.2, §5.1 T10/T14, scenario 6)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from casework import rules
from casework.errors import DomainError
from casework.lifecycle import ItemState, ObjectionState, RecordState, RectificationState
from casework.models import (
    Accountability,
    AuditEntry,
    Deadline,
    Rectification,
    RectificationItem,
    SyncEvent,
    SyncKind,
    Track,
)
from casework.services import objections as svc

from . import lifecycle
from .objection_steps import accepted, day, verifying

pytestmark = pytest.mark.django_db
OS = ObjectionState


@pytest.fixture
def record(officer, approver, unit, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


def rectification_with_items(record, officer, *states):
    """A served rectification whose items are in `states`, each with its running deadline
    (built on the ORM: the rectification services are another use case)."""
    case = Rectification.objects.create(record=record, drafted_by=officer, served_on=day("2026-06-01"))
    Rectification.objects.filter(pk=case.pk).update(state=RectificationState.IN_PROGRESS)
    for number, state in enumerate(states, start=1):
        item = RectificationItem.objects.create(
            rectification=case,
            number=number,
            requirement=f"整改要求 {number}",
            acceptance_criteria="付清全部欠款",
            required_evidence="付款凭证",
            period_days=30,
        )
        RectificationItem.objects.filter(pk=item.pk).update(state=state)
        rules.open_deadline(record, "rectification", case.served_on, owner=item)
    return Rectification.objects.get(pk=case.pk)


def item_deadlines(case):
    item_type = ContentType.objects.get_for_model(RectificationItem)
    items = case.items.values("pk")
    return Deadline.objects.filter(owner_type=item_type, owner_id__in=items).order_by("id")


def decide(approver, objection, outcome, **kwargs):
    return svc.objection_decide(
        acting_user=approver, objection_id=objection.pk, outcome=outcome, reason="经核查", **kwargs
    )


def sync_kinds(record):
    return list(SyncEvent.objects.filter(record=record).order_by("id").values_list("kind", flat=True))


# ── scenario 4 ────────────────────────────────────────────────────────────────────


def test_acceptance_flags_the_record_the_same_day_and_changes_nothing_else(
    officer, liaison, record, settings
):
    """Scenario 4: on acceptance the record shows "异议处理中" the same day, stays displayed,
    and the rectification deadlines run on unchanged (no suspension was ordered)."""
    case = rectification_with_items(record, officer, ItemState.OPEN)
    before = list(item_deadlines(case).values_list("id", "due_on", "status"))
    assert before[0][1:] == (day("2026-07-01"), "OPEN")
    settings.CHENGXIN_TODAY = "2026-06-03"
    objection = accepted(subject=liaison, officer=officer, record=record)

    record.refresh_from_db()
    assert record.objection_pending and record.public and record.state == RecordState.EFFECTIVE
    flag = AuditEntry.objects.get(record=record, action="objection_flag_on")
    assert flag.diff == {"objection_pending": [False, True]}
    event = SyncEvent.objects.get(record=record, kind=SyncKind.OBJECTION_FLAG_ON)
    assert event.payload["objection_pending"] and event.payload["public"]
    assert event.due_on == day("2026-06-04")
    assert list(item_deadlines(case).values_list("id", "due_on", "status")) == before
    assert objection.state == OS.ACCEPTED


# ── scenario 6 ────────────────────────────────────────────────────────────────────


def test_revocation_withdraws_the_record_closes_rectification_and_flags_accountability(
    officer, approver, liaison, record, settings
):
    """Scenario 6: decided as 撤销 on Wed 2026-06-17 → display removed and the province
    notified by Tue 2026-06-23 (6-19 is 端午); the linked rectification closes as moot and
    the linked accountability is flagged for re-examination (S14 Art 49)."""
    case = rectification_with_items(record, officer, ItemState.OPEN, ItemState.SUBMITTED, ItemState.ACCEPTED)
    sanction_case = Accountability.objects.create(
        record=record, track=Track.SUPERVISORY, reason="拖欠账款责任追究", initiated_on=day("2026-06-01")
    )
    objection = verifying(subject=liaison, officer=officer, record=record)
    settings.CHENGXIN_TODAY = "2026-06-17"
    objection = decide(approver, objection, "REVOKE", document="东监异决〔2026〕3号")

    assert (objection.state, objection.outcome, objection.decided_on) == (
        OS.DECIDED,
        "REVOKE",
        day("2026-06-17"),
    )
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED and not record.public and not record.objection_pending
    assert record.closing_document == "东监异决〔2026〕3号"
    revoke = SyncEvent.objects.get(record=record, kind=SyncKind.REVOKE)
    assert revoke.due_on == day("2026-06-23")
    assert SyncKind.OBJECTION_FLAG_OFF not in sync_kinds(record)

    case.refresh_from_db()
    assert case.state == RectificationState.MOOT
    assert list(case.items.values_list("state", flat=True)) == [
        ItemState.MOOT,
        ItemState.MOOT,
        ItemState.ACCEPTED,
    ]
    assert set(item_deadlines(case).values_list("status", flat=True)) == {"CANCELLED"}
    sanction_case.refresh_from_db()
    assert sanction_case.needs_reexamination
    flagged = AuditEntry.objects.get(action="accountability.flag_reexamination")
    assert flagged.actor_role == "system" and "撤销失信记录" in flagged.reason
    actions = list(
        AuditEntry.objects.filter(record=record).order_by("seq").values_list("action", "actor_role")
    )
    assert actions[-6:] == [
        ("revoke", "approver"),
        ("rectificationitem.close_moot", "system"),
        ("rectificationitem.close_moot", "system"),
        ("rectification.close_moot", "system"),
        ("accountability.flag_reexamination", "system"),
        ("objection.decide", "approver"),
    ]
    [decision_deadline] = Deadline.objects.filter(kind="objection_decide")
    assert decision_deadline.status == "MET"


def test_revocation_needs_its_document(officer, approver, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    with pytest.raises(DomainError) as caught:
        decide(approver, objection, "REVOKE")
    assert caught.value.field == "document"


def test_a_record_not_yet_in_force_cannot_be_revoked_by_an_objection(
    officer, approver, liaison, unit, settings
):
    """T10 leaves from EFFECTIVE only: a merely determined record is corrected, not revoked."""
    settings.CHENGXIN_TODAY = "2026-06-01"
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    objection = verifying(subject=liaison, officer=officer, record=record)
    with pytest.raises(DomainError, match="不能作出“撤销”") as caught:
        decide(approver, objection, "REVOKE", document="东监异决〔2026〕4号")
    assert caught.value.field == "outcome"
    record.refresh_from_db()
    assert record.state == RecordState.DETERMINED and record.objection_pending


# ── the other outcomes ────────────────────────────────────────────────────────────


def test_maintained_removes_the_flag(officer, approver, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    decide(approver, objection, "MAINTAIN")
    record.refresh_from_db()
    assert not record.objection_pending and record.public and record.state == RecordState.EFFECTIVE
    assert sync_kinds(record)[-2:] == [SyncKind.OBJECTION_FLAG_ON, SyncKind.OBJECTION_FLAG_OFF]
    assert AuditEntry.objects.filter(record=record, action="objection_flag_off").count() == 1


def test_a_correction_amends_the_record_and_recomputes_its_window(officer, approver, liaison, record):
    """T14: 更正 lowers the tier to 轻微; the disclosure window is recomputed, display stops."""
    objection = verifying(subject=liaison, officer=officer, record=record)
    objection = decide(
        approver, objection, "CORRECT", corrections={"tier": "MINOR", "tier_rationale": "金额较小"}
    )
    assert objection.corrections == {"tier": "MINOR", "tier_rationale": "金额较小"}
    record.refresh_from_db()
    assert record.tier == "MINOR" and not record.public and not record.objection_pending
    # 轻微, not flagged: never displayed, in force for the rule's 3 months.
    assert (record.min_end, record.max_end) == (day("2026-01-15"), day("2026-04-15"))
    amend = AuditEntry.objects.get(record=record, action="amend")
    assert amend.diff["tier"] == ["GENERAL", "MINOR"] and amend.actor == approver
    assert sync_kinds(record)[-2:] == [SyncKind.UPDATE, SyncKind.OBJECTION_FLAG_OFF]


def test_a_correction_needs_its_content(officer, approver, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    with pytest.raises(DomainError) as caught:
        decide(approver, objection, "SUPPLEMENT")
    assert caught.value.field == "corrections"
    with pytest.raises(DomainError) as caught:
        decide(approver, objection, "SUPPLEMENT", corrections={"public": False})
    assert caught.value.field == "public"


@pytest.mark.parametrize("outcome", ["STOP_DISCLOSURE", "DELIST"])
def test_stopping_disclosure_keeps_the_record_off_display(officer, approver, liaison, record, outcome):
    objection = verifying(subject=liaison, officer=officer, record=record)
    decide(approver, objection, outcome, document="东监异决〔2026〕5号")
    record.refresh_from_db()
    assert record.state == RecordState.EFFECTIVE and not record.public and not record.objection_pending
    entry = AuditEntry.objects.get(record=record, action="objection_flag_off")
    assert entry.diff["public"] == [True, False] and "东监异决〔2026〕5号" in entry.reason
    assert sync_kinds(record)[-2:] == [SyncKind.OBJECTION_FLAG_OFF, SyncKind.UPDATE]


def test_unconfirmable_keeps_the_record_and_the_objection_text(officer, approver, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    objection = decide(approver, objection, "UNCONFIRMABLE")
    record.refresh_from_db()
    assert record.state == RecordState.EFFECTIVE and record.public and not record.objection_pending
    assert objection.statement.startswith("该记录所称拖欠款项") and objection.decision_reason == "经核查"


def test_the_flag_stays_while_another_accepted_objection_is_open(officer, approver, liaison, record):
    first = verifying(subject=liaison, officer=officer, record=record)
    accepted(subject=liaison, officer=officer, record=record, ground="PRIVACY")
    decide(approver, first, "MAINTAIN")
    record.refresh_from_db()
    assert record.objection_pending
    assert SyncKind.OBJECTION_FLAG_OFF not in sync_kinds(record)


def test_the_result_is_served_and_the_objection_closed(officer, approver, liaison, record, settings):
    objection = verifying(subject=liaison, officer=officer, record=record)
    settings.CHENGXIN_TODAY = "2026-06-05"
    decide(approver, objection, "MAINTAIN")
    with pytest.raises(DomainError) as caught:
        svc.objection_serve(acting_user=officer, objection_id=objection.pk, served_on=day("2026-06-04"))
    assert caught.value.field == "served_on"
    objection = svc.objection_serve(
        acting_user=officer, objection_id=objection.pk, served_on=day("2026-06-05")
    )
    assert objection.served_on == day("2026-06-05")
    objection = svc.objection_close(acting_user=officer, objection_id=objection.pk)
    assert objection.state == OS.CLOSED
    actions = AuditEntry.objects.filter(object_id=str(objection.pk), action__startswith="objection.")
    assert list(actions.order_by("seq").values_list("action", flat=True)) == [
        "objection.file",
        "objection.accept",
        "objection.start_verification",
        "objection.decide",
        "objection.serve",
        "objection.close",
    ]


def test_an_officer_may_not_decide(officer, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    with pytest.raises(DomainError) as caught:
        decide(officer, objection, "MAINTAIN")
    assert caught.value.status_code == 403
