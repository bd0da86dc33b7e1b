"""The credit-repair API (DOMAIN §6.5): the applicant's eligibility view, applying, the
decision steps, registering performed obligations; hidden objects are 404, illegal steps
400, refusal reasons only from the fixed list."""

import datetime as dt

import pytest

from casework.lifecycle import RecordState, RepairState
from casework.models import RepairApplication

from .api_fixtures import api, db_state
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

COMMITMENT = {"commitment": "本单位承诺：已纠正失信行为，今后依法依规履约践诺。"}


@pytest.fixture
def record(settings, officer, approver, unit):
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


def _apply(user, record, **data):
    return api(user).post(f"/api/records/{record.pk}/repairs/", {**COMMITMENT, **data}, format="json")


def test_the_applicant_sees_every_condition_and_the_earliest_date(settings, record, liaison):
    """Scenario 13 as the applicant sees it on 2026-04-15."""
    set_today(settings, "2026-04-15")

    response = api(liaison).get(f"/api/records/{record.pk}/repair-eligibility/")

    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    assert body["earliest_date"] == "2026-04-16"
    assert body["on"] == "2026-04-15"
    codes = {c["code"]: c for c in body["conditions"]}
    assert set(codes) == {
        "EFFECTIVE",
        "EXCLUDED",
        "PREMATURE",
        "FRAUD_BAR",
        "RECTIFICATION",
        "OBLIGATIONS",
        "ACCOUNTABILITY",
    }
    assert codes["PREMATURE"]["passed"] is False and "2026-04-16" in codes["PREMATURE"]["reason"]
    assert all(c["label"] and c["reason"] for c in body["conditions"])


def test_a_premature_application_is_answered_with_a_refusal(settings, record, liaison, head):
    set_today(settings, "2026-04-15")

    response = _apply(liaison, record, commitment_signed_by=head.pk)

    assert response.status_code == 422  # refused on filing: recorded, but not a 201
    assert response.json()["code"] == "repair_refused"
    body = response.json()["application"]
    assert body["state"] == RepairState.REFUSED
    assert body["refusal_reason"] == "PREMATURE"
    assert body["refusal_reason_display"] == "最短公示期未满"


def test_a_complete_application_is_accepted_with_its_time_limits(settings, record, head):
    """Scenario 16 through the API."""
    set_today(settings, "2026-06-17")

    response = _apply(head, record)

    body = response.json()
    assert response.status_code == 201
    assert body["state"] == RepairState.ACCEPTED
    due = {d["kind"]: d["due_on"] for d in body["deadlines"]}
    assert due == {"repair_decide": "2026-06-23", "repair_answer": "2026-07-02"}


def test_the_approver_grants_and_the_record_is_repaired(settings, record, head, approver):
    """Scenario 17 through the API."""
    set_today(settings, "2026-06-17")
    application_id = _apply(head, record).json()["id"]

    response = api(approver).post(f"/api/repairs/{application_id}/grant/")

    assert response.status_code == 200
    assert response.json()["state"] == RepairState.GRANTED
    assert response.json()["rule_version"] == "NDRC36/2025"
    detail = api(approver).get(f"/api/records/{record.pk}/").json()
    assert detail["state"] == RecordState.REPAIRED and detail["public"] is False


def test_a_stranger_gets_404_everywhere(settings, record, head, other_liaison):
    set_today(settings, "2026-06-17")
    application_id = _apply(head, record).json()["id"]
    before = db_state(record.pk)
    stranger = api(other_liaison)

    responses = [
        stranger.get(f"/api/records/{record.pk}/repair-eligibility/"),
        stranger.get(f"/api/records/{record.pk}/repairs/"),
        stranger.post(f"/api/records/{record.pk}/repairs/", {}, format="json"),
        stranger.post(f"/api/records/{record.pk}/obligations-fulfilled/", {}, format="json"),
        stranger.get(f"/api/repairs/{application_id}/"),
        stranger.post(f"/api/repairs/{application_id}/grant/"),
        stranger.post(f"/api/repairs/{application_id}/refuse/", {"reason": "nonsense"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert db_state(record.pk) == before


def test_the_subject_may_not_decide_its_own_application(settings, record, head, liaison):
    set_today(settings, "2026-06-17")
    application_id = _apply(head, record).json()["id"]

    response = api(liaison).post(f"/api/repairs/{application_id}/grant/")

    assert response.status_code == 403
    assert RepairApplication.objects.get(pk=application_id).state == RepairState.ACCEPTED


def test_an_illegal_step_is_400(settings, record, head, approver):
    set_today(settings, "2026-04-15")
    application_id = _apply(head, record).json()["application"]["id"]  # refused on filing

    responses = [
        api(approver).post(f"/api/repairs/{application_id}/grant/"),
        api(approver).post(f"/api/repairs/{application_id}/revoke/", {"reason": "欺诈"}, format="json"),
        api(approver).post(f"/api/repairs/{application_id}/extend/", {"reason": "核实"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert {r.json()["code"] for r in responses} == {"illegal_transition"}


def test_a_refusal_reason_outside_the_fixed_list_is_400_naming_the_field(settings, record, head, approver):
    set_today(settings, "2026-06-17")
    application_id = _apply(head, record).json()["id"]

    response = api(approver).post(
        f"/api/repairs/{application_id}/refuse/", {"reason": "NOT_A_REASON", "detail": "—"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    assert response.json()["detail"].startswith("不予修复理由")
    ok = api(approver).post(
        f"/api/repairs/{application_id}/refuse/",
        {"reason": "OBLIGATIONS", "detail": "执行案件尚未结案。"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["refusal_reason_display"] == "义务未履行"


def test_an_application_without_a_commitment_is_400_naming_the_field(settings, record, head):
    set_today(settings, "2026-06-17")

    response = api(head).post(f"/api/records/{record.pk}/repairs/", {"commitment": ""}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "commitment"
    assert not RepairApplication.objects.exists()


def test_the_officer_registers_performed_obligations(settings, officer, approver, unit, head):
    """Scenario 18: a JUD record is refused "义务未履行" until the judgment is performed."""
    record = effective_record(
        settings,
        officer=officer,
        approver=approver,
        organisation=unit,
        category="JUD",
        determined_on=dt.date(2026, 1, 15),
    )
    set_today(settings, "2026-05-06")
    refused = _apply(head, record).json()["application"]
    assert (refused["state"], refused["refusal_reason_display"]) == (RepairState.REFUSED, "义务未履行")

    response = api(officer).post(
        f"/api/records/{record.pk}/obligations-fulfilled/",
        {"on": "2026-05-06", "evidence": "（2025）粤1971执100号结案通知书"},
        format="json",
    )

    assert response.status_code == 200
    assert _apply(head, record).json()["state"] == RepairState.ACCEPTED


def test_the_subjects_list_shows_its_applications(settings, record, head, liaison):
    set_today(settings, "2026-04-15")
    _apply(head, record)
    set_today(settings, "2026-04-16")
    _apply(head, record)

    response = api(liaison).get(f"/api/records/{record.pk}/repairs/")

    assert response.status_code == 200
    assert [a["state"] for a in response.json()] == [RepairState.ACCEPTED, RepairState.REFUSED]


def test_a_liaison_must_name_the_unit_head_who_signed_the_commitment(settings, record, liaison, officer):
    set_today(settings, "2026-06-17")

    unsigned = _apply(liaison, record)
    signed_by_officer = _apply(liaison, record, commitment_signed_by=officer.pk)

    assert [unsigned.status_code, signed_by_officer.status_code] == [400, 400]
    assert {unsigned.json()["field"], signed_by_officer.json()["field"]} == {"commitment_signed_by"}
    assert not RepairApplication.objects.exists()
