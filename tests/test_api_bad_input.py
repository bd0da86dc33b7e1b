"""Refused requests (issue #2 must-show 7): each answers 400/403 with a message that names
the problem, and leaves the database exactly as it was."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from casework.lifecycle import RECORD_STEPS, RecordState
from casework.models import ApiToken, Record
from casework.roles import Role
from casework.services.tokens import digest

from . import lifecycle
from .api_fixtures import api, db_state
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def refused(client, path, data, status=400, record_id=None):
    """POST and check that nothing in the database moved; return the response body."""
    before = db_state(record_id)
    response = client.post(path, data, format="json")
    assert response.status_code == status, response.data
    assert db_state(record_id) == before
    return response.data


def test_an_illegal_transition_is_refused_and_named(officer, approver, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    body = refused(
        api(approver),
        f"/api/records/{lead.pk}/determine/",
        {"determination_date": "2026-01-20"},
        record_id=lead.pk,
    )
    assert body["code"] == "illegal_transition"
    assert body["field"] == "state"
    assert "线索" in body["detail"] and "认定" in body["detail"]


def test_a_proposal_without_a_measure_is_refused(officer, unit):
    """S3 清单管理: no sanction without a measure from the catalogue, asked for when the
    proposal is made (not first at the determination, where such a proposal got stuck)."""
    lead = lifecycle.lead(officer=officer, organisation=unit)
    officer_api = api(officer)
    assert officer_api.post(f"/api/records/{lead.pk}/start-verification/").status_code == 200
    proposal = {
        "category": "PRM",
        "domain": "PROCUREMENT",
        "tier": "GENERAL",
        "facts": "该单位拖欠中小企业账款 120 万元，经催告仍未支付。",
        "legal_basis": "《保障中小企业款项支付条例》第九条",
        "measure_ids": [],
    }
    body = refused(officer_api, f"/api/records/{lead.pk}/propose/", proposal, record_id=lead.pk)
    assert body["field"] == "measures"
    assert body["code"] == "measure_required"
    assert body["detail"] == "请从惩戒措施清单中选择至少一项惩戒措施。"
    assert Record.objects.get(pk=lead.pk).state == RecordState.VERIFYING


def test_an_unknown_category_is_refused_and_named(officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    client = api(officer)
    client.post(f"/api/records/{lead.pk}/start-verification/")
    body = refused(
        client,
        f"/api/records/{lead.pk}/propose/",
        {
            "category": "XYZ",
            "domain": "PROCUREMENT",
            "tier": "GENERAL",
            "facts": "事实。",
            "legal_basis": "依据。",
            "measure_ids": [1],
        },
        record_id=lead.pk,
    )
    assert body["code"] == "invalid"
    assert body["field"] == "category"
    assert list(body["errors"]) == ["category"]
    assert "XYZ" in body["detail"] and "失信类别" in body["detail"]


@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "05/01/2026"])
def test_a_malformed_date_is_refused_and_named(officer, approver, unit, bad):
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    body = refused(
        api(approver),
        f"/api/records/{record.pk}/determine/",
        {"determination_date": bad},
        record_id=record.pk,
    )
    assert body["field"] == "determination_date"
    assert "determination_date" in body["errors"]
    assert "认定日期" in body["detail"]


def test_a_lead_with_a_malformed_date_is_not_registered(officer, unit):
    body = refused(
        api(officer),
        "/api/records/",
        {
            "subject_organisation": unit.pk,
            "source": "HOTLINE",
            "lead_content": "未按合同约定支付工程款。",
            "received_on": "2026-02-30",
        },
    )
    assert body["field"] == "received_on"
    assert "收到日期" in body["detail"]


def test_a_future_date_is_refused_by_the_service(officer, unit):
    body = refused(
        api(officer),
        "/api/records/",
        {
            "subject_organisation": unit.pk,
            "source": "HOTLINE",
            "lead_content": "未按合同约定支付工程款。",
            "received_on": "2030-01-01",
        },
    )
    assert body == {"detail": "收到日期不能晚于今天。", "code": "future_date", "field": "received_on"}


def test_a_malformed_filter_date_is_refused_and_named(officer):
    response = api(officer).get("/api/records/", {"received_on_after": "not-a-date"})
    assert response.status_code == 400
    assert response.data["field"] == "received_on"
    assert "收到日期" in response.data["detail"]


def test_the_proposer_cannot_approve_their_own_proposal(unit):
    """Scenario 29: separation of duties (R2 must not be R1 on the same case)."""
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    record = lifecycle.proposed(officer=both, organisation=unit)
    body = refused(
        api(both),
        f"/api/records/{record.pk}/approve-pre-notice/",
        {},
        status=403,
        record_id=record.pk,
    )
    assert body["code"] == "separation_of_duties"


def test_a_role_that_may_not_take_the_step_gets_403(officer, liaison, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    body = refused(
        api(liaison),
        f"/api/records/{record.pk}/revoke/",
        {"reason": "不服", "document": "无"},
        status=403,
        record_id=record.pk,
    )
    assert body["code"] == "permission_denied"


def test_a_missing_required_field_is_named(approver, officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    body = refused(api(approver), f"/api/records/{record.pk}/dismiss/", {}, record_id=record.pk)
    assert body["field"] == "reason"
    assert body["errors"] == {"reason": ["请填写理由"]}
    assert body["detail"] == "请填写理由"


def test_token_authentication_works(officer, unit):
    client = api()
    response = client.post("/api/auth/token/", {"username": "officer", "password": "pass-12345"})
    assert response.status_code == 200
    token = response.data["token"]
    assert ApiToken.objects.get(user=officer).key_hash == digest(token)
    lifecycle.lead(officer=officer, organisation=unit)
    listed = api(HTTP_AUTHORIZATION=f"Token {token}").get("/api/records/")
    assert listed.status_code == 200 and len(listed.data["results"]) == 1


def test_token_authentication_refuses_bad_credentials(officer):
    response = api().post("/api/auth/token/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 400
    assert response.data["code"] == "invalid" and response.data["detail"]
    assert not ApiToken.objects.exists()
    bogus = api(HTTP_AUTHORIZATION="Token 0123456789abcdef").get("/api/records/")
    assert bogus.status_code in (401, 403)
    assert bogus.data["code"] == "token_invalid"


def _en_catalog_translates(msgid: str) -> bool:
    has_catalog = any(Path(p, "en", "LC_MESSAGES", "django.mo").exists() for p in settings.LOCALE_PATHS)
    with translation.override("en"):
        return has_catalog and gettext(msgid) != msgid


def test_errors_follow_accept_language(officer, approver, unit):
    """Chinese by default; English with `Accept-Language: en`. DRF's own messages are
    translated by DRF; ours switch once the en catalog (locale/en) has them."""
    lead = lifecycle.lead(officer=officer, organisation=unit)
    path = f"/api/records/{lead.pk}/dismiss/"
    chinese = api(approver).post(path, {}, format="json").data
    english = api(approver, HTTP_ACCEPT_LANGUAGE="en").post(path, {}, format="json").data
    assert chinese["errors"]["reason"] == ["请填写理由"]
    with translation.override("en"):  # the field's own label in the message, in English too
        assert english["errors"]["reason"] == [gettext("请填写%(label)s") % {"label": gettext("理由")}]

    determine = f"/api/records/{lead.pk}/determine/"
    zh = api(approver).post(determine, {}, format="json").data["detail"]
    en = api(approver, HTTP_ACCEPT_LANGUAGE="en").post(determine, {}, format="json").data["detail"]
    assert zh == "当前状态“线索”下不能执行“认定”。"
    msgid = "当前状态“%(state)s”下不能执行“%(step)s”。"
    if _en_catalog_translates(msgid):
        with translation.override("en"):
            labels = {"state": str(RecordState.LEAD.label), "step": str(RECORD_STEPS["determine"].label)}
            assert en == gettext(msgid) % labels
        assert en != zh
    else:  # no English catalog yet: the Chinese msgid is the message
        assert en == zh
