"""The risk rules of DOMAIN §9.2 (oversight.risk.rules): what each finds on a given day,
counted in working days on the 2026 calendar, and in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.errors import DomainError, PermissionDeniedError
from casework.models import Record
from exchange.models import DefaulterEntry, ImportBatch
from exchange.models.court import EntryStatus, MatchState
from oversight import payments
from oversight.models import RiskRule, SmePayment
from oversight.risk.rules import EVALUATORS

from . import lifecycle
from .factories import LeadFactory, OrganisationFactory, PersonFactory, _credit_code
from .sweep_cases import objection_under_decision, served_rectification

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def found(code: str, today: str):
    rule = RiskRule.objects.get(pk=code)
    return EVALUATORS[code](rule, D(today))


def queries(code: str, today: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        found(code, today)
    return len(captured.captured_queries)


def test_every_rule_of_this_part_has_its_row_and_its_evaluator():
    rows = RiskRule.objects.filter(pk__in=list(EVALUATORS)).values_list("code", "level", "owner_role")
    assert {code for code, _level, _role in rows} >= {
        "rectification_due",
        "decision_due",
        "repeat_records",
        "court_defaulter",
        "sme_payment_late",
    }
    assert all(level and role for _code, level, role in rows)


# ── rectification due in ≤3 working days ───────────────────────────────────────────────


def test_a_rectification_due_thursday_after_national_day_is_found_three_working_days_before(
    officer, approver, unit, settings
):
    """Items served 2026-09-01 are due Thu 10-08 (scenario 8). From Mon 09-28 the third working
    day ahead is 10-08 (09-29, 09-30, then the holiday): found; from Fri 09-25 it is 09-30: not."""
    settings.CHENGXIN_TODAY = "2026-09-01"
    order = served_rectification(officer=officer, approver=approver, unit=unit, items=2)

    assert found("rectification_due", "2026-09-25") == []
    causes = found("rectification_due", "2026-09-28")
    assert len(causes) == 2
    assert {c.due_on for c in causes} == {D("2026-10-08")}
    assert {c.organisation_id for c in causes} == {unit.pk}
    assert {c.record_id for c in causes} == {order.record_id}
    assert "第 1 项" in causes[0].summary or "第 1 项" in causes[1].summary
    assert len({c.key for c in causes}) == 2


def test_the_rectification_rule_runs_the_same_queries_for_one_item_or_many(officer, approver, unit, settings):
    settings.CHENGXIN_TODAY = "2026-09-01"
    served_rectification(officer=officer, approver=approver, unit=unit, items=1)
    one = queries("rectification_due", "2026-09-28")
    served_rectification(officer=officer, approver=approver, unit=OrganisationFactory(), items=5)
    assert len(found("rectification_due", "2026-09-28")) == 6
    assert queries("rectification_due", "2026-09-28") == one


# ── objection and repair decisions due in ≤1 working day ───────────────────────────────


def test_an_objection_decision_due_friday_is_found_on_thursday_not_before(
    officer, approver, liaison, unit, settings
):
    """Decision due Fri 2026-10-16 (scenario 2): on Thu 10-15 one working day is left."""
    objection = objection_under_decision(
        officer=officer, approver=approver, liaison=liaison, unit=unit, settings=settings
    )
    assert found("decision_due", "2026-10-14") == []
    [cause] = found("decision_due", "2026-10-15")
    assert (cause.due_on, cause.record_id, cause.organisation_id) == (
        D("2026-10-16"),
        objection.record_id,
        unit.pk,
    )
    assert "异议处理决定" in cause.summary
    # still a cause once late, until decided
    assert [c.key for c in found("decision_due", "2026-10-19")] == [cause.key]


# ── ≥2 records in 12 months ────────────────────────────────────────────────────────────


def test_a_unit_with_two_records_determined_within_twelve_months_is_found_until_the_first_leaves(
    officer, approver, unit, other_unit, fixed_today
):
    """Both determined 2026-01-15: counted by determination date over the 12 months up to today."""
    for n in range(2):
        lifecycle.determined(
            officer=officer, approver=approver, organisation=unit, content=f"第{n}条失信事实。"
        )
    lifecycle.determined(officer=officer, approver=approver, organisation=other_unit)

    [cause] = found("repeat_records", "2026-02-02")
    assert (cause.key, cause.organisation_id) == (f"organisation:{unit.pk}", unit.pk)
    assert "2 条" in cause.summary and unit.name in cause.summary
    assert [c.key for c in found("repeat_records", "2027-01-14")] == [cause.key]
    assert found("repeat_records", "2027-01-15") == []


def test_revoked_records_do_not_count_and_a_persons_alert_names_no_unit(db, unit):
    person = PersonFactory(unit=unit)
    people = LeadFactory.create_batch(2, subject_organisation=None, subject_person=person)
    units = LeadFactory.create_batch(2, subject_organisation=unit)
    Record.objects.filter(pk__in=[r.pk for r in people + units]).update(
        state="EFFECTIVE", determination_date=D("2026-05-01")
    )
    Record.objects.filter(pk=units[0].pk).update(state="REVOKED")

    [cause] = found("repeat_records", "2026-06-01")
    assert (cause.key, cause.organisation_id) == (f"person:{person.pk}", None)


def test_the_repeat_rule_runs_the_same_queries_for_one_subject_or_many(db):
    def subjects(n):
        for _ in range(n):
            leads = LeadFactory.create_batch(2)
            Record.objects.filter(pk__in=[r.pk for r in leads]).update(
                state="EFFECTIVE", determination_date=D("2026-05-01")
            )
            Record.objects.filter(pk=leads[1].pk).update(subject_organisation=leads[0].subject_organisation)

    subjects(1)
    one = queries("repeat_records", "2026-06-01")
    subjects(4)
    assert len(found("repeat_records", "2026-06-01")) == 5
    assert queries("repeat_records", "2026-06-01") == one


# ── on the court's list of defaulters ──────────────────────────────────────────────────


def entry(organisation, match, status=EntryStatus.LISTED, n=1):
    batch = ImportBatch.objects.create(kind="defaulter_list", file_name="名单.xlsx", sha256="0" * 64)
    return DefaulterEntry.objects.create(
        case_number=f"(2026)粤1971执{n}号",
        court="东莞市第一人民法院",
        name=organisation.name,
        organisation=organisation,
        match=match,
        status=status,
        content_hash=f"{n:064d}",
        first_batch=batch,
        last_batch=batch,
    )


def test_a_listed_entry_matched_by_code_or_confirmed_is_found_a_weak_or_performed_one_is_not(
    unit, other_unit
):
    strong = entry(unit, MatchState.STRONG, n=1)
    confirmed = entry(other_unit, MatchState.CONFIRMED, n=2)
    entry(unit, MatchState.WEAK, n=3)
    entry(unit, MatchState.STRONG, status=EntryStatus.PERFORMED, n=4)

    causes = {c.key: c for c in found("court_defaulter", "2026-06-01")}
    assert set(causes) == {f"defaulter:{strong.pk}", f"defaulter:{confirmed.pk}"}
    assert causes[f"defaulter:{strong.pk}"].organisation_id == unit.pk
    assert "(2026)粤1971执1号" in causes[f"defaulter:{strong.pk}"].summary


# ── payments to SMEs ───────────────────────────────────────────────────────────────────


def record_payment(liaison, **overrides):
    data = {
        "supplier_name": "东莞市小微制造有限公司",
        "supplier_credit_code": "91" + _credit_code(7)[2:17],
        "contract_number": "HT-2026-001",
        "amount": Decimal("128000.50"),
        "accepted_on": D("2026-03-02"),
        "contract_days": None,
    } | overrides
    data["supplier_credit_code"] = valid_uscc(data["supplier_credit_code"][:17])
    return payments.payment_record(acting_user=liaison, **data)


def valid_uscc(first17: str) -> str:
    from casework.identifiers import uscc_check_char

    return first17 + uscc_check_char(first17)


def test_a_payment_is_due_thirty_days_after_acceptance_or_on_the_contract_term_rolled_off_rest_days(
    liaison, settings
):
    settings.CHENGXIN_TODAY = "2026-06-01"
    # 2026-03-02 + 30 days = Wed 04-01; + 60 days = Fri 05-01 (Labour Day, to 05-05) → Wed 05-06
    assert record_payment(liaison).due_on == D("2026-04-01")
    assert record_payment(liaison, contract_number="HT-2", contract_days=60).due_on == D("2026-05-06")
    with pytest.raises(DomainError, match="1至60日"):
        record_payment(liaison, contract_number="HT-3", contract_days=61)
    with pytest.raises(DomainError, match="已登记过"):
        record_payment(liaison, contract_number="HT-2")


def test_only_a_units_liaison_records_payments(officer, settings, liaison):
    settings.CHENGXIN_TODAY = "2026-06-01"
    with pytest.raises(PermissionDeniedError):
        record_payment(officer)


def test_an_unpaid_payment_is_found_the_day_after_its_due_date_and_no_longer_once_paid(
    liaison, unit, settings
):
    settings.CHENGXIN_TODAY = "2026-06-01"
    late = record_payment(liaison)
    record_payment(liaison, contract_number="HT-PAID", paid_on=D("2026-03-20"))

    assert found("sme_payment_late", "2026-04-01") == []
    [cause] = found("sme_payment_late", "2026-04-02")
    assert (cause.key, cause.organisation_id, cause.due_on) == (
        f"payment:{late.pk}",
        unit.pk,
        D("2026-04-01"),
    )
    assert "HT-2026-001" in cause.summary and "128,000.50" in cause.summary

    payments.payment_pay(acting_user=liaison, payment_id=late.pk, paid_on=D("2026-05-01"))
    assert found("sme_payment_late", "2026-06-01") == []
    assert SmePayment.objects.get(pk=late.pk).paid_on == D("2026-05-01")


def test_the_payment_and_court_rules_run_the_same_queries_for_one_row_or_many(liaison, unit, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    record_payment(liaison)
    entry(unit, MatchState.STRONG, n=1)
    before = (queries("sme_payment_late", "2026-06-01"), queries("court_defaulter", "2026-06-01"))
    for n in range(2, 6):
        record_payment(liaison, contract_number=f"HT-{n}")
        entry(OrganisationFactory(), MatchState.STRONG, n=n)
    assert len(found("sme_payment_late", "2026-06-01")) == 5
    assert (queries("sme_payment_late", "2026-06-01"), queries("court_defaulter", "2026-06-01")) == before
