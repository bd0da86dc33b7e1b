"""The objection endpoints: a whole objection through the API, visibility (a stranger
gets 404 everywhere), refusals as 400 naming the field, and the deadline rows shown."""

import pytest

from casework.models import Objection

from . import lifecycle
from .api_fixtures import api, db_state
from .objection_steps import STATEMENT, day, filed, upload, verifying

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.data
    return response.data


@pytest.fixture
def record(officer, approver, unit, settings):
    settings.CHENGXIN_TODAY = "2026-09-24"
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


def step(client, objection_id, slug, data=None):
    return client.post(f"/api/objections/{objection_id}/{slug}/", data or {}, format="json")


def test_an_objection_goes_from_filing_to_closing_through_the_api(
    officer, approver, liaison, record, settings
):
    """Scenario 2 through the API: received Thu 2026-09-24, accepted Mon 2026-09-28, decided
    as 更正 after a 5-WD extension (due Fri 10-16 → Fri 10-23)."""
    evidence = upload(record, liaison)
    objection = ok(
        api(liaison).post(
            f"/api/records/{record.pk}/objections/",
            {"ground": "ERROR", "statement": STATEMENT, "attachment_ids": [evidence.pk]},
            format="json",
        ),
        201,
    )
    assert objection["state"] == "SUBMITTED" and objection["state_display"] == "已提交"
    assert [a["sha256"] for a in objection["attachments"]] == [evidence.sha256]
    assert [(d["kind"], d["due_on"]) for d in objection["deadlines"]] == [("objection_accept", "2026-09-29")]
    oid = objection["id"]

    settings.CHENGXIN_TODAY = "2026-09-28"
    accepted = ok(step(api(officer), oid, "accept"))
    assert accepted["accepted_on"] == "2026-09-28"
    assert {(d["kind"], d["due_on"], d["status"]) for d in accepted["deadlines"]} == {
        ("objection_accept", "2026-09-29", "MET"),
        ("objection_decide", "2026-10-16", "OPEN"),
    }
    shown = ok(api(liaison).get(f"/api/records/{record.pk}/"))
    assert shown["objection_pending"] and shown["public"]

    ok(step(api(officer), oid, "start-verification"))
    extended = ok(step(api(approver), oid, "extend", {"reason": "需向信息提供单位核实"}))
    assert extended["state"] == "EXTENDED"
    assert [d["due_on"] for d in extended["deadlines"] if d["status"] == "OPEN"] == ["2026-10-23"]

    settings.CHENGXIN_TODAY = "2026-10-20"
    decided = ok(
        step(
            api(approver),
            oid,
            "decide",
            {
                "outcome": "CORRECT",
                "reason": "金额有误",
                "corrections": {"facts": "拖欠中小企业账款 12 万元。"},
            },
        )
    )
    assert (decided["state"], decided["outcome_display"], decided["decided_on"]) == (
        "DECIDED",
        "更正",
        "2026-10-20",
    )
    shown = ok(api(liaison).get(f"/api/records/{record.pk}/"))
    assert shown["facts"] == "拖欠中小企业账款 12 万元。" and not shown["objection_pending"]

    ok(step(api(officer), oid, "serve", {"served_on": "2026-10-20"}))
    assert ok(step(api(officer), oid, "close"))["state"] == "CLOSED"
    listed = ok(api(liaison).get(f"/api/records/{record.pk}/objections/"))
    assert [o["id"] for o in listed] == [oid]
    assert ok(api(liaison).get(f"/api/objections/{oid}/"))["state_display"] == "已办结"


def test_a_stranger_gets_404_on_every_objection_path(other_liaison, liaison, record):
    objection = filed(subject=liaison, record=record)
    stranger = api(other_liaison)
    before = db_state(record.pk)
    responses = [
        stranger.post(
            f"/api/records/{record.pk}/objections/", {"ground": "ERROR", "statement": "x"}, format="json"
        ),
        stranger.get(f"/api/records/{record.pk}/objections/"),
        stranger.get(f"/api/objections/{objection.pk}/"),
        step(stranger, objection.pk, "supplement", {"complete_on": "2026-09-24", "statement_addition": "x"}),
    ]
    assert [r.status_code for r in responses] == [404] * 4
    assert all(r.data["code"] == "not_found" for r in responses)
    assert db_state(record.pk) == before and Objection.objects.count() == 1


def test_a_stranger_gets_404_even_with_bad_input(other_liaison, liaison, record):
    objection = filed(subject=liaison, record=record)
    response = step(api(other_liaison), objection.pk, "supplement", {"complete_on": "not a date"})
    assert response.status_code == 404


def test_an_approver_may_not_file(approver, record):
    """The officer records a paper objection (tests/test_filing_dates.py); the approver decides."""
    response = api(approver).post(
        f"/api/records/{record.pk}/objections/", {"ground": "ERROR", "statement": STATEMENT}, format="json"
    )
    assert response.status_code == 403 and "提出异议" in response.data["detail"]


def test_an_illegal_transition_is_a_400_naming_the_state(officer, approver, liaison, record):
    objection = filed(subject=liaison, record=record)
    before = db_state(record.pk)
    response = step(api(approver), objection.pk, "decide", {"outcome": "MAINTAIN", "reason": "维持"})
    assert response.status_code == 400
    assert response.data["field"] == "state" and response.data["code"] == "illegal_transition"
    assert "已提交" in response.data["detail"] and "作出异议处理决定" in response.data["detail"]
    response = step(api(officer), objection.pk, "close")
    assert response.status_code == 400 and response.data["field"] == "state"
    assert db_state(record.pk) == before


def test_a_bad_outcome_is_a_400_naming_outcome(officer, approver, liaison, record):
    objection = verifying(subject=liaison, officer=officer, record=record)
    response = step(api(approver), objection.pk, "decide", {"outcome": "ABOLISH", "reason": "?"})
    assert response.status_code == 400
    assert response.data["field"] == "outcome"
    assert response.data["detail"] == "处理结果“ABOLISH”不在可选范围内，请从所列选项中选择"


def test_dates_are_checked_by_the_api(officer, liaison, record):
    objection = filed(subject=liaison, record=record)
    response = step(api(officer), objection.pk, "accept", {"accepted_on": "2026-02-30"})
    assert response.status_code == 400 and response.data["field"] == "accepted_on"
    assert response.data["detail"] == "受理日期格式不正确，请按“年-月-日”填写，例如 2026-01-31"
    response = step(api(officer), objection.pk, "accept", {"accepted_on": "2026-12-01"})
    assert response.status_code == 400 and response.data["field"] == "accepted_on"
    assert "不能晚于今天" in response.data["detail"]


def test_a_repeated_objection_is_stored_as_not_accepted(liaison, record):
    client = api(liaison)
    body = {"ground": "CONDITIONS", "statement": STATEMENT}
    ok(client.post(f"/api/records/{record.pk}/objections/", body, format="json"), 201)
    repeat = ok(client.post(f"/api/records/{record.pk}/objections/", body, format="json"), 201)
    assert repeat["state"] == "NOT_ACCEPTED"
    assert repeat["not_accepted_reason"] == "同一理由重复提出且无新证据"
    assert repeat["deadlines"] == []


def test_the_civil_servant_sees_and_files_only_on_their_own_record(
    officer, approver, civil_servant, liaison, record, settings
):
    own = lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person, category="DIS")
    client = api(civil_servant)
    ok(
        client.post(
            f"/api/records/{own.pk}/objections/", {"ground": "ERROR", "statement": "事实有误"}, format="json"
        ),
        201,
    )
    unit_objection = filed(subject=liaison, record=record)
    assert client.get(f"/api/objections/{unit_objection.pk}/").status_code == 404
    assert client.get(f"/api/records/{record.pk}/objections/").status_code == 404
    assert day("2026-09-24") == Objection.objects.get(record=own).received_on
