"""The accountability endpoints (DOMAIN §6.4): the same services through the API, and who
sees which case. A case, decision or appeal the user may not see answers 404 on every path."""

import datetime as dt

import pytest

from casework.api.accountability import STEPS
from casework.lifecycle import AccountabilityState
from casework.models import Accountability, Appeal, AuditEntry, Sanction
from casework.roles import Role

from .accountability_steps import decision, opened, served, set_today
from .api_fixtures import api
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
AS = AccountabilityState


@pytest.fixture
def colleague(person):
    """Another civil servant of the same unit, sanctioned in the same case."""
    return UserFactory(
        username="colleague", person=PersonFactory(unit=person.unit), roles=[Role.CIVIL_SERVANT]
    )


@pytest.fixture
def case(settings, officer, approver, record, person, colleague, unit):
    """Scenario 20's case against the unit and two of its civil servants, served 2026-09-01."""
    set_today(settings, "2026-09-10")
    return served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person, colleague.person],
        unit=unit,
        decisions=[decision(person, "DEMERIT"), decision(colleague.person, "WARNING")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )


def case_paths(case_id):
    yield "get", f"/api/accountability/{case_id}/"
    for slug in STEPS:
        yield "post", f"/api/accountability/{case_id}/{slug}/"


def test_the_procedure_runs_through_the_api(settings, officer, approver, record, person):
    set_today(settings, "2026-04-10")
    second = UserFactory(roles=[Role.OFFICER])
    client, boss = api(officer), api(approver)
    created = client.post(
        f"/api/records/{record.pk}/accountability/",
        {
            "track": "SUPERVISORY",
            "reason": "负有直接责任。",
            "persons": [person.pk],
            "initiated_on": "2026-03-02",
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    steps = [
        (client, "investigate", {"investigators": [officer.pk, second.pk]}),
        (client, "hear", {"notified_on": "2026-03-20", "statement": "本人对事实无异议。"}),
        (client, "deliberate", {"opinion": "事实清楚。"}),
        (
            boss,
            "decide",
            {
                "decisions": [
                    {"person": person.pk, "decision_type": "WARNING", "basis": "第三十九条"},
                    {"person": person.pk, "decision_type": "DEMERIT", "basis": "第三十九条"},
                ],
                "combined_periods": [{"person": person.pk, "months": 12}],
                "decided_on": "2026-03-31",
            },
        ),
        (client, "serve", {"served_on": "2026-04-01"}),
    ]
    for user_client, slug, body in steps:
        response = user_client.post(f"/api/accountability/{pk}/{slug}/", body, format="json")
        assert response.status_code == 200, (slug, response.data)
    assert response.data["state"] == AS.SERVED
    demerit = next(s for s in response.data["sanctions"] if s["decision_type"] == "DEMERIT")
    assert (demerit["period_end"], demerit["status_label"]) == ("2027-03-31", "执行中")
    assert [d["kind"] for d in response.data["deadlines"]] == ["appeal_review_apply"]


def test_an_illegal_step_answers_400_and_a_wrong_role_403(settings, officer, approver, record, person):
    case = opened(officer=officer, record=record, persons=[person])
    response = api(officer).post(
        f"/api/accountability/{case.pk}/serve/", {"served_on": "2026-02-01"}, format="json"
    )
    assert (response.status_code, response.data["code"]) == (400, "illegal_transition")
    second = UserFactory(roles=[Role.OFFICER])
    response = api(approver).post(
        f"/api/accountability/{case.pk}/investigate/",
        {"investigators": [officer.pk, second.pk]},
        format="json",
    )
    assert response.status_code == 403
    assert Accountability.objects.get().state == AS.INITIATED


def test_a_civil_servant_sees_only_their_own_case_and_decision(civil_servant, colleague, case, person):
    client = api(civil_servant)
    listed = client.get("/api/accountability/").data["results"]
    assert [c["id"] for c in listed] == [case.pk]
    detail = client.get(f"/api/accountability/{case.pk}/").data
    assert [s["person"] for s in detail["sanctions"]] == [person.pk]
    assert [p["id"] for p in detail["persons"]] == [person.pk]
    theirs = Sanction.objects.get(person=colleague.person)
    response = client.post(f"/api/sanctions/{theirs.pk}/appeal/", {}, format="json")
    assert response.status_code == 404


def test_a_civil_servant_outside_the_case_gets_404_on_every_path(case, db):
    stranger = UserFactory(person=PersonFactory(), roles=[Role.CIVIL_SERVANT])
    client = api(stranger)
    assert client.get("/api/accountability/").data["results"] == []
    for method, path in case_paths(case.pk):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path)


def test_another_units_liaison_gets_404_and_the_units_own_liaison_sees_the_case(liaison, other_liaison, case):
    for method, path in case_paths(case.pk):
        response = getattr(api(other_liaison), method)(path, {}, format="json")
        assert response.status_code == 404, (method, path)
    assert api(other_liaison).get("/api/accountability/").data["results"] == []
    detail = api(liaison).get(f"/api/accountability/{case.pk}/").data
    assert len(detail["sanctions"]) == 2


def test_the_subject_does_not_see_a_case_under_investigation(
    officer, record, person, civil_servant, liaison, unit
):
    case = opened(officer=officer, record=record, persons=[person], unit=unit)
    for user in (civil_servant, liaison):
        assert api(user).get(f"/api/accountability/{case.pk}/").status_code == 404


def test_an_appeal_and_its_decision_through_the_api(settings, civil_servant, approver, case, person):
    mine = Sanction.objects.get(person=person)
    response = api(civil_servant).post(
        f"/api/sanctions/{mine.pk}/appeal/",
        {"kind": "REVIEW", "filed_on": "2026-09-10", "grounds": "处分过重。"},
        format="json",
    )
    assert response.status_code == 201, response.data
    # 1 month from 09-10 is Sat 10-10, a 调休 working day: no roll-forward.
    assert response.data["decision_due"] == "2026-10-10"
    appeal_id = response.data["id"]
    heavier = api(approver).post(
        f"/api/appeals/{appeal_id}/decide/", {"outcome": "VARIED", "decision_type": "DEMOTION"}, format="json"
    )
    assert (heavier.status_code, heavier.data["field"]) == (400, "decision_type")
    response = api(approver).post(f"/api/appeals/{appeal_id}/decide/", {"outcome": "UPHELD"}, format="json")
    assert response.status_code == 200 and response.data["outcome"] == "UPHELD"
    assert (
        api(civil_servant).post(f"/api/appeals/{appeal_id}/decide/", {"outcome": "REVOKED"}).status_code
        == 403
    )
    assert Appeal.objects.get().outcome == "UPHELD"


def test_a_late_appeal_is_refused_with_the_field_named(settings, civil_servant, case, person):
    set_today(settings, "2026-10-09")
    mine = Sanction.objects.get(person=person)
    entries = AuditEntry.objects.count()
    response = api(civil_servant).post(
        f"/api/sanctions/{mine.pk}/appeal/",
        {"kind": "REVIEW", "filed_on": "2026-10-09", "grounds": "处分过重。"},
        format="json",
    )
    assert (response.status_code, response.data["field"]) == (400, "filed_on")
    assert AuditEntry.objects.count() == entries and not Appeal.objects.exists()


def test_the_units_liaison_sees_but_may_not_appeal_a_decision_on_a_colleague(
    liaison, other_liaison, case, colleague
):
    """The appeal is the sanctioned person's own (DOMAIN §2 R7); R5 acts for the unit only."""
    theirs = Sanction.objects.get(person=colleague.person)
    body = {"kind": "REVIEW", "filed_on": "2026-09-10", "grounds": "单位认为处理过重。"}
    assert (
        api(other_liaison).post(f"/api/sanctions/{theirs.pk}/appeal/", body, format="json").status_code == 404
    )
    response = api(liaison).post(f"/api/sanctions/{theirs.pk}/appeal/", body, format="json")
    assert response.status_code == 403, response.data
    response = api(colleague).post(f"/api/sanctions/{theirs.pk}/appeal/", body, format="json")
    assert response.status_code == 201, response.data
    # Served but not yet executed: the appeal leaves the case with HR (S15 Art 56).
    assert Accountability.objects.get().state == AS.SERVED
