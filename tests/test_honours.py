"""Honours eligibility (评优评先查询, DOMAIN §9.7, §4.4; scenarios 19 and 31) and the civil
servant's integrity file (§9.5)."""

import datetime as dt

import pytest

from casework.errors import PermissionDeniedError
from casework.models import AuditEntry, HonourQuery
from casework.models.audit import AppendOnlyError
from casework.roles import Role
from casework.services import honours
from casework.services.records import decided as decided_records

from . import lifecycle
from .accountability_steps import decided, decision, set_today
from .api_fixtures import api
from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def check(user, on=None, **subject):
    return honours.honours_check(acting_user=user, purpose="2026 年度优秀公务员评选", on=on, **subject)


def test_a_person_is_ineligible_on_the_last_day_of_a_warning_and_eligible_the_day_after(hr, person, warned):
    """Scenario 19: the period ends 2026-09-30 (month-end rule, no roll-forward)."""
    last_day = check(hr, on=dt.date(2026, 9, 30), person_id=person.pk)
    assert not last_day.eligible
    assert last_day.reasons == ["处于警告处分期内（2026-03-31 至 2026-09-30）"]
    assert check(hr, on=dt.date(2026, 10, 1), person_id=person.pk).eligible


def test_every_query_is_logged_with_requester_purpose_and_result(hr, person, warned):
    """Scenario 31."""
    result = check(hr, on=dt.date(2026, 9, 30), person_id=person.pk)
    query = HonourQuery.objects.get(pk=result.query_id)
    assert (query.requester, query.person, query.purpose) == (hr, person, "2026 年度优秀公务员评选")
    assert (query.on_date, query.eligible, query.reasons) == (dt.date(2026, 9, 30), False, result.reasons)
    entry = AuditEntry.objects.get(action="honours.check")
    assert entry.actor == hr and entry.actor_role == Role.HR_ADMIN and entry.reason == query.purpose


def test_the_log_can_be_neither_changed_nor_deleted_within_five_years(hr, person, warned):
    """Scenario 31; S10 Art 45: 查询记录保存五年以上."""
    query = HonourQuery.objects.get(pk=check(hr, person_id=person.pk).query_id)
    query.eligible = True
    for attempt in (
        query.save,
        query.delete,
        HonourQuery.objects.all().delete,
        lambda: HonourQuery.objects.update(eligible=True),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert HonourQuery.objects.get().eligible is False


def test_the_log_may_be_purged_once_its_retention_ran_out(hr, person, warned, settings):
    check(hr, person_id=person.pk)
    later = dt.date.today().replace(year=dt.date.today().year + 5) + dt.timedelta(days=1)
    settings.CHENGXIN_TODAY = later.isoformat()  # the retention counts on the legal clock
    HonourQuery.objects.all().delete()
    assert not HonourQuery.objects.exists()


@pytest.mark.parametrize("role", [Role.CIVIL_SERVANT, Role.UNIT_LIAISON, Role.ASSESSOR])
def test_only_authorised_staff_may_query_and_a_refusal_logs_nothing(role, person, db):
    with pytest.raises(PermissionDeniedError):
        check(UserFactory(roles=[role]), person_id=person.pk)
    assert not HonourQuery.objects.exists()


def test_a_record_in_force_about_the_person_makes_them_ineligible_until_revoked(
    officer, approver, person, fixed_today
):
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    result = check(officer, person_id=person.pk)
    assert not result.eligible and record.reference in result.reasons[0]
    decided_records.record_revoke(
        acting_user=approver, record_id=record.pk, reason="原决定被撤销。", document="撤销决定书"
    )
    assert check(officer, person_id=person.pk).eligible


def test_an_organisation_with_a_record_in_force_is_ineligible(officer, approver, unit, fixed_today):
    credit_admin = UserFactory(roles=[Role.CREDIT_ADMIN])
    lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert not check(credit_admin, organisation_id=unit.pk).eligible
    assert check(credit_admin, organisation_id=OrganisationFactory().pk).eligible


def test_an_expulsion_bars_honours_with_no_end(settings, officer, approver, unit, person, hr, fixed_today):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    set_today(settings, "2026-04-01")
    decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "EXPULSION")],
        decided_on=dt.date(2026, 3, 31),
    )
    assert check(hr, on=dt.date(2031, 1, 1), person_id=person.pk).reasons == ["2026-03-31 受到开除处分"]


def test_the_check_through_the_api(hr, person, civil_servant, warned):
    body = {"person": person.pk, "purpose": "年度评优", "on": "2026-09-30"}
    response = api(hr).post("/api/honours/check/", body, format="json")
    assert response.status_code == 200, response.data
    assert response.data["eligible"] is False and len(response.data["reasons"]) == 1
    assert api(civil_servant).post("/api/honours/check/", body, format="json").status_code == 403
    missing = api(hr).post("/api/honours/check/", {"purpose": "年度评优"}, format="json")
    assert (missing.status_code, missing.data["field"]) == (400, "subject")
    assert HonourQuery.objects.count() == 1


def test_the_integrity_file_lists_records_and_sanctions_with_their_status(
    settings, officer, approver, person, warned
):
    record = lifecycle.effective(officer=officer, approver=approver, person=person, content="个人失信。")
    file = honours.integrity_file(person, on=dt.date(2026, 6, 1))
    assert [(e.id, e.label) for e in file.records] == [(record.pk, "生效")]
    assert [(e.title, e.label) for e in file.sanctions] == [("警告", "执行中")]
    assert honours.integrity_file(person, on=dt.date(2026, 10, 1)).sanctions[0].label == "已解除"
