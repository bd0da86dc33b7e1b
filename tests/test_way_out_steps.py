"""No proposal is a dead end (DOMAIN §5.1): measures are named when the proposal is made;
until the determination the approver may return it (退回拟认定) or dismiss it (不予认定),
and the officer may amend it (修改拟认定). Each through the services, the API and the
case page, as users take them."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from casework.errors import DomainError, PermissionDeniedError
from casework.lifecycle import RecordState
from casework.models import AuditEntry, Deadline, Measure, Record
from casework.roles import Role
from casework.services import records as svc
from notices.models import Notice

from . import lifecycle
from .notice_cases import make_issuer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

S = RecordState
PROPOSAL = {
    "category": "PRM",
    "domain": "PROCUREMENT",
    "tier": "GENERAL",
    "facts": "该单位在政府采购合同履约中拖欠中小企业账款。",  # as tests/lifecycle.py proposes
    "legal_basis": "《保障中小企业款项支付条例》第九条",
}


def measure(code: str) -> int:
    return Measure.objects.get(code=code).pk


def verifying(officer, unit) -> Record:
    record = lifecycle.lead(officer=officer, organisation=unit)
    return svc.record_start_verification(acting_user=officer, record_id=record.pk)


def approved(officer, approver, unit) -> Record:
    """PRE_NOTICE with the system's 事前告知书 (N1) drafted by the approval, not yet served."""
    make_issuer()
    record = lifecycle.proposed(officer=officer, organisation=unit)
    record = svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    assert record.state == S.PRE_NOTICE
    assert Notice.objects.get(record=record, type_code="N1").state == "DRAFT"
    return record


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(pk: int, step: str) -> str:
    return reverse("case-action", kwargs={"kind": "cases", "pk": pk, "step": step})


# ── measures are part of the proposal ────────────────────────────────────────────


@pytest.mark.parametrize("measure_ids", [[], None, [999999]])
def test_a_proposal_without_a_valid_measure_is_refused_naming_the_field(officer, unit, measure_ids):
    record = verifying(officer, unit)
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError, match="惩戒措施") as caught:
        svc.record_propose(acting_user=officer, record_id=record.pk, measure_ids=measure_ids, **PROPOSAL)
    assert caught.value.field == "measures"
    assert Record.objects.get(pk=record.pk).state == S.VERIFYING
    assert AuditEntry.objects.count() == entries


def test_the_api_refuses_a_proposal_without_measures_in_chinese(officer, unit):
    record = verifying(officer, unit)
    answer = api(officer).post(
        f"/api/records/{record.pk}/propose/", {**PROPOSAL, "measure_ids": []}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["field"] == "measures"
    assert answer.json()["detail"] == "请从惩戒措施清单中选择至少一项惩戒措施。"


def test_the_propose_form_shows_the_refusal_next_to_the_measures(officer, unit):
    record = verifying(officer, unit)
    page = web(officer).post(act(record.pk, "propose"), PROPOSAL)
    assert page.status_code == 400
    html = page.content.decode()
    block = html[html.rfind('<div class="field', 0, html.index('name="measure_ids"')) :]
    assert "请从惩戒措施清单中选择至少一项惩戒措施。" in block[: block.index("</fieldset>")]
    assert Record.objects.get(pk=record.pk).state == S.VERIFYING


# ── 退回: the approver sends the proposal back to the officer ──────────────────────


def test_the_approver_returns_a_proposal_with_a_reason_and_the_prior_notice_draft_is_voided(
    officer, approver, unit
):
    record = approved(officer, approver, unit)
    with pytest.raises(DomainError) as caught:
        svc.record_return_proposal(acting_user=approver, record_id=record.pk, reason="  ")
    assert (caught.value.field, caught.value.message) == ("reason", "退回拟认定须说明理由。")
    with pytest.raises(PermissionDeniedError):
        svc.record_return_proposal(acting_user=officer, record_id=record.pk, reason="办案人员自己退回")

    record = svc.record_return_proposal(
        acting_user=approver, record_id=record.pk, reason="失信事实与证据不符，请补充核查。"
    )
    assert record.state == S.VERIFYING
    entry = AuditEntry.objects.filter(record=record, action="return_proposal").get()
    assert (entry.from_state, entry.to_state) == ("PRE_NOTICE", "VERIFYING")
    assert entry.reason == "失信事实与证据不符，请补充核查。"
    prior = Notice.objects.get(record=record, type_code="N1")
    assert prior.state == "VOIDED" and prior.voided_by is None
    assert prior.void_reason == "退回拟认定：失信事实与证据不符，请补充核查。"
    void = AuditEntry.objects.get(record=record, action="notice.void")
    assert (void.actor, void.actor_role) == (None, Role.SYSTEM)
    # Verification runs again, for its full period, from the day of the return (2026-02-02).
    verification = Deadline.objects.get(record=record, kind="verification", status="OPEN")
    assert str(verification.start_on) == "2026-02-02"
    assert not Deadline.objects.filter(record=record, kind="defence_window", status="OPEN").exists()

    # The officer reworks and proposes again; the approval drafts a new prior notice.
    record = svc.record_propose(
        acting_user=officer, record_id=record.pk, measure_ids=[measure("M01"), measure("M02")], **PROPOSAL
    )
    assert record.state == S.PROPOSED
    svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    assert sorted(Notice.objects.filter(record=record).values_list("state", flat=True)) == ["DRAFT", "VOIDED"]


def test_a_served_prior_notice_stops_counting_when_the_proposal_is_returned(officer, approver, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    assert Deadline.objects.filter(record=record, kind="defence_window", status="OPEN").exists()
    svc.record_return_proposal(acting_user=approver, record_id=record.pk, reason="失信类别定性不准。")
    window = Deadline.objects.filter(record=record, kind="defence_window").latest("id")
    assert window.status == "CANCELLED"


def test_return_and_amendment_are_refused_once_the_record_is_determined(officer, approver, unit):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    with pytest.raises(DomainError, match="当前状态“已认定”下不能执行“退回拟认定”"):
        svc.record_return_proposal(acting_user=approver, record_id=record.pk, reason="认定后不能再退回")
    with pytest.raises(DomainError, match="修改拟认定"):
        svc.record_amend_proposal(
            acting_user=officer, record_id=record.pk, reason="认定后不能再修改", tier="SERIOUS"
        )


# ── 修改拟认定: the officer amends the proposal ───────────────────────────────────


def test_an_amendment_in_proposed_is_audited_with_a_diff_that_includes_the_measures(officer, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    record = svc.record_amend_proposal(
        acting_user=officer,
        record_id=record.pk,
        reason="补充惩戒措施，调整定级。",
        tier="SERIOUS",
        tier_rationale="拒不整改。",
        measure_ids=[measure("M01"), measure("M02")],
    )
    assert record.state == S.PROPOSED and record.tier == "SERIOUS"
    assert sorted(record.measures.values_list("code", flat=True)) == ["M01", "M02"]
    entry = AuditEntry.objects.get(record=record, action="amend_proposal")
    assert entry.reason == "补充惩戒措施，调整定级。"
    assert entry.diff["measures"] == [["M01"], ["M01", "M02"]]
    assert entry.diff["tier"] == ["GENERAL", "SERIOUS"]
    assert set(entry.diff) == {"measures", "tier", "tier_rationale"}


def test_an_amendment_must_change_something_and_keep_a_valid_measure(officer, approver, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    with pytest.raises(DomainError, match="没有变化"):
        svc.record_amend_proposal(acting_user=officer, record_id=record.pk, reason="原样提交一次", **PROPOSAL)
    with pytest.raises(DomainError) as caught:
        svc.record_amend_proposal(
            acting_user=officer, record_id=record.pk, reason="去掉全部惩戒措施", measure_ids=[]
        )
    assert caught.value.field == "measures"
    with pytest.raises(DomainError) as caught:  # M05 is for persons only
        svc.record_amend_proposal(
            acting_user=officer, record_id=record.pk, reason="更换惩戒措施", measure_ids=[measure("M05")]
        )
    assert caught.value.field == "measures"
    with pytest.raises(DomainError) as caught:
        svc.record_amend_proposal(acting_user=officer, record_id=record.pk, reason="清空失信事实", facts=" ")
    assert caught.value.field == "facts"
    with pytest.raises(DomainError) as caught:
        svc.record_amend_proposal(acting_user=officer, record_id=record.pk, reason="", tier="SERIOUS")
    assert caught.value.field == "reason"
    with pytest.raises(PermissionDeniedError):
        svc.record_amend_proposal(
            acting_user=approver, record_id=record.pk, reason="审批人改定级", tier="SERIOUS"
        )
    assert AuditEntry.objects.filter(action="amend_proposal").count() == 0


def test_an_amendment_after_the_approval_needs_a_new_prior_notice(officer, approver, unit):
    record = approved(officer, approver, unit)
    record = svc.record_amend_proposal(
        acting_user=officer, record_id=record.pk, reason="更正失信事实金额。", facts="拖欠账款 150 万元。"
    )
    assert record.state == S.PROPOSED
    old = Notice.objects.get(record=record, type_code="N1")
    assert old.state == "VOIDED" and old.void_reason == "修改拟认定：更正失信事实金额。"
    record = svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    new = Notice.objects.filter(record=record, type_code="N1").exclude(pk=old.pk).get()
    assert new.state == "DRAFT" and "150 万元" in str(new.data)


def test_an_amendment_after_the_service_closes_the_defence_window(officer, approver, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    record = svc.record_amend_proposal(
        acting_user=officer, record_id=record.pk, reason="情节轻微，降级。", tier="MINOR"
    )
    assert record.state == S.PROPOSED
    assert not Deadline.objects.filter(record=record, kind="defence_window", status="OPEN").exists()
    with pytest.raises(DomainError, match="当前状态“拟认定”下不能执行“认定”"):
        svc.record_determine(acting_user=approver, record_id=record.pk, defence_waived=True)


# ── 不予认定 from a proposal ────────────────────────────────────────────────────────


@pytest.mark.parametrize("stage", ["proposed", "approved", "served"])
def test_the_approver_dismisses_a_proposal_until_the_determination(officer, approver, unit, stage):
    if stage == "proposed":
        record = lifecycle.proposed(officer=officer, organisation=unit)
    elif stage == "approved":
        record = approved(officer, approver, unit)
    else:
        record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    record = svc.record_dismiss(acting_user=approver, record_id=record.pk, reason="证据不足，不予认定。")
    assert record.state == S.DISMISSED and record.closing_reason == "证据不足，不予认定。"
    assert not Deadline.objects.filter(record=record, status="OPEN").exists()
    assert not Notice.objects.filter(record=record, state__in=["DRAFT", "APPROVED"]).exists()
    if stage == "approved":
        assert Notice.objects.get(record=record).void_reason == "不予认定：证据不足，不予认定。"


# ── the API and the case page ─────────────────────────────────────────────────────


def test_the_api_returns_and_amends_a_proposal(officer, approver, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    answer = api(officer).post(
        f"/api/records/{record.pk}/amend-proposal/",
        {"measure_ids": [measure("M01"), measure("M02")], "reason": "补充措施。"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert [m["code"] for m in answer.json()["measures"]] == ["M01", "M02"]
    assert answer.json()["state"] == "PROPOSED" and answer.json()["tier"] == "GENERAL"  # the rest unchanged
    refused = api(approver).post(f"/api/records/{record.pk}/return-proposal/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    answer = api(approver).post(
        f"/api/records/{record.pk}/return-proposal/", {"reason": "请补充证据。"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["state"] == "VERIFYING"
    again = api(approver).post(
        f"/api/records/{record.pk}/return-proposal/", {"reason": "再次退回拟认定"}, format="json"
    )
    assert again.status_code == 400 and again.json()["code"] == "illegal_transition"


def test_the_schema_documents_the_new_steps(officer):
    schema = api(officer).get("/api/schema/?format=json").json()
    operations = {
        op["operationId"]: op
        for path in schema["paths"].values()
        for op in path.values()
        if "operationId" in op
    }
    assert operations["records_return_proposal"]["summary"] == "退回拟认定"
    assert operations["records_amend_proposal"]["summary"] == "修改拟认定"
    assert "/api/records/{id}/return-proposal/" in schema["paths"]
    assert "/api/records/{id}/amend-proposal/" in schema["paths"]


def test_the_case_page_offers_the_ways_out_to_the_roles_that_take_them(officer, approver, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    detail = reverse("case-detail", args=[record.pk])
    approver_page = web(approver).get(detail).content.decode()
    for label in ("退回拟认定", "不予认定"):
        assert (
            f'href="{act(record.pk, "return-proposal" if label == "退回拟认定" else "dismiss")}"'
            in approver_page
        )
    assert act(record.pk, "amend-proposal") not in approver_page
    officer_page = web(officer).get(detail).content.decode()
    assert act(record.pk, "amend-proposal") in officer_page
    assert act(record.pk, "return-proposal") not in officer_page


def test_the_amendment_form_starts_from_the_proposal_and_saves_the_change(officer, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    client = web(officer)
    form = client.get(act(record.pk, "amend-proposal")).content.decode()
    assert "该单位在政府采购合同履约中拖欠中小企业账款。" in form
    m01 = measure("M01")
    assert f'name="measure_ids" value="{m01}" checked>' in form
    assert f'name="measure_ids" value="{measure("M02")}">' in form
    sent = {
        **PROPOSAL,
        "tier": "SERIOUS",
        "tier_rationale": "经催告拒不支付。",
        "measure_ids": [m01],
        "reason": "定级调整为严重。",
    }
    page = client.post(act(record.pk, "amend-proposal"), {**sent, "measure_ids": []})
    assert page.status_code == 400
    assert "请从惩戒措施清单中选择至少一项惩戒措施。" in page.content.decode()
    page = client.post(act(record.pk, "amend-proposal"), sent)
    assert page.status_code == 302
    record.refresh_from_db()
    assert (record.state, record.tier) == (S.PROPOSED, "SERIOUS")
    entry = AuditEntry.objects.get(record=record, action="amend_proposal")
    assert set(entry.diff) == {"tier", "tier_rationale"}


def test_the_forms_say_what_taking_back_an_approved_proposal_does_to_its_prior_notice(
    officer, approver, unit
):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    assert "事前告知书作废" not in web(officer).get(act(record.pk, "amend-proposal")).content.decode()
    svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    amend = web(officer).get(act(record.pk, "amend-proposal")).content.decode()
    assert "须重新批准并送达新的事前告知书" in amend
    returned = web(approver).get(act(record.pk, "return-proposal")).content.decode()
    assert "退回后记录回到“核查中”" in returned


def test_a_legacy_proposal_without_measures_is_not_put_to_the_subject(officer, approver, unit):
    """The reported stuck case began here: the approval went through without a measure and only
    the determination refused. The approval now refuses it too, naming the field; 退回 or
    修改拟认定 is the way on."""
    make_issuer()
    record = lifecycle.proposed(officer=officer, organisation=unit)
    record.measures.clear()  # as proposed before measures were required
    entries = AuditEntry.objects.count()
    answer = api(approver).post(f"/api/records/{record.pk}/approve-pre-notice/", {}, format="json")
    assert answer.status_code == 400
    assert (answer.json()["field"], answer.json()["code"]) == ("measures", "measure_required")
    assert "修改拟认定" in answer.json()["detail"]
    assert Record.objects.get(pk=record.pk).state == S.PROPOSED
    assert not Notice.objects.filter(record=record).exists()
    assert AuditEntry.objects.count() == entries
