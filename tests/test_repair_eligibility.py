"""The repair eligibility check the applicant sees before applying (DOMAIN §6.5 design),
scenarios 13, 14, 15 and 18, and the fraud bar and excluded categories."""

import datetime as dt

import pytest

from casework.models import RefusalReason
from casework.services import repair as svc
from casework.services.records import decided
from casework.services.repair.eligibility import repair_eligibility

from .factories import UserFactory
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db


def _condition(eligibility, code):
    return next(c for c in eligibility.conditions if c.code == code)


def test_a_general_record_is_premature_on_the_last_day_of_its_minimum_period(
    settings, officer, approver, unit
):
    """Scenario 13: 一般 determined Thu 2026-01-15 → refused as premature on 2026-04-15."""
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )

    result = repair_eligibility(record, dt.date(2026, 4, 15))

    period = _condition(result, RefusalReason.PREMATURE)
    assert not result.eligible
    assert not period.passed
    assert "2026-04-15" in period.reason and "2026-04-16" in period.reason
    assert result.earliest_date == dt.date(2026, 4, 16)


def test_a_general_record_passes_the_period_check_the_day_after(settings, officer, approver, unit):
    """Scenario 13: on 2026-04-16 the period check passes."""
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )

    result = repair_eligibility(record, dt.date(2026, 4, 16))

    assert _condition(result, RefusalReason.PREMATURE).passed
    assert result.eligible
    assert result.earliest_date == dt.date(2026, 4, 16)


def test_a_serious_record_may_be_repaired_from_the_day_after_one_year(settings, officer, approver, unit):
    """Scenario 14: 严重 determined 2026-03-10 → earliest repair 2027-03-11."""
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        tier="SERIOUS",
        determined_on=dt.date(2026, 3, 10),
    )

    assert repair_eligibility(record, dt.date(2026, 6, 1)).earliest_date == dt.date(2027, 3, 11)
    assert not repair_eligibility(record, dt.date(2027, 3, 10)).eligible
    assert repair_eligibility(record, dt.date(2027, 3, 11)).eligible


def test_a_minor_record_needs_only_its_obligations_performed(settings, officer, approver, unit):
    """Scenario 15: repair is allowed as soon as obligations are marked complete."""
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        tier="MINOR",
        must_disclose=True,
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-01-20")

    before = repair_eligibility(record, dt.date(2026, 1, 20))
    svc.record_mark_obligations_fulfilled(
        acting_user=officer, record_id=record.pk, on=dt.date(2026, 1, 20), evidence="付款凭证（银行回单）"
    )
    record.refresh_from_db()
    after = repair_eligibility(record, dt.date(2026, 1, 20))

    assert _condition(before, RefusalReason.PREMATURE).passed
    assert [c.code for c in before.failing] == [RefusalReason.OBLIGATIONS]
    assert after.eligible


def test_a_judgment_record_fails_while_the_judgment_is_unperformed(settings, officer, approver, unit):
    """Scenario 18: "义务未履行" while a linked judgment is unperformed."""
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        category="JUD",
        determined_on=dt.date(2026, 1, 15),
    )

    result = repair_eligibility(record, dt.date(2026, 5, 4))

    assert [c.code for c in result.failing] == [RefusalReason.OBLIGATIONS]
    assert "义务未履行" in result.failing[0].reason


def test_an_excluded_category_is_never_eligible(settings, officer, approver, unit):
    settings.CHENGXIN = {**settings.CHENGXIN, "UNREPAIRABLE_CATEGORIES": ["PRM"]}
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )

    result = repair_eligibility(record, dt.date(2026, 5, 4))

    assert [c.code for c in result.failing] == [RefusalReason.EXCLUDED]


def test_a_record_that_is_not_effective_fails_the_state_condition(settings, officer, approver, unit):
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    set_today(settings, "2026-02-02")
    decided.record_revoke(
        acting_user=approver, record_id=record.pk, reason="原判决被撤销", document="（2026）粤19民再1号"
    )
    record.refresh_from_db()

    assert [c.code for c in repair_eligibility(record, dt.date(2026, 5, 4)).failing] == ["EFFECTIVE"]


def test_a_repair_revoked_for_fraud_bars_the_subject_for_three_years(settings, officer, approver, unit):
    """DOMAIN §6.5 design: no repair fraud in the last 3 years (rule repair_fraud_bar)."""
    head = UserFactory(roles=["unit_head"], organisation=unit)
    first = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    second = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        determined_on=dt.date(2026, 1, 20),
        content="另一项拖欠账款。",
    )
    set_today(settings, "2026-05-06")
    application = svc.repair_apply(acting_user=head, record_id=first.pk, commitment="本单位承诺依法履约。")
    svc.repair_grant(acting_user=approver, application_id=application.pk)
    set_today(settings, "2026-06-01")
    svc.repair_revoke(acting_user=approver, application_id=application.pk, reason="提交的付款凭证系伪造。")

    barred = repair_eligibility(second, dt.date(2029, 6, 1))
    free = repair_eligibility(second, dt.date(2029, 6, 2))

    assert [c.code for c in barred.failing] == [RefusalReason.FRAUD_BAR]
    assert barred.earliest_date == dt.date(2029, 6, 2)
    assert free.eligible
