"""Need-to-know on attachments (等保 level 3): an investigation file never reaches the
investigated.

Each file carries a visibility class (INTERNAL, SUBJECT, PUBLIC). The commission's staff see
every file of the records they see; the subject's side (its unit's liaison and head, or the
civil servant) only SUBJECT and PUBLIC ones, on every path: the API list, the download, the
case page and the record's audit trail. A file the subject may not have is a 404, the same
as an id that does not exist.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from casework.models import Attachment, AttachmentVisibility, AuditEntry, Measure, Record
from casework.roles import Role
from casework.services import records as records_svc
from casework.services.records import decided

from . import lifecycle
from .api_fixtures import api
from .factories import PersonFactory, UserFactory
from .rectification_steps import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
MISSING = 987654321
WITNESS = "核查笔录-证人李四.pdf"
V = AttachmentVisibility


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path, fixed_today):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"


# ── helpers: the paths users take ───────────────────────────────────────────────


def attach(user, record, name, **extra):
    return api(user).post(
        f"/api/records/{record.pk}/attachments/",
        {"file": upload(name, PDF_BYTES), "purpose": "investigation", **extra},
        format="multipart",
    )


def download(user, attachment_id):
    return api(user).get(reverse("attachment-download", args=[attachment_id]))


def listed(user, record) -> set[int] | None:
    """The ids the API lists for the record, or None when the record is a 404."""
    response = api(user).get(f"/api/records/{record.pk}/attachments/")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data}


def case_page(user, record) -> str:
    response = api(user).get(reverse("case-detail", args=[record.pk]))
    assert response.status_code in (200, 404)
    return response.content.decode()


def trail(user, record) -> str:
    response = api(user).get(f"/api/records/{record.pk}/audit/")
    assert response.status_code in (200, 404)
    return response.content.decode()


def cannot_reach(user, record, attachment: Attachment) -> None:
    """Every path: the download is the 404 of a missing id, and no list, page or trail names it."""
    hidden, missing = download(user, attachment.pk), download(user, MISSING)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert attachment.pk not in (listed(user, record) or set())
    assert attachment.original_name not in case_page(user, record)
    assert attachment.original_name not in trail(user, record)


def can_reach(user, record, attachment: Attachment) -> None:
    got = download(user, attachment.pk)
    assert got.status_code == 200
    body = b"".join(got.streaming_content)  # the stored copy (a clean one when upload_safety made one)
    assert body.startswith(b"%PDF-") and got["Content-Type"] == "application/pdf"
    assert attachment.pk in listed(user, record)
    assert attachment.original_name in case_page(user, record)


def propose(officer, record) -> Record:
    measure = Measure.objects.get(code="M01" if record.subject_organisation_id else "M05")
    return records_svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category="PRM",
        domain="PROCUREMENT",
        tier="GENERAL",
        facts="该单位在政府采购合同履约中拖欠中小企业账款。",
        legal_basis="《保障中小企业款项支付条例》第九条",
        measure_ids=[measure.pk],
    )


# ── the reviewer's case, at every state of the record ───────────────────────────


def test_an_investigation_file_never_reaches_the_unit_at_any_state(officer, approver, liaison, head, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    at_lead = attach(officer, record, "线索材料.pdf")
    assert at_lead.status_code == 201 and at_lead.data["visibility"] == V.INTERNAL
    records_svc.record_start_verification(acting_user=officer, record_id=record.pk)
    witness = attach(officer, record, WITNESS)
    assert witness.status_code == 201 and witness.data["visibility"] == V.INTERNAL
    files = list(Attachment.objects.filter(pk__in=[at_lead.data["id"], witness.data["id"]]))
    subject_side = [liaison, head]

    def check(state: str) -> None:
        assert Record.objects.get(pk=record.pk).state == state
        for user in subject_side:
            for attachment in files:
                cannot_reach(user, record, attachment)
        for attachment in files:  # the commission still has them
            can_reach(officer, record, attachment)

    check("VERIFYING")
    propose(officer, record)
    check("PROPOSED")
    records_svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    check("PRE_NOTICE")
    lifecycle.serve_pre_notice(record, officer=officer, approver=approver)
    assert listed(liaison, record) is not None  # the unit now sees the record itself…
    check("PRE_NOTICE")  # …but not the investigation files
    records_svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
    )
    check("DETERMINED")
    lifecycle.serve(record, officer=officer, approver=approver)
    check("EFFECTIVE")
    late = attach(officer, record, "补充核查笔录.pdf")  # staff files stay internal when decided too
    assert late.data["visibility"] == V.INTERNAL
    files.append(Attachment.objects.get(pk=late.data["id"]))
    check("EFFECTIVE")
    decided.record_revoke(
        acting_user=approver, record_id=record.pk, reason="原决定被撤销。", document="撤销决定书"
    )
    check("REVOKED")
    decided.record_archive(acting_user=officer, record_id=record.pk)
    check("ARCHIVED")


def test_the_units_own_file_is_shared_and_an_outsider_still_gets_404(
    officer, approver, liaison, head, other_liaison, unit
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    sent = attach(liaison, record, "情况说明.pdf")
    assert sent.status_code == 201 and sent.data["visibility"] == V.SUBJECT
    mine = Attachment.objects.get(pk=sent.data["id"])
    for user in (liaison, head, officer, approver):
        can_reach(user, record, mine)
    cannot_reach(other_liaison, record, mine)


def test_a_civil_servant_sees_only_what_is_shared_on_their_own_record(officer, approver, unit):
    person = PersonFactory(unit=unit, name="赵六")
    servant = UserFactory(person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])
    colleague = UserFactory(person=PersonFactory(unit=unit), organisation=unit, roles=[Role.CIVIL_SERVANT])
    record = lifecycle.lead(officer=officer, person=person)
    records_svc.record_start_verification(acting_user=officer, record_id=record.pk)
    witness = Attachment.objects.get(pk=attach(officer, record, WITNESS).data["id"])
    propose(officer, record)
    records_svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    lifecycle.serve_pre_notice(record, officer=officer, approver=approver)
    records_svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
    )
    lifecycle.serve(record, officer=officer, approver=approver)
    cannot_reach(servant, record, witness)
    own = attach(servant, record, "申辩材料.pdf")
    assert own.status_code == 201 and own.data["visibility"] == V.SUBJECT
    own = Attachment.objects.get(pk=own.data["id"])
    can_reach(servant, record, own)
    cannot_reach(colleague, record, own)


# ── the officer classes a file ──────────────────────────────────────────────────


def test_the_officer_shares_a_file_and_takes_it_back_audited(officer, approver, liaison, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    file = Attachment.objects.get(pk=attach(officer, record, "认定依据.pdf").data["id"])
    cannot_reach(liaison, record, file)
    url = reverse("attachment-visibility", args=[file.pk])

    shared = api(officer).post(
        url, {"visibility": "SUBJECT", "reason": "认定依据应告知当事单位。"}, format="json"
    )
    assert shared.status_code == 200 and shared.data["visibility"] == V.SUBJECT
    can_reach(liaison, record, file)
    entry = AuditEntry.objects.get(action="attachment.visibility", object_id=str(file.pk))
    assert entry.actor == officer and entry.reason == "认定依据应告知当事单位。"
    assert entry.diff == {"visibility": ["INTERNAL", "SUBJECT"]}

    back = api(approver).post(url, {"visibility": "INTERNAL", "reason": "误设为公开。"}, format="json")
    assert back.status_code == 200
    cannot_reach(liaison, record, file)
    assert AuditEntry.objects.filter(action="attachment.visibility", object_id=str(file.pk)).count() == 2


def test_only_the_commission_classes_a_file(officer, approver, liaison, other_liaison, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    own = Attachment.objects.get(pk=attach(liaison, record, "情况说明.pdf").data["id"])
    url = reverse("attachment-visibility", args=[own.pk])
    body = {"visibility": "PUBLIC", "reason": "想公开。"}
    before = AuditEntry.objects.count()
    refused = api(liaison).post(url, body, format="json")
    assert refused.status_code == 403, refused.data
    assert api(other_liaison).post(url, body, format="json").status_code == 404
    assert AuditEntry.objects.count() == before
    assert Attachment.objects.get(pk=own.pk).visibility == V.SUBJECT
    # Nor on upload: the class is the commission's to choose.
    chosen = attach(liaison, record, "另一份.pdf", visibility="INTERNAL")
    assert chosen.status_code == 403 and chosen.data["field"] == "visibility"
    assert "可见范围" in chosen.data["detail"]
    assert Attachment.objects.filter(record=record).count() == 1


def test_bad_input_names_the_field_in_chinese(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    bad = attach(officer, record, "x.pdf", visibility="SECRET")
    assert bad.status_code == 400 and "visibility" in bad.content.decode()
    assert not Attachment.objects.exists()
    file = Attachment.objects.get(pk=attach(officer, record, "x.pdf").data["id"])
    url = reverse("attachment-visibility", args=[file.pk])
    no_reason = api(officer).post(url, {"visibility": "SUBJECT", "reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.content.decode()
    wrong = api(officer).post(url, {"visibility": "nobody", "reason": "x"}, format="json")
    assert wrong.status_code == 400 and "visibility" in wrong.content.decode()
    assert Attachment.objects.get(pk=file.pk).visibility == V.INTERNAL


def test_the_officer_chooses_the_class_on_upload_and_on_the_case_page(officer, approver, liaison, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    shared = attach(officer, record, "送达回证.pdf", visibility="SUBJECT")
    assert shared.status_code == 201 and shared.data["visibility"] == V.SUBJECT
    can_reach(liaison, record, Attachment.objects.get(pk=shared.data["id"]))
    form = reverse("case-action", kwargs={"kind": "cases", "pk": record.pk, "step": "attachment"})
    assert 'name="visibility"' in api(officer).get(form).content.decode()
    assert 'name="visibility"' not in api(liaison).get(form).content.decode()


# ── roles × classes ─────────────────────────────────────────────────────────────

READERS = {
    Role.OFFICER: True,
    Role.APPROVER: True,
    Role.CREDIT_ADMIN: True,
    Role.ASSESSOR: True,
    Role.UNIT_LIAISON: False,
    Role.UNIT_HEAD: False,
}


@pytest.mark.parametrize("visibility", list(V))
@pytest.mark.parametrize(("role", "commission"), sorted(READERS.items()))
def test_roles_by_classes(officer, approver, unit, other_unit, visibility, role, commission):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    file = Attachment.objects.get(
        pk=attach(officer, record, "材料.pdf", visibility=visibility.value).data["id"]
    )
    ours = UserFactory(organisation=None if commission else unit, roles=[role])
    sees = commission or visibility in (V.SUBJECT, V.PUBLIC)
    (can_reach if sees else cannot_reach)(ours, record, file)
    if not commission:  # another unit's user never, whatever the class
        cannot_reach(UserFactory(organisation=other_unit, roles=[role]), record, file)


def test_the_prior_notice_names_only_shared_evidence(officer, approver, unit, issuer):
    """The 事先告知书 goes to the subject: its draft names the evidence already shared with it,
    never an investigation file (the officer describes that in their own words)."""
    from notices.models import Notice

    record = lifecycle.lead(officer=officer, organisation=unit)
    records_svc.record_start_verification(acting_user=officer, record_id=record.pk)
    assert attach(officer, record, WITNESS, purpose="evidence").status_code == 201
    shared = attach(officer, record, "合同履约记录.pdf", purpose="evidence", visibility="SUBJECT")
    assert shared.status_code == 201
    propose(officer, record)
    records_svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    notice = Notice.objects.get(record=record, type_code="N1")
    assert notice.data["evidence"] == ["合同履约记录.pdf"]


def test_the_rectification_pages_show_only_what_the_unit_may_have(officer, approver, liaison, unit):
    """The order's own listing of its files (API and page) goes through the same rule: evidence
    the commission takes back to INTERNAL leaves the unit's view of the order."""
    from . import rectification_steps

    order = rectification_steps.in_progress(
        officer=officer, approver=approver, unit=unit, served_on=dt.date(2026, 2, 2)
    )
    item = order.items.get()
    sent = api(liaison).post(
        f"/api/rectification-items/{item.pk}/evidence/",
        {"file": upload("付款回单-内部.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert sent.status_code == 201, sent.data
    file_id = Attachment.objects.get(original_name="付款回单-内部.pdf").pk
    api_url = f"/api/rectifications/{order.pk}/"
    assert "付款回单-内部.pdf" in api(liaison).get(api_url).content.decode()
    url = reverse("attachment-visibility", args=[file_id])
    taken = api(officer).post(url, {"visibility": "INTERNAL", "reason": "含第三方账户信息。"}, format="json")
    assert taken.status_code == 200
    for path in (api_url, f"/unit/items/{item.pk}/evidence/"):  # the /work/ pages are staff-only
        response = api(liaison).get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "付款回单-内部.pdf" not in response.content.decode(), path
    assert "付款回单-内部.pdf" in api(officer).get(api_url).content.decode()
    assert download(liaison, file_id).status_code == 404
