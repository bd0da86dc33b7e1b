"""Scenario 7 (DOMAIN §5.1 T10): when the court document a JUD/DEF record rests on is revoked,
the record becomes REVOKED within 3 WD of registering the revoking document — an approver
revokes it from the list of pending revocations, the platform's due date counts from the
registration, and a pending one past its 3 WD shows as overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from casework import calendar
from casework.models import AuditEntry, Deadline, Record, SyncEvent
from casework.roles import Role
from casework.services.deadlines import deadlines_flag_overdue
from exchange.court import CourtAction
from exchange.models import CourtDocument, CourtRevocation, RevocationState

from . import lifecycle
from .court_cases import entry, to_effective, upload
from .factories import UserFactory

JUDGMENT = "(2025)粤1971民初100号"
REVOKING = "(2026)粤19民终50号"
#: Friday before the Spring Festival: 3 working days run to Wednesday 25 February.
D = dt.date(2026, 2, 13)
DUE = dt.date(2026, 2, 25)

DOC_HEADERS = [
    "文书号",
    "法院",
    "文书类型",
    "被撤销文书号",
    "当事人",
    "统一社会信用代码",
    "裁判日期",
    "内容摘要",
]


@pytest.fixture
def effective(client, settings, officer, approver, unit):
    """The unit's DEF record in force, from a list entry whose 执行依据 is JUDGMENT."""
    settings.CHENGXIN_TODAY = "2026-01-02"
    upload(client, officer, [entry(unit.name, "(2025)粤1971执9号", code=unit.credit_code, basis=JUDGMENT)])
    lead = Record.objects.get(subject_organisation=unit)
    return to_effective(lead, officer=officer, approver=approver, settings=settings)


def register_revocation(client, officer, settings, *, revokes="（2025）粤1971民初100号"):
    """The officer registers the appeal court's judgment revoking JUDGMENT on D (the number
    typed with full-width brackets, as printed)."""
    settings.CHENGXIN_TODAY = D.isoformat()
    client.force_login(officer)
    response = client.post(
        "/work/court/documents/new/",
        {
            "number": REVOKING,
            "court": "东莞市中级人民法院",
            "kind": "revocation",
            "revokes": revokes,
            "decided_on": "2026-02-10",
            "summary": "撤销一审判决，驳回原告诉讼请求。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CourtDocument.objects.get(number=REVOKING)


def test_scenario_7_the_approver_revokes_within_3_wd_of_registering_the_revoking_document(
    client, settings, officer, approver, effective
):
    document = register_revocation(client, officer, settings)

    pending = CourtRevocation.objects.get(document=document)
    assert (pending.record, pending.state, pending.registered_on) == (effective, RevocationState.PENDING, D)
    assert pending.due_on == DUE == calendar.add_working_days(D, 3).date
    deadline = Deadline.objects.get(
        owner_type=ContentType.objects.get_for_model(CourtRevocation), owner_id=pending.pk
    )
    assert (deadline.kind, deadline.start_on, deadline.due_on, deadline.record) == (
        "withdraw_display",
        D,
        DUE,
        effective,
    )
    registered = AuditEntry.objects.get(record=effective, action=CourtAction.REVOCATION_REGISTERED)
    assert JUDGMENT in registered.reason and registered.actor == officer

    settings.CHENGXIN_TODAY = "2026-02-24"
    client.force_login(approver)
    assert "/work/court/revocations/" in client.get("/work/approvals/").content.decode()
    page = client.get("/work/court/revocations/").content.decode()
    assert effective.reference in page and "2026-02-25" in page and "已逾期" not in page
    response = client.post(f"/work/court/revocations/{pending.pk}/confirm/", {"reason": ""})
    assert response.status_code == 302

    effective.refresh_from_db()
    assert (effective.state, effective.closing_document, effective.public) == ("REVOKED", REVOKING, False)
    assert JUDGMENT in effective.closing_reason
    revoke = SyncEvent.objects.get(record=effective, kind="REVOKE")
    assert revoke.due_on == DUE  # 3 WD from the registration, not from the approver's day
    assert AuditEntry.objects.get(record=effective, action="revoke").actor == approver
    pending.refresh_from_db()
    deadline.refresh_from_db()
    assert (pending.state, pending.decided_by, deadline.status) == (RevocationState.REVOKED, approver, "MET")
    assert effective.reference not in client.get("/work/court/revocations/").content.decode()
    # confirming again is refused, nothing revoked twice
    client.post(f"/work/court/revocations/{pending.pk}/confirm/")
    assert SyncEvent.objects.filter(record=effective, kind="REVOKE").count() == 1


def test_a_pending_revocation_is_overdue_after_its_3_wd(client, settings, officer, approver, effective):
    register_revocation(client, officer, settings)
    pending = CourtRevocation.objects.get()

    settings.CHENGXIN_TODAY = DUE.isoformat()
    client.force_login(approver)
    assert "已逾期" not in client.get("/work/court/revocations/").content.decode()
    assert deadlines_flag_overdue(DUE) == {}

    settings.CHENGXIN_TODAY = "2026-02-26"
    assert "已逾期" in client.get("/work/court/revocations/").content.decode()
    assert deadlines_flag_overdue(dt.date(2026, 2, 26)) == {"withdraw_display": 1}
    client.post(f"/work/court/revocations/{pending.pk}/confirm/", {"reason": "二审改判"})
    effective.refresh_from_db()
    assert effective.state == "REVOKED" and effective.closing_reason == "二审改判"
    assert SyncEvent.objects.get(record=effective, kind="REVOKE").due_on == DUE


def test_a_revoked_document_behind_a_lead_is_flagged_for_the_officer(
    client, settings, officer, approver, unit
):
    settings.CHENGXIN_TODAY = "2026-01-02"
    upload(client, officer, [entry(unit.name, "(2025)粤1971执9号", code=unit.credit_code, basis=JUDGMENT)])
    lead = Record.objects.get(subject_organisation=unit)

    register_revocation(client, officer, settings)

    flagged = CourtRevocation.objects.get()
    assert (flagged.record, flagged.state, flagged.due_on) == (lead, RevocationState.FLAGGED, None)
    assert REVOKING in client.get("/work/court/").content.decode()
    client.force_login(approver)
    assert lead.reference not in client.get("/work/court/revocations/").content.decode()
    client.force_login(officer)
    client.post(f"/work/court/revocations/{flagged.pk}/note/", {"reason": "线索所依据判决已撤销，拟不予认定"})
    flagged.refresh_from_db()
    assert flagged.state == RevocationState.NOTED
    assert AuditEntry.objects.get(record=lead, action=CourtAction.REVOCATION_NOTED).actor == officer
    lead.refresh_from_db()
    assert lead.state == "LEAD"


def test_a_court_documents_file_revokes_a_jud_record_quoting_the_judgment_and_makes_jud_leads(
    client, settings, officer, approver, unit, other_unit, fixed_today
):
    record = lifecycle.effective(
        officer=officer,
        approver=approver,
        organisation=unit,
        category="JUD",
        content="（2025）粤1971民初200号民事判决确认该单位拖欠工程款，至今未履行。",
    )
    rows = [
        {
            "文书号": "(2026)粤19民终60号",
            "法院": "东莞市中级人民法院",
            "文书类型": "撤销判决",
            "被撤销文书号": "(2025)粤1971民初200号",
            "裁判日期": "2026-01-30",
        },
        {
            "文书号": "(2026)粤1971民初7号",
            "法院": "东莞市第一人民法院",
            "文书类型": "判决",
            "当事人": other_unit.name,
            "统一社会信用代码": other_unit.credit_code,
            "内容摘要": "判令支付货款。",
        },
        {"文书号": "", "法院": "东莞市第一人民法院"},
    ]
    batch = upload(client, officer, rows, "xlsx", kind="court_documents", headers=DOC_HEADERS)

    assert batch.counts == {"created": 2, "invalid": 1}
    pending = CourtRevocation.objects.get()
    assert (pending.record, pending.state, pending.registered_on) == (
        record,
        RevocationState.PENDING,
        dt.date(2026, 2, 2),
    )
    jud = Record.objects.get(subject_organisation=other_unit)
    assert (jud.source, jud.category, jud.created_by) == ("COURT", "JUD", None)
    assert CourtDocument.objects.get(number="(2026)粤1971民初7号").record == jud

    counts = (Record.objects.count(), CourtRevocation.objects.count(), AuditEntry.objects.count())
    again = upload(client, officer, rows, "xlsx", kind="court_documents", headers=DOC_HEADERS)
    assert again.counts == {"unchanged": 2, "invalid": 1}
    assert (Record.objects.count(), CourtRevocation.objects.count(), AuditEntry.objects.count()) == counts


def test_a_judgment_naming_a_body_only_by_name_waits_for_an_officer_like_a_list_entry(
    client, settings, officer, approver, unit, other_unit, fixed_today
):
    """Item 2's weak match for judgments: a party whose name, not its code, is a body's is
    queued; the officer confirms one into a JUD lead (which a later revocation then reaches)
    and rejects the other, and neither is queued again by a second import."""
    rows = [
        {
            "文书号": "(2026)粤1971民初8号",
            "法院": "东莞市第一人民法院",
            "文书类型": "判决",
            "当事人": "广东省东莞市甲局",  # the province prefix, no code
            "内容摘要": "判令支付工程款。",
        },
        {
            "文书号": "(2026)粤1971民初9号",
            "法院": "东莞市第一人民法院",
            "文书类型": "判决",
            "当事人": "东莞市乙局",
            "统一社会信用代码": "91441900MA4UQ2LX2C",  # another body's code: a namesake, perhaps
        },
        {"文书号": "(2026)粤1971民初10号", "法院": "东莞市第一人民法院", "当事人": "某某公司"},
    ]
    batch = upload(client, officer, rows, "csv", kind="court_documents", headers=DOC_HEADERS)

    assert batch.counts == {"queued": 2, "created": 1}
    assert not Record.objects.exists()
    by_name = CourtDocument.objects.get(number="(2026)粤1971民初8号")
    namesake = CourtDocument.objects.get(number="(2026)粤1971民初9号")
    assert (by_name.match, by_name.organisation, namesake.organisation) == ("weak", unit, other_unit)
    home = client.get("/work/court/").content.decode()
    assert "法院判决" in home and "(2026)粤1971民初8号" in home and "广东省东莞市甲局" in home

    response = client.post(f"/work/court/matches/judgment/{by_name.pk}/confirm/")
    assert response.status_code == 302
    client.post(f"/work/court/matches/judgment/{namesake.pk}/reject/", {"reason": "同名企业"})

    by_name.refresh_from_db()
    namesake.refresh_from_db()
    lead = by_name.record
    assert (by_name.match, by_name.decided_by, namesake.match) == ("confirmed", officer, "rejected")
    assert (lead.subject_organisation, lead.category, lead.source, lead.created_by) == (
        unit,
        "JUD",
        "COURT",
        officer,
    )
    assert "(2026)粤1971民初8号" in lead.lead_content
    assert AuditEntry.objects.get(action=CourtAction.WEAK_CONFIRM).record == lead
    assert AuditEntry.objects.get(action=CourtAction.WEAK_REJECT).reason == "同名企业"
    # decided once: a second decision is refused, the lead is not registered twice
    client.post(f"/work/court/matches/judgment/{by_name.pk}/confirm/")
    assert Record.objects.count() == 1

    counts = (Record.objects.count(), AuditEntry.objects.count())
    again = upload(client, officer, rows, "csv", kind="court_documents", headers=DOC_HEADERS)
    assert again.counts == {"unchanged": 3}
    assert (Record.objects.count(), AuditEntry.objects.count()) == counts
    assert "(2026)粤1971民初9号" not in client.get("/work/court/").content.decode()

    # the appeal court revokes the confirmed judgment: the lead it gave is flagged
    register_revocation(client, officer, settings, revokes="(2026)粤1971民初8号")
    assert CourtRevocation.objects.get().record == lead


def test_a_judgment_typed_in_by_an_officer_is_matched_by_name_too(
    client, officer, approver, unit, fixed_today
):
    client.force_login(officer)
    response = client.post(
        "/work/court/documents/new/",
        {
            "number": "(2026)粤1971民初11号",
            "court": "东莞市第一人民法院",
            "kind": "judgment",
            "party": "东莞甲局",
        },
    )
    assert response.status_code == 302
    document = CourtDocument.objects.get()
    assert (document.match, document.organisation, document.record) == ("weak", unit, None)
    # only an officer decides: a credit admin sees the queue, an approver does not
    credit_admin = UserFactory(username="credit", roles=[Role.CREDIT_ADMIN])
    client.force_login(credit_admin)
    assert "东莞甲局" in client.get("/work/court/").content.decode()
    assert client.post(f"/work/court/matches/judgment/{document.pk}/confirm/").status_code == 403
    client.force_login(approver)
    assert client.post(f"/work/court/matches/judgment/{document.pk}/reject/").status_code == 403
    client.force_login(officer)
    assert client.post(f"/work/court/matches/nothing/{document.pk}/confirm/").status_code == 404
    document.refresh_from_db()
    assert document.match == "weak"


def test_only_approvers_revoke_and_liaisons_see_no_court_page(
    client, settings, officer, approver, liaison, effective
):
    register_revocation(client, officer, settings)
    pending = CourtRevocation.objects.get()

    client.force_login(officer)
    assert client.post(f"/work/court/revocations/{pending.pk}/confirm/").status_code == 403
    client.force_login(liaison)
    for url in ("/work/court/", "/work/court/revocations/", "/work/court/documents/new/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/work/court/revocations/{pending.pk}/confirm/").status_code == 403
    effective.refresh_from_db()
    assert effective.state == "EFFECTIVE"
    assert not AuditEntry.objects.filter(record=effective, action="revoke").exists()
