"""Appeals against a decision (DOMAIN §6.4; scenarios 20 and 21): the windows per track
with roll-forward, the decision limits, the sanction running on during the appeal, and
no heavier sanction on review."""

import datetime as dt

import pytest

from casework.errors import ConflictError, DomainError, PermissionDeniedError
from casework.lifecycle import AccountabilityState
from casework.models import Accountability, Appeal, AuditEntry, Deadline, Sanction
from casework.roles import Role
from casework.services import accountability as svc
from casework.services import honours
from casework.services.accountability import appeals, sanctions

from .accountability_steps import decision, served, set_today
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
AS = AccountabilityState


@pytest.fixture
def sanctioned(settings, officer, approver, record, person):
    """Scenario 20: a 政务处分 (记过) decided on Mon 2026-08-31, served on Tue 2026-09-01,
    executed and its period started by HR the same day."""
    set_today(settings, "2026-09-01")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "DEMERIT")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    in_period(officer, case)
    return Sanction.objects.get()


def in_period(officer, case):
    svc.accountability_execute(acting_user=officer, accountability_id=case.pk)
    hr = UserFactory(roles=[Role.HR_ADMIN])
    return svc.accountability_start_period(acting_user=hr, accountability_id=case.pk)


def appeal(user, sanction, filed_on, kind="REVIEW"):
    return appeals.accountability_appeal(
        acting_user=user,
        sanction_id=sanction.pk,
        kind=kind,
        filed_on=filed_on,
        grounds="处分过重，情节认定有误。",
    )


def test_service_opens_the_review_window_through_8_october(sanctioned):
    """Scenario 20: 1 month from Tue 2026-09-01 is 10-01, a holiday → rolled to Thu 10-08."""
    window = Deadline.objects.get(kind="appeal_review_apply")
    assert (window.start_on, window.due_on) == (dt.date(2026, 9, 1), dt.date(2026, 10, 8))
    assert appeals.appeal_window_end(sanctioned, "REVIEW") == dt.date(2026, 10, 8)


def test_a_review_filed_on_the_last_day_is_accepted_and_due_within_a_month(
    settings, civil_servant, sanctioned
):
    set_today(settings, "2026-10-08")
    filed = appeal(civil_servant, sanctioned, dt.date(2026, 10, 8))
    # 1 month from 10-08 is Sun 11-08 → Mon 11-09 (an action deadline rolls forward).
    assert filed.decision_due == dt.date(2026, 11, 9)
    assert Deadline.objects.get(kind="appeal_review_decide").due_on == dt.date(2026, 11, 9)
    assert Deadline.objects.get(kind="appeal_review_apply").status == "MET"
    assert Accountability.objects.get().state == AS.APPEALED


def test_a_review_filed_the_day_after_the_window_is_refused_naming_the_date(
    settings, civil_servant, sanctioned
):
    set_today(settings, "2026-10-09")
    with pytest.raises(DomainError) as caught:
        appeal(civil_servant, sanctioned, dt.date(2026, 10, 9))
    assert caught.value.field == "filed_on"
    assert str(caught.value.message) == "复审申请期已于2026年10月8日届满，不能再提出申请。"
    assert not Appeal.objects.exists()


def test_the_sanction_runs_on_during_the_appeal(settings, civil_servant, officer, sanctioned, person):
    """Scenario 20: the status stays "执行中"; the person is still not eligible for honours."""
    set_today(settings, "2026-09-10")
    appeal(civil_servant, sanctioned, dt.date(2026, 9, 10))
    sanctioned.refresh_from_db()
    assert sanctions.status_label(sanctioned, dt.date(2026, 9, 10)) == "执行中"
    assert sanctioned.period_end == dt.date(2027, 8, 31)
    result = honours.honours_check(acting_user=officer, person_id=person.pk, purpose="年度评优")
    assert not result.eligible


def test_a_re_review_follows_the_review_decision_and_is_due_in_two_months(
    settings, civil_servant, approver, sanctioned
):
    set_today(settings, "2026-09-10")
    review = appeal(civil_servant, sanctioned, dt.date(2026, 9, 10))
    with pytest.raises(DomainError):
        appeal(civil_servant, sanctioned, dt.date(2026, 9, 10), kind="RE_REVIEW")
    set_today(settings, "2026-10-20")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=review.pk, outcome="UPHELD")
    set_today(settings, "2026-10-30")
    second = appeal(civil_servant, sanctioned, dt.date(2026, 10, 30), kind="RE_REVIEW")
    assert second.decision_due == dt.date(2026, 12, 30)


def test_only_the_sanctioned_person_may_appeal(settings, sanctioned, person, db):
    """The officer records an appeal received on paper (tests/test_filing_dates.py); nobody
    else who sees the case files one for the person."""
    set_today(settings, "2026-09-10")
    colleague = UserFactory(person=PersonFactory(unit=person.unit), roles=[Role.CIVIL_SERVANT])
    with pytest.raises(DomainError) as caught:  # the case is not theirs: it does not exist for them
        appeal(colleague, sanctioned, dt.date(2026, 9, 10))
    assert caught.value.status_code == 404
    approver = UserFactory(roles=[Role.APPROVER])
    with pytest.raises(PermissionDeniedError):
        appeal(approver, sanctioned, dt.date(2026, 9, 10))


def test_an_appeal_kind_of_another_track_is_refused(settings, civil_servant, sanctioned):
    set_today(settings, "2026-09-10")
    with pytest.raises(DomainError) as caught:
        appeal(civil_servant, sanctioned, dt.date(2026, 9, 10), kind="CS_REVIEW")
    assert caught.value.field == "kind"


# ── the decision on an appeal ───────────────────────────────────────────────────────
@pytest.fixture
def under_review(settings, civil_servant, sanctioned):
    set_today(settings, "2026-09-10")
    return appeal(civil_servant, sanctioned, dt.date(2026, 9, 10))


def test_a_review_may_not_make_the_sanction_heavier(settings, approver, under_review, sanctioned):
    """S14 Art 55–59, S15 Art 56: no heavier sanction on review."""
    set_today(settings, "2026-10-09")
    with pytest.raises(DomainError) as caught:
        appeals.accountability_decide_appeal(
            acting_user=approver, appeal_id=under_review.pk, outcome="VARIED", decision_type="MAJOR_DEMERIT"
        )
    assert caught.value.code == "heavier" and caught.value.field == "decision_type"
    sanctioned.refresh_from_db()
    assert sanctioned.decision_type == "DEMERIT" and not Appeal.objects.get().outcome


def test_a_varied_decision_recomputes_a_shorter_period(settings, approver, under_review, sanctioned):
    set_today(settings, "2026-10-09")
    decided = appeals.accountability_decide_appeal(
        acting_user=approver, appeal_id=under_review.pk, outcome="VARIED", decision_type="WARNING"
    )
    assert (decided.outcome, decided.decided_on) == ("VARIED", dt.date(2026, 10, 9))
    sanctioned.refresh_from_db()
    assert (sanctioned.decision_type, sanctioned.period_end) == ("WARNING", dt.date(2027, 2, 28))
    case = Accountability.objects.get()
    assert case.state == AS.IN_PERIOD
    assert Deadline.objects.get(kind="appeal_review_decide").status == "MET"
    entry = AuditEntry.objects.filter(action="accountability.decide_appeal").get()
    assert entry.from_state == AS.APPEALED and "sanctions" in entry.diff


def test_a_revoked_sanction_restores_eligibility_at_once(settings, approver, officer, under_review, person):
    set_today(settings, "2026-10-09")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=under_review.pk, outcome="REVOKED")
    assert Sanction.objects.get().revoked
    assert honours.honours_check(acting_user=officer, person_id=person.pk, purpose="年度评优").eligible


def test_an_appeal_is_decided_once(settings, approver, under_review):
    set_today(settings, "2026-10-09")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=under_review.pk, outcome="UPHELD")
    with pytest.raises(DomainError) as caught:
        appeals.accountability_decide_appeal(
            acting_user=approver, appeal_id=under_review.pk, outcome="REVOKED"
        )
    assert not isinstance(caught.value, ConflictError)
    assert Appeal.objects.get().outcome == "UPHELD" and not Sanction.objects.get().revoked


def test_one_persons_appeal_leaves_the_case_appealed_until_every_appeal_is_decided(
    settings, officer, approver, record, person, civil_servant
):
    set_today(settings, "2026-09-10")
    other = UserFactory(person=PersonFactory(unit=person.unit), roles=[Role.CIVIL_SERVANT])
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person, other.person],
        decisions=[decision(person, "WARNING"), decision(other.person, "WARNING")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    in_period(officer, case)
    first = appeal(civil_servant, Sanction.objects.get(person=person), dt.date(2026, 9, 10))
    second = appeal(other, Sanction.objects.get(person=other.person), dt.date(2026, 9, 10))
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=first.pk, outcome="UPHELD")
    assert Accountability.objects.get().state == AS.APPEALED
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=second.pk, outcome="UPHELD")
    assert Accountability.objects.get().state == AS.IN_PERIOD


# ── 公务员法 (scenario 21) and 问责 ─────────────────────────────────────────────────────
@pytest.fixture
def appointing(settings, officer, approver, record, person):
    """A 处分 by the appointing body, known to the person on Tue 2026-01-20."""
    set_today(settings, "2026-01-20")
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        track="APPOINTING",
        on=dt.date(2026, 1, 19),
        decisions=[decision(person, "WARNING", basis="《公务员法》第六十二条")],
        decided_on=dt.date(2026, 1, 20),
        served_on=dt.date(2026, 1, 20),
    )
    return Sanction.objects.get()


def test_the_civil_service_review_window_rolls_past_spring_festival(settings, civil_servant, appointing):
    """Scenario 21: 30 days from 2026-01-20 is 02-19, a holiday → 02-24."""
    assert Deadline.objects.get(kind="appeal_cs_review_apply").due_on == dt.date(2026, 2, 24)
    set_today(settings, "2026-02-25")
    for claimed in (dt.date(2026, 2, 25), dt.date(2026, 2, 24)):  # judged on the day received
        with pytest.raises(DomainError) as caught:
            appeal(civil_servant, appointing, claimed, kind="CS_REVIEW")
        assert caught.value.field == "filed_on" and "2026年2月24日届满" in str(caught.value.message)
    set_today(settings, "2026-02-24")
    filed = appeal(civil_servant, appointing, dt.date(2026, 2, 24), kind="CS_REVIEW")
    assert filed.decision_due == dt.date(2026, 3, 26)  # 30 days, a Thursday


def test_a_complaint_may_be_filed_directly_within_thirty_days(settings, civil_servant, appointing):
    """S16 Art 95: 申诉 within 15 days of the 复核 decision, or directly within 30 days."""
    set_today(settings, "2026-02-24")
    filed = appeal(civil_servant, appointing, dt.date(2026, 2, 24), kind="COMPLAINT")
    assert filed.decision_due == dt.date(2026, 4, 27)  # 60 days → Sat 04-25 → Mon 04-27


def test_a_party_appeal_window_is_fifteen_days(settings, officer, approver, record, person, civil_servant):
    set_today(settings, "2026-09-01")
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        track="PARTY",
        decisions=[decision(person, "ADMONITION", basis="《中国共产党问责条例》第八条")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    assert Deadline.objects.get(kind="appeal_party_appeal_apply").due_on == dt.date(2026, 9, 16)
    set_today(settings, "2026-09-16")
    filed = appeal(civil_servant, Sanction.objects.get(), dt.date(2026, 9, 16), kind="PARTY_APPEAL")
    assert filed.decision_due == dt.date(2026, 10, 16)


def test_the_release_sweep_waits_for_a_pending_appeal(settings, approver, hr, under_review, sanctioned):
    case = sanctioned.accountability
    assert svc.sanctions_release_due(dt.date(2027, 9, 1)) == 1
    case.refresh_from_db()
    assert case.state == AS.APPEALED
    set_today(settings, "2027-09-01")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=under_review.pk, outcome="UPHELD")
    svc.sanctions_release_due(dt.date(2027, 9, 2))
    case.refresh_from_db()
    assert case.state == AS.RELEASED
