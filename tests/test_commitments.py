"""Commitment tracking (DOMAIN §9.8, scenario 34, §9.3): through the pages a unit and the
commission use. A miss for 机构调整 or 人员变动 is 违约失信 and becomes one PRM lead, however
often it is recorded; force majeure does not; an unexplained miss and a breach do; a change
request is decided by an approver who did not submit it; a unit sees its own commitments only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework.audit import verify
from casework.models import Category, LeadSource, Record
from oversight.commitments.queries import broken_commitments
from oversight.models import ChangeRequest, Commitment, Milestone

from .factories import UserFactory
from .rectification_steps import PDF_BYTES

pytestmark = pytest.mark.django_db
UNIT = "/unit/commitments/"
WORK = "/work/commitments/"


def as_user(client, user):
    client.force_login(user)
    return client


def register(client, unit, base=UNIT, **extra) -> Commitment:
    data = {
        "promisor": unit.pk,
        "type": "investment",
        "counterparty_name": "东莞某某科技有限公司",
        "counterparty_uscc": "",
        "document_number": "东府函〔2025〕12号",
        "document_title": "招商引资合作协议",
        "legal_basis": "《优化营商环境条例》第三十一条",
        "obligations": "2026年1月底前兑现落户奖励500万元。",
        **extra,
    }
    response = client.post(f"{base}new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Commitment.objects.latest("pk")


def add_milestone(client, commitment, due="2026-01-20", base=UNIT, text="兑现落户奖励") -> Milestone:
    response = client.post(f"{base}{commitment.pk}/act/add_milestone/", {"description": text, "due_on": due})
    assert response.status_code == 302, response.content.decode()[:2000]
    return commitment.milestones.latest("pk")


def miss(client, milestone, reason, explanation="", base=UNIT):
    return client.post(
        f"{base}milestones/{milestone.pk}/miss/", {"reason": reason, "explanation": explanation}
    )


def prm_leads():
    return Record.objects.filter(category=Category.PRM, source=LeadSource.COMMITMENT)


@pytest.fixture
def missed_for(client, liaison, unit, fixed_today):
    """The unit's liaison registers a commitment with a milestone past due and records its miss."""

    def run(reason, explanation="原经办科室撤并，无人跟进。"):
        as_user(client, liaison)
        commitment = register(client, unit)
        milestone = add_milestone(client, commitment)
        response = miss(client, milestone, reason, explanation)
        assert response.status_code == 302, response.content.decode()[:2000]
        milestone.refresh_from_db()
        return milestone

    return run


# ── scenario 34 ────────────────────────────────────────────────────────────────────


def test_a_miss_for_restructuring_makes_one_prm_lead_the_commission_sees(client, missed_for, officer, unit):
    milestone = missed_for("restructuring")
    [lead] = prm_leads()
    assert milestone.state == "missed" and milestone.lead == lead
    assert lead.subject_organisation == unit and lead.state == "LEAD"
    for quoted in ("东莞某某科技有限公司", "招商引资合作协议", "兑现落户奖励", "机构调整", "违约失信"):
        assert quoted in lead.lead_content
    # Recording the miss again (corrected explanation) makes no second lead.
    assert miss(client, milestone, "restructuring", "补充说明").status_code == 302
    assert miss(client, milestone, "other", "").status_code == 302
    assert prm_leads().count() == 1
    # The unit is not shown the lead: before the prior notice a case is the commission's own.
    assert lead.reference not in client.get(f"{UNIT}{milestone.commitment_id}/").content.decode()
    page = as_user(client, officer).get("/work/cases/", {"category": "PRM"}).content.decode()
    assert page.count(f'href="/work/cases/{lead.pk}/"') == 1 and lead.reference in page
    assert lead.reference in client.get(f"{WORK}{milestone.commitment_id}/").content.decode()
    assert verify().ok


def test_a_miss_for_personnel_change_makes_a_lead_too(missed_for):
    milestone = missed_for("personnel", "主要负责人调任。")
    assert milestone.lead is not None
    assert "人员变动" in milestone.lead.lead_content
    assert prm_leads().count() == 1


def test_force_majeure_makes_no_lead(missed_for):
    milestone = missed_for("force_majeure", "台风导致工程停工。")
    assert milestone.state == "missed" and milestone.lead is None
    assert not prm_leads().exists()


def test_an_explained_miss_makes_no_lead_and_an_unexplained_one_does(missed_for):
    assert missed_for("other", "对方未按约提交申请材料。").lead is None
    unexplained = missed_for("other", "")
    assert unexplained.lead is not None and "未说明不履行的正当理由" in unexplained.lead.lead_content
    assert prm_leads().count() == 1


def test_public_interest_without_an_approved_change_is_a_lead(missed_for):
    assert missed_for("public_interest", "规划调整。").lead is not None


def test_an_officer_marking_a_commitment_breached_makes_a_lead_once(client, officer, unit, fixed_today):
    as_user(client, officer)
    commitment = register(client, unit, base=WORK)
    response = client.post(
        f"{WORK}{commitment.pk}/act/breach/", {"reason": "承诺奖励至今未兑现，亦未启动变更程序。"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == "breached" and commitment.lead is not None
    again = client.post(f"{WORK}{commitment.pk}/act/breach/", {"reason": "再次认定。"})
    assert again.status_code == 400 and "违约" in again.content.decode()
    assert prm_leads().count() == 1
    assert broken_commitments(2026) == {
        unit.pk: [
            (
                f"{commitment.number} 招商引资合作协议",
                f"承诺奖励至今未兑现，亦未启动变更程序。（{commitment.lead.reference}）",
            )
        ]
    }


def test_a_liaison_may_not_mark_a_breach(client, liaison, unit, fixed_today):
    as_user(client, liaison)
    commitment = register(client, unit)
    page = client.get(f"{UNIT}{commitment.pk}/").content.decode()
    assert "认定违约" not in page  # the unit's page does not offer it at all
    assert client.post(f"{UNIT}{commitment.pk}/act/breach/", {"reason": "x"}).status_code == 403
    assert not prm_leads().exists()


# ── change requests ────────────────────────────────────────────────────────────────


@pytest.fixture
def change(client, officer, unit, fixed_today):
    as_user(client, officer)
    commitment = register(client, unit, base=WORK)
    response = client.post(
        f"{WORK}{commitment.pk}/act/request_change/",
        {
            "reason": "public_interest",
            "procedure": "经市政府常务会议审议，东府〔2026〕3号批准。",
            "compensation": "按评估价补偿对方损失120万元。",
            "attachment": SimpleUploadedFile("批复.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ChangeRequest.objects.get(commitment=commitment)


def test_the_submitter_may_not_approve_their_own_change_request(client, change, officer, approver):
    submitter = UserFactory(username="approver2", roles=["approver", "officer"])
    change.submitted_by = submitter
    change.save()
    as_user(client, submitter)
    page = client.get(f"{WORK}{change.commitment_id}/").content.decode()
    assert 'disabled title="变更申请的提交人不能审批自己提交的申请。"' in page
    assert client.post(f"{WORK}changes/{change.pk}/approve/").status_code == 403
    change.refresh_from_db()
    assert change.state == "submitted"
    as_user(client, approver)
    assert client.post(f"{WORK}changes/{change.pk}/approve/", {"note": "同意"}).status_code == 302
    change.refresh_from_db()
    assert change.state == "approved" and change.decided_by == approver
    assert Commitment.objects.get(pk=change.commitment_id).state == "changed"


def test_an_officer_who_is_not_an_approver_cannot_decide(client, change, officer):
    as_user(client, officer)
    assert client.post(f"{WORK}changes/{change.pk}/approve/").status_code == 403


def test_a_miss_after_an_approved_change_makes_no_lead_but_restructuring_still_does(
    client, change, approver, officer
):
    as_user(client, approver).post(f"{WORK}changes/{change.pk}/approve/")
    commitment = change.commitment
    as_user(client, officer)
    lawful = add_milestone(client, commitment, base=WORK)
    assert miss(client, lawful, "public_interest", "依法变更。", base=WORK).status_code == 302
    lawful.refresh_from_db()
    assert lawful.lead is None
    other = add_milestone(client, commitment, base=WORK, text="第二期奖励")
    miss(client, other, "restructuring", base=WORK)
    other.refresh_from_db()
    assert other.lead is not None


def test_restructuring_is_no_ground_for_a_change_request(client, officer, unit, fixed_today):
    as_user(client, officer)
    commitment = register(client, unit, base=WORK)
    response = client.post(
        f"{WORK}{commitment.pk}/act/request_change/",
        {"reason": "restructuring", "procedure": "x", "compensation": "y"},
    )
    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()


def test_the_change_request_file_is_downloadable_by_who_sees_the_commitment(
    client, change, liaison, other_liaison
):
    url = f"{UNIT}changes/{change.pk}/file/"
    assert as_user(client, liaison).get(url).status_code == 200
    assert as_user(client, other_liaison).get(url).status_code == 404


# ── scope ──────────────────────────────────────────────────────────────────────────


def test_a_liaison_of_another_unit_cannot_see_or_act(missed_for, other_liaison, liaison, unit):
    milestone = missed_for("force_majeure", "台风。")
    commitment = milestone.commitment
    client = as_user(Client(), other_liaison)
    assert commitment.number not in client.get(UNIT).content.decode()
    assert client.get(f"{UNIT}{commitment.pk}/").status_code == 404
    assert client.get(f"{WORK}{commitment.pk}/").status_code == 403
    assert miss(client, milestone, "restructuring").status_code == 404
    assert (
        client.post(
            f"{UNIT}{commitment.pk}/act/add_milestone/", {"description": "x", "due_on": "2026-03-01"}
        ).status_code
        == 404
    )
    assert not prm_leads().exists()
    # Nor register one for a unit not its own.
    response = client.post(
        f"{UNIT}new/",
        {
            "promisor": unit.pk,
            "type": "policy",
            "counterparty_name": "甲",
            "document_title": "乙",
            "obligations": "丙",
        },
    )
    assert response.status_code == 400
    assert Commitment.objects.count() == 1


def test_the_commission_sees_every_unit_and_filters(client, officer, liaison, unit, other_unit, fixed_today):
    as_user(client, liaison)
    ours = register(client, unit)
    as_user(client, officer)
    theirs = register(client, other_unit, base=WORK, type="public", document_title="基层公开承诺书")
    page = client.get(WORK).content.decode()
    assert ours.number in page and theirs.number in page
    filtered = client.get(WORK, {"type": "public"}).content.decode()
    assert theirs.number in filtered and ours.number not in filtered
    by_unit = client.get(WORK, {"unit": unit.pk, "state": "in_force"}).content.decode()
    assert ours.number in by_unit and theirs.number not in by_unit
    assert client.get(f"{WORK}{ours.pk}/").status_code == 200


def test_a_wrong_credit_code_is_refused_naming_the_field(client, liaison, unit, fixed_today):
    as_user(client, liaison)
    response = client.post(
        f"{UNIT}new/",
        {
            "promisor": unit.pk,
            "type": "contract",
            "counterparty_name": "甲公司",
            "counterparty_uscc": "91441900MA4W000000",
            "document_title": "合同",
            "obligations": "付款",
        },
    )
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_the_last_milestone_performed_completes_the_commitment(client, liaison, unit, fixed_today):
    as_user(client, liaison)
    commitment = register(client, unit)
    first = add_milestone(client, commitment)
    second = add_milestone(client, commitment, due="2026-03-01", text="第二期")
    for milestone in (first, second):
        response = client.post(f"{UNIT}milestones/{milestone.pk}/perform/", {"performed_on": "2026-01-30"})
        assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == "performed"
    page = client.get(f"{UNIT}{commitment.pk}/").content.decode()
    assert "disabled" in page  # nothing more to record: greyed out, with the reason
    future = client.post(f"{UNIT}milestones/{first.pk}/perform/", {"performed_on": "2026-05-01"})
    assert future.status_code == 400


def test_broken_commitments_lists_the_misses_become_leads_by_unit(missed_for, unit):
    breach = missed_for("restructuring")
    missed_for("force_majeure", "台风。")
    result = broken_commitments(2026)
    assert list(result) == [unit.pk]
    [(reference, explanation)] = result[unit.pk]
    assert breach.commitment.number in reference and breach.lead.reference in explanation
    assert broken_commitments(2025) == {}


def test_other_roles_get_403(client, civil_servant, liaison, hr, approver, fixed_today):
    for user in (civil_servant, hr):
        as_user(client, user)
        assert client.get(WORK).status_code == 403
        assert client.get(UNIT).status_code == 403
    assert as_user(client, liaison).get(WORK).status_code == 403
    assert as_user(client, approver).get(f"{WORK}new/").status_code == 403  # approvers decide, not register


def test_the_navigation_leads_each_to_their_own_commitment_pages(client, officer, liaison, civil_servant):
    assert 'href="/work/commitments/"' in as_user(client, officer).get("/work/cases/").content.decode()
    assert 'href="/unit/commitments/"' in as_user(client, liaison).get(UNIT).content.decode()
    assert "/commitments/" not in as_user(client, civil_servant).get("/me/").content.decode()


def test_the_commitment_document_is_kept_by_content_and_served_to_who_sees_it(
    client, liaison, other_liaison, officer, unit, fixed_today
):
    pdf = PDF_BYTES
    as_user(client, liaison)
    commitment = register(client, unit, attachment=SimpleUploadedFile("协议.pdf", pdf))
    assert commitment.file_name == "协议.pdf" and len(commitment.sha256) == 64
    response = client.get(f"{UNIT}{commitment.pk}/file/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert as_user(client, officer).get(f"{WORK}{commitment.pk}/file/").status_code == 200
    assert as_user(client, other_liaison).get(f"{UNIT}{commitment.pk}/file/").status_code == 404
    as_user(client, liaison)
    refused = client.post(
        f"{UNIT}new/",
        {
            "promisor": unit.pk,
            "type": "policy",
            "counterparty_name": "甲",
            "document_title": "乙",
            "obligations": "丙",
            "attachment": SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert refused.status_code == 400
    assert Commitment.objects.count() == 1
