"""/api/notices/: the whole life through the API, and who sees which notice (404 for the rest)."""

import io

import pytest
from django.test import TestCase
from pypdf import PdfReader

from casework.roles import Role
from notices import services, tasks
from notices.models import Notice

from . import lifecycle
from .api_fixtures import api
from .factories import PersonFactory, UserFactory
from .notice_cases import complete, draft, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]


def ok(response, status=200):
    assert response.status_code == status, response.content[:500]
    return response.json() if response["Content-Type"].startswith("application/json") else response


def ids(client, **params) -> set[int]:
    return {n["id"] for n in ok(client.get("/api/notices/", params))["results"]}


def test_a_notice_goes_from_draft_to_service_through_the_api(officer, approver, record):
    officer_api, approver_api = api(officer), api(approver)
    letters = []
    for code in ("N2", "N3"):
        body = {"type_code": code, "record": record.pk, "data": complete(code, record)}
        created = ok(officer_api.post("/api/notices/", body, format="json"), 201)
        assert created["state"] == "DRAFT" and created["number"] is None
        preview = ok(officer_api.get(f"/api/notices/{created['id']}/download/"))
        assert "样稿" in "".join(PdfReader(io.BytesIO(preview.content)).pages[0].extract_text().split())
        ok(approver_api.post(f"/api/notices/{created['id']}/approve/"))
        with TestCase.captureOnCommitCallbacks(execute=True):
            issued_now = ok(officer_api.post(f"/api/notices/{created['id']}/issue/"))
        assert issued_now["number"].endswith("〔2026〕1号") and issued_now["state"] == "ISSUED"
        letters.append(created["id"])

    detail = ok(officer_api.get(f"/api/notices/{letters[0]}/"))
    assert detail["pdf_ready"] and len(detail["sha256"]) == 64

    body = {"notices": letters, "method": "MAIL", "served_on": "2026-02-02", "proof": "EMS 1234567890"}
    event = ok(officer_api.post("/api/notices/serve/", body, format="json"), 201)
    assert sorted(event["notices"]) == sorted(letters) and event["method_display"] == "邮寄送达"
    assert {n["state"] for n in ok(officer_api.get("/api/notices/", {"record": record.pk}))["results"]} == {
        "SERVED"
    }


def test_api_errors_name_the_problem(officer, approver, record):
    client = api(officer)
    incomplete = client.post(
        "/api/notices/", {"type_code": "N21", "record": record.pk, "data": {}}, format="json"
    )
    assert incomplete.status_code == 400 and incomplete.json()["field"] == "data"
    assert "撤销依据文书" in incomplete.json()["detail"]

    letter = issued(officer=officer, approver=approver, record=record, type_code="N2")
    alone = client.post(
        "/api/notices/serve/",
        {"notices": [letter.pk], "method": "IN_PERSON", "served_on": "2026-02-02", "proof": "回证"},
        format="json",
    )
    assert alone.status_code == 400 and alone.json()["code"] == "serve_together"
    void = api(approver).post(f"/api/notices/{letter.pk}/void/", {}, format="json")
    assert void.status_code == 400 and void.json()["field"] == "reason"


def test_the_subject_sees_its_issued_notices_only_and_others_see_nothing(
    officer, approver, liaison, other_liaison, record
):
    drafted = draft(officer=officer, record=record, type_code="N8")
    sent = issued(officer=officer, approver=approver, record=record, type_code="N3")
    assert ids(api(officer)) == ids(api(approver)) == {drafted.pk, sent.pk}
    assert ids(api(liaison)) == {sent.pk}
    assert ok(api(liaison).get(f"/api/notices/{sent.pk}/download/")).content == bytes(sent.pdf)

    nobody = UserFactory(roles=[Role.ASSESSOR])
    for outsider in (other_liaison, nobody):
        client = api(outsider)
        assert ids(client) == set()
        for path in (f"/api/notices/{sent.pk}/", f"/api/notices/{sent.pk}/download/"):
            assert client.get(path).status_code == 404
    assert api(liaison).get(f"/api/notices/{drafted.pk}/download/").status_code == 404
    assert api().get("/api/notices/").status_code in (401, 403)


def test_a_civil_servant_sees_the_notices_about_themselves(officer, approver, unit):
    person = PersonFactory(unit=unit, name="李四")
    them = UserFactory(person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])
    colleague = UserFactory(person=PersonFactory(unit=unit), organisation=unit, roles=[Role.CIVIL_SERVANT])
    unit_liaison = UserFactory(organisation=unit, roles=[Role.UNIT_LIAISON])
    record = lifecycle.effective(officer=officer, approver=approver, person=person, category="ACC")
    sent = issued(officer=officer, approver=approver, record=record, type_code="N3")
    served = Notice.objects.filter(record=record, state="SERVED")
    assert sorted(served.values_list("type_code", flat=True)) == ["N1", "N2", "N3"]
    assert ids(api(them)) == {*served.values_list("pk", flat=True), sent.pk}
    assert ids(api(colleague)) == set()
    assert ids(api(unit_liaison)) == set()  # a person's notices are not the unit's


def test_an_issued_notice_whose_pdf_is_still_rendering_answers_409(officer, approver, record, monkeypatch):
    monkeypatch.setattr(tasks.render_notice, "delay_on_commit", lambda notice_id: None)
    notice = draft(officer=officer, record=record, type_code="N3")
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    services.notice_issue(acting_user=officer, notice_id=notice.pk)
    pending = api(officer).get(f"/api/notices/{notice.pk}/download/")
    assert pending.status_code == 409 and pending.json()["code"] == "pdf_pending"
    assert tasks.render_notice(notice.pk) is True
    assert ok(api(officer).get(f"/api/notices/{notice.pk}/download/")).content.startswith(b"%PDF")
