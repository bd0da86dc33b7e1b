"""The accountability case (DOMAIN §6.4) through the services: opening, the procedure,
the decision and its sanction periods (scenario 19), service, execution, release, close."""

import datetime as dt

import pytest
from django_fsm import can_proceed

from casework.errors import DomainError, PermissionDeniedError
from casework.lifecycle import ACCOUNTABILITY_STEPS, AccountabilityState
from casework.models import Accountability, AuditEntry, Deadline, Sanction
from casework.roles import Role
from casework.services import accountability as svc
from casework.services.accountability import sanctions

from . import lifecycle
from .accountability_steps import decided, decision, deliberated, opened, served, set_today
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
AS = AccountabilityState


@pytest.mark.parametrize("state", list(AS))
@pytest.mark.parametrize("step", list(ACCOUNTABILITY_STEPS))
def test_the_model_allows_exactly_the_steps_of_the_state_table(state, step):
    case = Accountability(state=state)
    assert can_proceed(getattr(case, step)) == (state in ACCOUNTABILITY_STEPS[step].sources)


# ── opening ─────────────────────────────────────────────────────────────────────────
def test_an_officer_opens_a_case_on_a_record_and_it_is_audited(officer, record, person):
    case = opened(officer=officer, record=record, persons=[person])
    assert case.state == AS.INITIATED
    assert list(case.persons.all()) == [person]
    entry = AuditEntry.objects.get(action="accountability.initiate")
    assert entry.record == record and entry.actor == officer and entry.to_state == AS.INITIATED


def test_the_system_opens_a_case_against_the_records_subject_by_default(record, unit):
    """Scenario 9: the rectification escalation opens a case with no acting user."""
    case = svc.accountability_initiate(
        acting_user=None, record_id=record.pk, track="PARTY", reason="整改二次逾期，启动问责。"
    )
    assert case.unit == unit and case.initiated_by is None
    assert AuditEntry.objects.get(action="accountability.initiate").actor_role == Role.SYSTEM


def test_only_an_officer_may_open_a_case(approver, record, person):
    with pytest.raises(PermissionDeniedError):
        opened(officer=approver, record=record, persons=[person])
    assert not Accountability.objects.exists()


def test_a_case_cannot_be_opened_on_a_record_not_yet_determined(officer, unit, person, fixed_today):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    with pytest.raises(DomainError) as caught:
        opened(officer=officer, record=record, persons=[person])
    assert caught.value.field == "record"


def test_investigation_needs_two_officers(officer, record, person):
    """S14 Art 42: at least two investigators."""
    case = opened(officer=officer, record=record, persons=[person])
    with pytest.raises(DomainError) as caught:
        svc.accountability_investigate(
            acting_user=officer, accountability_id=case.pk, investigators=[officer.pk]
        )
    assert caught.value.field == "investigators"
    assert Accountability.objects.get(pk=case.pk).state == AS.INITIATED


def test_a_step_out_of_order_is_refused_and_changes_nothing(officer, record, person):
    case = opened(officer=officer, record=record, persons=[person])
    with pytest.raises(DomainError) as caught:
        svc.accountability_serve(
            acting_user=officer, accountability_id=case.pk, served_on=dt.date(2026, 1, 20)
        )
    assert caught.value.code == "illegal_transition" and caught.value.status_code == 400
    assert Accountability.objects.get(pk=case.pk).served_on is None


# ── the decision and the periods (scenario 19) ──────────────────────────────────────
def test_a_warning_effective_on_31_march_runs_to_30_september(settings, officer, approver, record, person):
    """Scenario 19: month-end rule, no roll-forward (a status duration)."""
    set_today(settings, "2026-04-01")
    case = decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person)],
        decided_on=dt.date(2026, 3, 31),
    )
    assert case.state == AS.DECIDED
    sanction = Sanction.objects.get(accountability=case)
    assert (sanction.period_months, sanction.period_end) == (6, dt.date(2026, 9, 30))
    assert sanction.effective_on == dt.date(2026, 3, 31)


def test_a_major_demerit_runs_eighteen_months(settings, officer, approver, record, person):
    set_today(settings, "2026-04-01")
    decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "MAJOR_DEMERIT")],
        decided_on=dt.date(2026, 3, 31),
    )
    sanction = Sanction.objects.get()
    assert (sanction.period_months, sanction.period_end) == (18, dt.date(2027, 9, 30))


def test_two_sanctions_on_one_person_run_as_the_heaviest_for_the_capped_sum(
    settings, officer, approver, record, person
):
    """S14 Art 15: the heaviest applies; the combined period is between the longest and the
    sum, at most 48 months (撤职 24 + 降级 24 + 记大过 18 = 66 → 48)."""
    set_today(settings, "2026-04-01")
    decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, t) for t in ("MAJOR_DEMERIT", "REMOVAL_FROM_POST", "DEMOTION")],
        decided_on=dt.date(2026, 3, 31),
    )
    rows = {s.decision_type: s for s in Sanction.objects.all()}
    heaviest = rows["REMOVAL_FROM_POST"]
    assert (heaviest.period_months, heaviest.period_end) == (48, dt.date(2030, 3, 31))
    assert [rows[t].period_end for t in ("MAJOR_DEMERIT", "DEMOTION")] == [None, None]
    assert sanctions.status_label(rows["DEMOTION"], dt.date(2026, 4, 1)) == "合并执行"


def test_the_approver_may_set_the_combined_period_between_the_longest_and_the_sum(
    settings, officer, approver, record, person
):
    set_today(settings, "2026-04-01")
    case = deliberated(officer=officer, record=record, persons=[person])
    both = [decision(person, "WARNING"), decision(person, "DEMERIT")]
    with pytest.raises(DomainError) as caught:
        svc.accountability_decide(
            acting_user=approver,
            accountability_id=case.pk,
            decisions=both,
            decided_on=dt.date(2026, 3, 31),
            combined_periods={person.pk: 19},
        )
    assert caught.value.field == "combined_periods" and not Sanction.objects.exists()
    svc.accountability_decide(
        acting_user=approver,
        accountability_id=case.pk,
        decisions=both,
        decided_on=dt.date(2026, 3, 31),
        combined_periods={person.pk: 14},
    )
    assert Sanction.objects.get(decision_type="DEMERIT").period_end == dt.date(2027, 5, 31)


def test_light_handling_and_no_sanction_have_no_period(settings, officer, approver, record, person):
    set_today(settings, "2026-04-01")
    other = PersonFactory(unit=person.unit)
    decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person, other],
        decisions=[decision(person, "ADMONITION"), decision(other, "NOT_SANCTIONED")],
        decided_on=dt.date(2026, 3, 31),
    )
    assert set(Sanction.objects.values_list("period_months", "period_end")) == {(0, None)}


def test_a_decision_outside_the_track_or_on_a_stranger_is_refused(
    settings, officer, approver, record, person
):
    set_today(settings, "2026-04-01")
    case = deliberated(officer=officer, record=record, persons=[person], track="PARTY")
    for bad, field in (
        ([decision(person, "WARNING")], "decision_type"),
        ([decision(PersonFactory(), "CIRCULAR")], "decisions"),
    ):
        with pytest.raises(DomainError) as caught:
            svc.accountability_decide(
                acting_user=approver,
                accountability_id=case.pk,
                decisions=bad,
                decided_on=dt.date(2026, 3, 31),
            )
        assert caught.value.field == field
    assert Accountability.objects.get(pk=case.pk).state == AS.DELIBERATION


def test_the_officer_who_opened_the_case_cannot_decide_it(settings, record, person, db):
    set_today(settings, "2026-04-01")
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    case = deliberated(officer=both, record=record, persons=[person])
    with pytest.raises(PermissionDeniedError):
        svc.accountability_decide(
            acting_user=both,
            accountability_id=case.pk,
            decisions=[decision(person)],
            decided_on=dt.date(2026, 3, 31),
        )


# ── service, execution, period, release ─────────────────────────────────────────────
def test_demotion_opens_the_one_month_hr_limit_closed_on_execution(
    settings, officer, approver, hr, record, person
):
    """S14 Art 54: 降级 and above → HR changes within one month of the decision."""
    set_today(settings, "2026-04-10")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "DEMOTION")],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )
    limit = Deadline.objects.get(kind="hr_execution")
    assert limit.due_on == dt.date(2026, 4, 30) and limit.status == "OPEN"
    svc.accountability_execute(acting_user=hr, accountability_id=case.pk, note="已调整职级和工资。")
    limit.refresh_from_db()
    assert limit.status == "MET"


def test_the_daily_sweep_releases_a_sanction_the_day_after_its_period_once(
    settings, officer, approver, hr, record, person
):
    """S14 Art 26: released automatically at the end of the period; a second run changes nothing."""
    set_today(settings, "2026-04-10")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person)],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )
    svc.accountability_execute(acting_user=officer, accountability_id=case.pk)
    svc.accountability_start_period(acting_user=hr, accountability_id=case.pk)
    assert svc.sanctions_release_due(dt.date(2026, 9, 30)) == 0
    assert svc.sanctions_release_due(dt.date(2026, 10, 1)) == 1
    assert svc.sanctions_release_due(dt.date(2026, 10, 1)) == 0
    case.refresh_from_db()
    assert case.state == AS.RELEASED
    assert Sanction.objects.get().released_on == dt.date(2026, 10, 1)
    assert AuditEntry.objects.filter(action="sanction.release").count() == 1
    assert AuditEntry.objects.filter(action="accountability.release", actor_role=Role.SYSTEM).count() == 1
    assert not Deadline.objects.filter(kind="appeal_review_apply", status="OPEN").exists()


def test_a_case_cannot_be_closed_while_a_sanction_runs(settings, officer, approver, record, person):
    set_today(settings, "2026-06-01")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person)],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )
    with pytest.raises(DomainError) as caught:
        svc.accountability_close(acting_user=officer, accountability_id=case.pk)
    assert caught.value.code == "period_running"


def test_a_case_with_light_handling_closes_once_the_appeal_window_has_passed(
    settings, officer, approver, record, person
):
    set_today(settings, "2026-04-10")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "ADMONITION")],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )
    with pytest.raises(DomainError) as caught:
        svc.accountability_close(acting_user=officer, accountability_id=case.pk)
    assert caught.value.code == "window_open"
    set_today(settings, "2026-05-07")  # the window (1 month → 05-02, 劳动节 → 05-06) has passed
    assert svc.accountability_close(acting_user=officer, accountability_id=case.pk).state == AS.CLOSED
