"""Who sees which record through the API (DOMAIN §2; issue #2 must-show 6).

A record the user may not see does not exist for them: every path answers 404, never a
403 that would confirm it exists. The subject side sees its records only from the prior
notice on; before that the case is an internal investigation.
"""

import pytest

from casework.api.urls import STEPS
from casework.models import ConflictDeclaration, RecordState
from casework.services import records as svc

from . import lifecycle
from .api_fixtures import api
from .factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def record_paths(record_id):
    yield "get", f"/api/records/{record_id}/"
    yield "get", f"/api/records/{record_id}/audit/"
    for slug in STEPS:
        yield "post", f"/api/records/{record_id}/{slug}/"


def test_a_liaison_gets_404_for_another_units_record_on_every_path(liaison, theirs):
    client = api(liaison)
    for method, path in record_paths(theirs.pk):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.data)
        assert response.data["code"] == "not_found"
    assert theirs.pk not in [r["id"] for r in client.get("/api/records/").data["results"]]


def test_a_missing_record_and_a_hidden_record_answer_alike(liaison, theirs):
    client = api(liaison)
    hidden = client.get(f"/api/records/{theirs.pk}/")
    missing = client.get("/api/records/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.data == missing.data


def test_a_liaison_sees_their_own_units_record_in_force(liaison, ours):
    client = api(liaison)
    assert client.get(f"/api/records/{ours.pk}/").status_code == 200
    assert client.get(f"/api/records/{ours.pk}/audit/").status_code == 200
    listed = client.get("/api/records/").data
    assert [r["id"] for r in listed["results"]] == [ours.pk]


def _under_investigation(state, officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    if state == RecordState.VERIFYING:
        record = svc.record_start_verification(acting_user=officer, record_id=record.pk)
    if state == RecordState.PROPOSED:
        record = lifecycle.proposed(officer=officer, organisation=unit, content="另一条线索。")
    return record


@pytest.mark.parametrize("state", [RecordState.LEAD, RecordState.VERIFYING, RecordState.PROPOSED])
def test_a_liaison_does_not_see_their_units_record_under_internal_investigation(
    liaison, officer, unit, state
):
    record = _under_investigation(state, officer, unit)
    assert record.state == state
    client = api(liaison)
    assert client.get(f"/api/records/{record.pk}/").status_code == 404
    assert client.get(f"/api/records/{record.pk}/audit/").status_code == 404
    assert client.get("/api/records/").data["results"] == []
    assert api(officer).get(f"/api/records/{record.pk}/").status_code == 200


def test_the_subject_side_sees_the_record_from_the_prior_notice_on(liaison, officer, approver, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    assert record.state == RecordState.PRE_NOTICE
    response = api(liaison).get(f"/api/records/{record.pk}/")
    assert response.status_code == 200
    assert response.data["state"] == "PRE_NOTICE"


def test_a_civil_servant_sees_only_the_records_about_themselves(civil_servant, officer, approver, unit, ours):
    mine = lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person)
    colleague = PersonFactory(unit=unit)
    not_mine = lifecycle.effective(officer=officer, approver=approver, person=colleague)
    client = api(civil_servant)
    listed = client.get("/api/records/").data
    assert [r["id"] for r in listed["results"]] == [mine.pk]
    assert client.get(f"/api/records/{mine.pk}/").status_code == 200
    assert client.get(f"/api/records/{not_mine.pk}/").status_code == 404
    assert client.get(f"/api/records/{ours.pk}/").status_code == 404  # their unit's record is not theirs


def test_officer_and_approver_see_every_record(officer, approver, unit, theirs, ours):
    lead = lifecycle.lead(officer=officer, organisation=unit, content="尚在线索阶段。")
    for user in (officer, approver):
        client = api(user)
        assert len(client.get("/api/records/").data["results"]) == 3
        for record in (theirs, ours, lead):
            assert client.get(f"/api/records/{record.pk}/").status_code == 200


def test_a_declared_conflict_hides_the_subjects_records(approver, other_unit, theirs, ours):
    ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="近亲属在该单位任职")
    client = api(approver)
    assert client.get(f"/api/records/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/records/{theirs.pk}/audit/").status_code == 404
    assert client.post(f"/api/records/{theirs.pk}/amend/", {}, format="json").status_code == 404
    assert [r["id"] for r in client.get("/api/records/").data["results"]] == [ours.pk]


def test_anonymous_gets_no_data(ours):
    client = api()
    for method, path in [
        ("get", "/api/records/"),
        ("post", "/api/records/"),
        ("get", "/api/organisations/"),
        ("get", "/api/people/"),
        *record_paths(ours.pk),
    ]:
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code in (401, 403), (method, path)
        assert set(response.data) == {"detail", "code", "field"}
        assert response.data["code"] == "not_authenticated"


def test_a_liaison_sees_their_units_people_with_masked_id_numbers(liaison, civil_servant, other_unit):
    stranger = PersonFactory(unit=other_unit)
    client = api(liaison)
    listed = client.get("/api/people/").data
    assert [p["id"] for p in listed["results"]] == [civil_servant.person.pk]
    shown = listed["results"][0]["id_number"]
    full = civil_servant.person.id_number
    assert shown == full[:4] + "*" * 10 + full[-4:]
    assert client.get(f"/api/people/{stranger.pk}/").status_code == 404


def test_an_officer_reads_an_id_number_in_full_only_with_a_reason(officer, civil_servant):
    """PIPL: masked by default; the full number is a POST with a reason (tests/test_sec_pipl.py)."""
    person = civil_servant.person
    response = api(officer).get(f"/api/people/{person.pk}/")
    assert response.status_code == 200
    assert response.data["id_number"] == person.masked_id_number
    read = api(officer).post(
        f"/api/people/{person.pk}/id-number/", {"reason": "核对处分决定送达对象"}, format="json"
    )
    assert read.status_code == 200 and read.data["id_number"] == person.id_number


def test_a_civil_servant_sees_only_themselves_among_people(civil_servant, unit):
    PersonFactory(unit=unit)
    listed = api(civil_servant).get("/api/people/").data
    assert [p["id"] for p in listed["results"]] == [civil_servant.person.pk]
    assert "*" in listed["results"][0]["id_number"]


def test_signed_in_users_see_the_organisation_tree(liaison, unit, other_unit):
    response = api(liaison).get("/api/organisations/")
    assert response.status_code == 200
    assert {o["name"] for o in response.data["results"]} == {unit.name, other_unit.name}
    assert api(liaison).get(f"/api/organisations/{other_unit.pk}/").data["name"] == other_unit.name


def test_the_subject_does_not_see_the_raw_lead_which_may_name_the_complainant(
    officer, approver, liaison, unit, fixed_today
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    as_liaison, as_officer = api(liaison), api(officer)
    url = f"/api/records/{record.pk}/"
    assert as_liaison.get(url).json()["lead_content"] is None
    assert as_liaison.get(url).json()["facts"] == record.facts
    assert as_officer.get(url).json()["lead_content"] == record.lead_content
