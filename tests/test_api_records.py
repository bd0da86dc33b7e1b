"""A record from lead to EFFECTIVE and beyond, through the API only; list filters; the schema."""

import pytest
from django.core.management import call_command

from casework.api.urls import STEPS
from casework.models import AuditEntry, Measure, RecordState

from . import lifecycle
from .api_fixtures import api
from .notice_cases import issued_via_api, make_issuer, serve_via_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def ok(response, status=200):
    assert response.status_code == status, response.data
    return response.data


def test_a_lead_becomes_effective_through_the_api(officer, approver, liaison, unit, settings):
    settings.CHENGXIN_TODAY = "2026-01-05"
    make_issuer()
    officer_api, approver_api, liaison_api = api(officer), api(approver), api(liaison)
    record = ok(
        officer_api.post(
            "/api/records/",
            {
                "subject_organisation": unit.pk,
                "source": "HOTLINE",
                "lead_content": "未按合同约定支付工程款 120 万元。",
                "received_on": "2026-01-05",
            },
            format="json",
        ),
        201,
    )
    assert record["state"] == "LEAD" and record["reference"].startswith("ZWSX-2026-")
    path = f"/api/records/{record['id']}"

    def step(client, slug, data=None):
        return ok(client.post(f"{path}/{slug}/", data or {}, format="json"))

    def serve_pre_notice(served_on):
        [n1] = ok(officer_api.get("/api/notices/", {"record": record["id"], "state": "DRAFT"}))["results"]
        issued_via_api(officer=officer, approver=approver, notice_id=n1["id"])
        ok(serve_via_api(officer_api, [n1["id"]], served_on), 201)

    assert step(officer_api, "start-verification")["state"] == "VERIFYING"
    proposal = {
        "category": "PRM",
        "domain": "PROCUREMENT",
        "tier": "GENERAL",
        "facts": "该单位在政府采购合同履约中拖欠中小企业账款。",
        "legal_basis": "《保障中小企业款项支付条例》第九条",
        "measure_ids": [Measure.objects.get(code="M01").pk],
    }
    proposed = step(officer_api, "propose", proposal)
    assert proposed["state"] == "PROPOSED" and [m["code"] for m in proposed["measures"]] == ["M01"]
    assert step(approver_api, "approve-pre-notice")["state"] == "PRE_NOTICE"
    # The 事前告知书 drafted at the approval is completed, issued and served: the defence
    # window runs from that service.
    serve_pre_notice("2026-01-05")
    settings.CHENGXIN_TODAY = "2026-01-07"
    # The unit speaks (陈述申辩); the officer answers; the approver notifies again.
    defended = step(liaison_api, "submit-defence", {"statement": "款项已于 1 月 3 日支付。"})
    assert defended["state"] == "PROPOSED"
    # Notified once, the unit keeps seeing its case while the answer is prepared.
    assert liaison_api.get(f"{path}/").json()["state"] == "PROPOSED"
    assert step(officer_api, "answer-defence", {"reply": "经核，支付晚于约定期限。"})["defence_reply"]
    settings.CHENGXIN_TODAY = "2026-01-12"
    assert step(approver_api, "approve-pre-notice")["state"] == "PRE_NOTICE"
    serve_pre_notice("2026-01-12")
    settings.CHENGXIN_TODAY = "2026-02-02"
    determined = step(approver_api, "determine", {"determination_date": "2026-01-26"})
    assert determined["state"] == "DETERMINED"
    assert (determined["min_end"], determined["max_end"]) == ("2026-04-26", "2027-01-26")
    # In force by serving the recording and repair notices together (两书同达, T8).
    letters = ok(officer_api.get("/api/notices/", {"record": record["id"], "state": "DRAFT"}))["results"]
    assert sorted(n["type_code"] for n in letters) == ["N2", "N3"]
    for letter in letters:
        issued_via_api(officer=officer, approver=approver, notice_id=letter["id"])
    ok(serve_via_api(officer_api, [n["id"] for n in letters], "2026-02-02"), 201)
    effective = ok(officer_api.get(f"{path}/"))
    assert effective["state"] == "EFFECTIVE" and effective["public"] is True
    assert effective["served_on"] == "2026-02-02"

    everything = ok(officer_api.get(f"{path}/audit/"))
    assert [e["seq"] for e in everything] == sorted(e["seq"] for e in everything)
    trail = [e for e in everything if "." not in e["action"]]  # the record's own steps
    assert [e["action"] for e in trail] == [
        "register_lead",
        "start_verification",
        "propose",
        "approve_pre_notice",
        "serve_pre_notice",
        "submit_defence",
        "answer_defence",
        "approve_pre_notice",
        "serve_pre_notice",
        "determine",
        "serve",
    ]
    assert trail[-1]["from_state"] == "DETERMINED" and trail[-1]["to_state"] == "EFFECTIVE"
    assert {e["ip_address"] for e in trail} == {"127.0.0.1"}
    own_steps = AuditEntry.objects.filter(record_id=record["id"]).exclude(action__contains=".")
    assert own_steps.filter(ip_address="127.0.0.1").count() == 11
    # The unit reads its record and the trail, without the commission's IP addresses.
    assert ok(liaison_api.get(f"{path}/"))["state"] == "EFFECTIVE"
    unit_trail = ok(liaison_api.get(f"{path}/audit/"))
    assert {e["ip_address"] for e in unit_trail} == {None}
    # Field diffs carry the raw lead and internal notes: the commission's, not the subject's.
    assert any(e["diff"] for e in trail)
    assert [e["diff"] for e in unit_trail] == [{}] * len(unit_trail)


def test_a_record_in_force_is_amended_revoked_and_archived(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    path = f"/api/records/{record.pk}"
    amended = ok(
        api(approver).post(
            f"{path}/amend/", {"tier": "SERIOUS", "reason": "复核后定为严重失信。"}, format="json"
        )
    )
    assert amended["state"] == "EFFECTIVE" and amended["tier"] == "SERIOUS"
    assert amended["category"] == "PRM"  # untouched fields stay
    entry = AuditEntry.objects.filter(record=record).last()
    assert entry.action == "amend" and entry.diff["tier"] == ["GENERAL", "SERIOUS"]
    revoked = ok(
        api(approver).post(
            f"{path}/revoke/", {"reason": "原判决被撤销。", "document": "（2026）粤19民再1号"}, format="json"
        )
    )
    assert revoked["state"] == "REVOKED" and revoked["public"] is False
    assert ok(api(officer).post(f"{path}/archive/"))["state"] == "ARCHIVED"


def test_a_lead_is_dismissed_with_a_reason(officer, approver, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    body = ok(
        api(approver).post(f"/api/records/{record.pk}/dismiss/", {"reason": "查无实据。"}, format="json")
    )
    assert body["state"] == RecordState.DISMISSED and body["closing_reason"] == "查无实据。"


def test_the_list_filters(officer, approver, unit, other_unit):
    effective = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    lead = lifecycle.lead(officer=officer, organisation=other_unit, content="拖欠物业费。")
    client = api(officer)

    def ids(**params):
        return {r["id"] for r in ok(client.get("/api/records/", params))["results"]}

    assert ids() == {effective.pk, lead.pk}
    assert ids(state="EFFECTIVE") == {effective.pk}
    assert ids(state=["LEAD", "EFFECTIVE"]) == {effective.pk, lead.pk}
    assert ids(category="PRM", tier="GENERAL", domain="PROCUREMENT") == {effective.pk}
    assert ids(subject_organisation=other_unit.pk) == {lead.pk}
    assert ids(q="物业") == {lead.pk}
    assert ids(q=effective.reference) == {effective.pk}
    assert ids(received_on_after="2026-01-06") == set()
    assert ids(received_on_after="2026-01-01", received_on_before="2026-01-31") == {effective.pk, lead.pk}
    assert ok(client.get("/api/records/", {"state": "NOPE"}), 400)["field"] == "state"


def test_the_schema_lists_every_step_and_generates_without_warnings(tmp_path, officer):
    response = api(officer).get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    for slug in STEPS:
        assert f"/api/records/{{id}}/{slug}/:" in schema
    for path in ("/api/records/{id}/audit/:", "/api/auth/token/:", "/api/people/{id}/:"):
        assert path in schema
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))


def test_the_api_docs_page_renders(officer):
    assert api(officer).get("/api/docs/").status_code == 200
