"""Credit repair through the services (DOMAIN §6.5): applying, deciding within the time
limits, the effects of a grant and of a revocation for fraud. Scenarios 13, 16, 17, 35."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from casework import queries
from casework.errors import DomainError, PermissionDeniedError
from casework.lifecycle import RecordState, RepairState
from casework.models import AuditEntry, Deadline, Record, RefusalReason, SyncKind
from casework.roles import Role
from casework.services import repair as svc
from exchange.tasks import deliver_outbox

from .factories import UserFactory
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

COMMITMENT = "本单位承诺：已纠正失信行为，今后依法依规履约践诺。"


@pytest.fixture
def general(settings, officer, approver, unit):
    """Scenario 13's record: 一般, determined Thu 2026-01-15, on public display."""
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


def _deadlines(application):
    owner_type = ContentType.objects.get_for_model(application)
    return {
        d.kind: d
        for d in Deadline.objects.filter(owner_type=owner_type, owner_id=application.pk).order_by("id")
    }


# ── applying ─────────────────────────────────────────────────────────────────────────


def test_an_application_before_the_minimum_period_is_refused_at_once_as_premature(
    settings, general, liaison, head
):
    """Scenario 13: application on 2026-04-15 refused as premature."""
    set_today(settings, "2026-04-15")

    application = svc.repair_apply(
        acting_user=liaison, record_id=general.pk, commitment=COMMITMENT, commitment_signed_by_id=head.pk
    )

    assert application.state == RepairState.REFUSED
    assert application.refusal_reason == RefusalReason.PREMATURE
    assert "2026-04-16" in application.refusal_detail
    assert application.decided_on == dt.date(2026, 4, 15)
    assert application.decided_by is None  # the system refused it on filing
    actions = list(
        AuditEntry.objects.filter(record=general).values_list("action", "actor_role").order_by("seq")
    )
    assert actions[-2:] == [
        ("repairapplication.apply", Role.UNIT_LIAISON),
        ("repairapplication.refuse", Role.SYSTEM),
    ]


def test_an_application_on_the_first_eligible_day_is_accepted_at_submission(settings, general, liaison, head):
    """Scenario 13: on 2026-04-16 the application passes and is accepted the same day."""
    set_today(settings, "2026-04-15")
    svc.repair_apply(
        acting_user=liaison, record_id=general.pk, commitment=COMMITMENT, commitment_signed_by_id=head.pk
    )
    set_today(settings, "2026-04-16")

    application = svc.repair_apply(
        acting_user=liaison, record_id=general.pk, commitment=COMMITMENT, commitment_signed_by_id=head.pk
    )

    assert application.state == RepairState.ACCEPTED
    assert application.accepted_on == application.submitted_on == dt.date(2026, 4, 16)
    assert application.commitment_signed_by == head


def test_a_complete_application_gets_its_decision_and_answer_time_limits(settings, general, head):
    """Scenario 16: accepted Wed 2026-06-17 → decision due Tue 2026-06-23 (端午 6-19),
    answer to the applicant due Thu 2026-07-02 (10 WD)."""
    set_today(settings, "2026-06-17")

    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    deadlines = _deadlines(application)
    assert deadlines["repair_decide"].due_on == dt.date(2026, 6, 23)
    assert deadlines["repair_answer"].due_on == dt.date(2026, 7, 2)


def test_one_extension_adds_three_working_days_to_the_decision_and_a_second_is_refused(
    settings, general, head, approver
):
    """DOMAIN §6.5: decision 3 WD, one extension of 3 WD with the leader's approval."""
    set_today(settings, "2026-06-17")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)
    set_today(settings, "2026-06-22")

    svc.repair_extend(acting_user=approver, application_id=application.pk, reason="需向法院核实履行情况。")

    deadlines = _deadlines(application)
    assert deadlines["repair_decide"].status == "CANCELLED"
    assert deadlines["repair_decide_extension"].due_on == dt.date(2026, 6, 26)
    with pytest.raises(DomainError) as exc:
        svc.repair_extend(acting_user=approver, application_id=application.pk, reason="再次延期。")
    assert exc.value.code == "illegal_transition"


def test_an_application_past_its_decision_limit_is_reported_overdue(settings, general, head):
    set_today(settings, "2026-06-17")
    svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    assert svc.repair_overdue(dt.date(2026, 6, 23)) == 0
    assert svc.repair_overdue(dt.date(2026, 6, 24)) == 1
    assert svc.repair_overdue(dt.date(2026, 6, 24)) == 1  # a read: the same answer twice


def test_a_unit_commitment_must_be_signed_by_the_unit_head(settings, general, liaison, other_unit):
    set_today(settings, "2026-05-06")
    outsider_head = UserFactory(organisation=other_unit, roles=[Role.UNIT_HEAD])

    for signer in (None, liaison.pk, outsider_head.pk):
        with pytest.raises(DomainError) as exc:
            svc.repair_apply(
                acting_user=liaison,
                record_id=general.pk,
                commitment=COMMITMENT,
                commitment_signed_by_id=signer,
            )
        assert exc.value.field == "commitment_signed_by"
    assert not general.repairs.exists()


def test_an_application_without_a_commitment_letter_is_rejected(settings, general, head):
    set_today(settings, "2026-05-06")

    with pytest.raises(DomainError) as exc:
        svc.repair_apply(acting_user=head, record_id=general.pk, commitment="  ")

    assert exc.value.field == "commitment"


def test_a_second_application_while_one_is_open_is_rejected(settings, general, head):
    set_today(settings, "2026-05-06")
    svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    with pytest.raises(DomainError) as exc:
        svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    assert exc.value.code == "repair_pending"


def test_only_the_subject_side_may_apply(settings, general, approver):
    """Besides the officer recording a paper application (tests/test_filing_dates.py)."""
    set_today(settings, "2026-05-06")

    with pytest.raises(PermissionDeniedError):
        svc.repair_apply(acting_user=approver, record_id=general.pk, commitment=COMMITMENT)


def test_a_civil_servant_applies_for_their_own_record(settings, officer, approver, civil_servant):
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        person=civil_servant.person,
        category="DIS",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-05-06")

    application = svc.repair_apply(
        acting_user=civil_servant, record_id=record.pk, commitment="本人承诺改正。"
    )

    assert application.state == RepairState.ACCEPTED
    assert application.commitment_signed_by == civil_servant


# ── deciding ─────────────────────────────────────────────────────────────────────────


def test_a_refusal_cites_a_reason_from_the_fixed_list(settings, general, head, approver):
    set_today(settings, "2026-05-06")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    with pytest.raises(DomainError) as exc:
        svc.repair_refuse(acting_user=approver, application_id=application.pk, reason="看心情", detail="—")
    assert exc.value.field == "reason"

    refused = svc.repair_refuse(
        acting_user=approver,
        application_id=application.pk,
        reason=RefusalReason.MATERIALS,
        detail="付款凭证与银行流水不符。",
    )
    assert refused.state == RepairState.REFUSED
    assert refused.get_refusal_reason_display() == "材料虚假或补正后仍不齐全"
    assert all(d.status == "MET" for d in _deadlines(refused).values())


def test_a_grant_repairs_the_record_and_stops_its_display(settings, general, head, approver, officer):
    """Scenario 17: status REPAIRED, public page gone, the platform told by the next WD,
    and the province stub acknowledges the REPAIR event."""
    set_today(settings, "2026-06-17")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)
    assert queries.public_records().filter(pk=general.pk).exists()

    granted = svc.repair_grant(acting_user=approver, application_id=application.pk)

    general.refresh_from_db()
    assert granted.state == RepairState.GRANTED
    assert general.state == RecordState.REPAIRED
    assert general.public is False
    assert not queries.public_records().filter(pk=general.pk).exists()
    event = general.sync_events.get(kind=SyncKind.REPAIR)
    assert event.due_on == dt.date(2026, 6, 18)
    assert event.payload["state"] == RecordState.REPAIRED and event.payload["public"] is False
    assert deliver_outbox.delay().get()["province_delivered"] >= 1  # the beat task
    event.refresh_from_db()
    assert event.acknowledged_at is not None and event.attempts == 1
    assert all(d.status == "MET" for d in _deadlines(granted).values())
    for user in (officer, approver, UserFactory(roles=[Role.CREDIT_ADMIN])):
        assert queries.record_get(user=user, record_id=general.pk).state == RecordState.REPAIRED


def test_a_grant_leaves_the_objection_flag_as_it_was(settings, general, head, approver):
    Record.objects.filter(pk=general.pk).update(objection_pending=True)  # an objection running on its own
    set_today(settings, "2026-06-17")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    svc.repair_grant(acting_user=approver, application_id=application.pk)

    general.refresh_from_db()
    assert general.objection_pending is True


@pytest.mark.parametrize(
    ("decided_on", "version"), [("2026-03-31", "NDRC58/2023"), ("2026-04-01", "NDRC36/2025")]
)
def test_a_decision_stores_the_repair_rule_in_force_on_its_date(
    settings, officer, approver, unit, head, decided_on, version
):
    """Scenario 35: decided 2026-03-31 → NDRC58/2023; decided 2026-04-01 → NDRC36/2025."""
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2025, 12, 1)
    )
    set_today(settings, "2026-03-30")
    application = svc.repair_apply(acting_user=head, record_id=record.pk, commitment=COMMITMENT)
    set_today(settings, decided_on)

    granted = svc.repair_grant(acting_user=approver, application_id=application.pk)

    assert granted.decided_on == dt.date.fromisoformat(decided_on)
    assert granted.rule_version == version


def test_a_refusal_on_filing_also_stores_the_rule_in_force(settings, general, head):
    set_today(settings, "2026-03-31")

    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)

    assert application.state == RepairState.REFUSED
    assert application.rule_version == "NDRC58/2023"


# ── revoking for fraud ───────────────────────────────────────────────────────────────


def test_revoking_a_repair_for_fraud_restores_the_record_and_its_display(settings, general, head, approver):
    """DOMAIN §6.5: the record returns to EFFECTIVE, display restored, the bar starts."""
    set_today(settings, "2026-06-17")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)
    svc.repair_grant(acting_user=approver, application_id=application.pk)
    set_today(settings, "2026-07-01")

    revoked = svc.repair_revoke(
        acting_user=approver, application_id=application.pk, reason="付款凭证系伪造。"
    )

    general.refresh_from_db()
    assert revoked.state == RepairState.REVOKED
    assert revoked.fraud is True and revoked.revoked_on == dt.date(2026, 7, 1)
    assert general.state == RecordState.EFFECTIVE
    assert general.public is True
    assert queries.public_records().filter(pk=general.pk).exists()
    assert general.sync_events.filter(kind=SyncKind.UPDATE, payload__public=True).exists()


def test_a_record_revoked_back_after_its_maximum_period_stays_off_display(settings, general, head, approver):
    set_today(settings, "2026-06-17")
    application = svc.repair_apply(acting_user=head, record_id=general.pk, commitment=COMMITMENT)
    svc.repair_grant(acting_user=approver, application_id=application.pk)
    set_today(settings, "2027-02-01")  # after max_end 2027-01-15

    svc.repair_revoke(acting_user=approver, application_id=application.pk, reason="付款凭证系伪造。")

    general.refresh_from_db()
    assert general.state == RecordState.EFFECTIVE
    assert general.public is False


# ── obligations ──────────────────────────────────────────────────────────────────────


def test_marking_obligations_fulfilled_is_an_officer_act_with_an_audit_entry(
    settings, officer, approver, unit, liaison
):
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        category="JUD",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-02-02")

    with pytest.raises(PermissionDeniedError):
        svc.record_mark_obligations_fulfilled(
            acting_user=liaison, record_id=record.pk, on=dt.date(2026, 2, 1), evidence="回单"
        )
    with pytest.raises(DomainError) as exc:
        svc.record_mark_obligations_fulfilled(
            acting_user=officer, record_id=record.pk, on=dt.date(2026, 2, 3), evidence="回单"
        )
    assert exc.value.field == "on"

    svc.record_mark_obligations_fulfilled(
        acting_user=officer,
        record_id=record.pk,
        on=dt.date(2026, 2, 1),
        evidence="（2025）粤1971执100号结案通知书",
    )

    record.refresh_from_db()
    entry = AuditEntry.objects.filter(record=record).order_by("-seq").first()
    assert record.obligations_fulfilled_on == dt.date(2026, 2, 1)
    assert entry.action == "mark_obligations_fulfilled"
    assert entry.diff == {"obligations_fulfilled_on": [None, "2026-02-01"]}
    assert "结案通知书" in entry.reason
