"""The 失信被执行人 list in (issue 11 item 2, must-show 2): leads only for code matches, name
matches queued for an officer, the same file twice changes nothing, and what an entry
performed or gone from the full list does to its record."""

from __future__ import annotations

import pytest

from casework.action_labels import AuditAction
from casework.models import AuditEntry, Organisation, Record
from casework.roles import Role
from exchange.court import CourtAction
from exchange.models import DefaulterEntry, EntryStatus, ImportRow, MatchState

from .court_cases import entry, to_effective, upload
from .factories import OrganisationFactory, UserFactory


@pytest.fixture
def import_day(settings):
    settings.CHENGXIN_TODAY = "2026-01-02"


@pytest.fixture
def bodies(db):
    return {
        "uscc": OrganisationFactory(name="东莞市甲局"),
        "org_code": OrganisationFactory(name="东莞市乙局"),
        "name": OrganisationFactory(name="东莞市丙局", credit_code=None),
    }


def list_rows(bodies):
    code = bodies["org_code"].credit_code
    return [
        entry("东莞市甲局", "(2025)粤1971执1号", code=bodies["uscc"].credit_code),
        # the organisation code as lists before 2015 give it, with its hyphen
        entry("东莞市乙局（原东莞市乙办）", "(2025)粤1971执2号", org_code=f"{code[8:16]}-{code[16]}"),
        # the name with the province, a space and full-width brackets: for an officer to confirm
        entry("广东省东莞市 丙局", "（2025）粤1971执3号"),
        # a company: the vast majority, kept, no lead
        entry("东莞市某某建设工程有限公司", "(2025)粤1971执4号", code="91441900MA4UQ2LX2C"),
        entry("东莞市某某建设工程有限公司", ""),  # no 案号: refused with its column
    ]


def snapshot():
    return (Record.objects.count(), DefaulterEntry.objects.count(), AuditEntry.objects.count())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_list_makes_leads_only_for_code_matches_and_a_second_import_changes_nothing(
    client, officer, bodies, import_day, fmt
):
    batch = upload(client, officer, list_rows(bodies), fmt)

    assert batch.state == "DONE", batch.error
    assert batch.counts == {"created": 3, "queued": 1, "invalid": 1}
    leads = Record.objects.order_by("pk")
    assert [lead.subject_organisation for lead in leads] == [bodies["uscc"], bodies["org_code"]]
    for lead in leads:
        assert (lead.state, lead.source, lead.category) == ("LEAD", "DEFAULTER_LIST", "DEF")
        assert lead.created_by is None  # registered by the system
        entry_row = DefaulterEntry.objects.get(record=lead)
        assert entry_row.case_number in lead.lead_content and "支付工程款 120 万元" in lead.lead_content
        registered = AuditEntry.objects.get(record=lead, action=AuditAction.REGISTER_LEAD)
        assert registered.actor_role == Role.SYSTEM
    queued = DefaulterEntry.objects.get(match=MatchState.WEAK)
    assert (queued.organisation, queued.record, queued.case_number) == (
        bodies["name"],
        None,
        "(2025)粤1971执3号",
    )
    company = DefaulterEntry.objects.get(case_number="(2025)粤1971执4号")
    assert (company.match, company.record) == (MatchState.NONE, None)
    reported = ImportRow.objects.get(batch=batch, target=f"defaulter:{company.pk}")
    assert reported.message == "未匹配到本系统中的政府机构：仅留存，不登记线索。"
    invalid = ImportRow.objects.get(batch=batch, outcome="invalid")
    assert invalid.number == 6 and invalid.errors == [{"column": "案号", "message": "请填写案号。"}]

    before = snapshot()
    again = upload(client, officer, list_rows(bodies), fmt)

    assert again.counts == {"unchanged": 4, "invalid": 1}
    assert snapshot() == before


def test_the_batch_page_shows_each_row_and_the_queue_shows_the_name_match(
    client, officer, bodies, import_day
):
    batch = upload(client, officer, list_rows(bodies))
    page = client.get(f"/work/court/batches/{batch.pk}/").content.decode()
    assert "已登记线索 ZWSX-2026-" in page and "待办案人员确认" in page and "请填写案号。" in page
    home = client.get("/work/court/").content.decode()
    assert "广东省东莞市 丙局" in home and bodies["name"].name in home


def test_an_officer_confirms_a_name_match_into_a_lead_and_a_rejected_one_is_not_queued_again(
    client, officer, bodies, import_day
):
    rows = [*list_rows(bodies), entry("东莞丙局", "(2025)粤1971执5号")]
    upload(client, officer, rows)
    first, second = DefaulterEntry.objects.filter(match=MatchState.WEAK).order_by("pk")

    client.post(f"/work/court/matches/entry/{first.pk}/confirm/")
    client.post(f"/work/court/matches/entry/{second.pk}/reject/", {"reason": "同名企业，非本市机关"})

    first.refresh_from_db()
    assert first.match == MatchState.CONFIRMED and first.record.subject_organisation == bodies["name"]
    assert first.record.created_by == officer and first.record.category == "DEF"
    assert AuditEntry.objects.filter(action=CourtAction.WEAK_CONFIRM, actor=officer).count() == 1
    assert AuditEntry.objects.get(action=CourtAction.WEAK_REJECT).reason == "同名企业，非本市机关"

    before = snapshot()
    again = upload(client, officer, rows)
    assert again.counts == {"unchanged": 5, "invalid": 1}
    assert snapshot() == before
    assert not DefaulterEntry.objects.filter(match=MatchState.WEAK).exists()


def test_a_body_added_after_the_import_is_found_by_the_next_one(client, officer, bodies, import_day):
    rows = list_rows(bodies)
    upload(client, officer, rows)
    company = Organisation.objects.create(
        name="东莞市某某建设工程有限公司", type="INSTITUTION", credit_code="91441900MA4UQ2LX2C"
    )

    batch = upload(client, officer, rows)

    assert batch.counts == {"unchanged": 3, "updated": 1, "invalid": 1}
    assert Record.objects.filter(subject_organisation=company, source="DEFAULTER_LIST").count() == 1


def test_an_entry_marked_performed_registers_the_obligations_of_the_record_in_force(
    client, settings, officer, approver, bodies, import_day
):
    rows = list_rows(bodies)
    upload(client, officer, rows)
    record = to_effective(
        Record.objects.get(subject_organisation=bodies["uscc"]),
        officer=officer,
        approver=approver,
        settings=settings,
    )
    lead = Record.objects.get(subject_organisation=bodies["org_code"])

    rows[0]["履行情况"] = "全部履行"
    rows[1]["履行情况"] = "全部履行"
    batch = upload(client, officer, rows)

    assert batch.counts == {"updated": 2, "unchanged": 2, "invalid": 1}
    record.refresh_from_db()
    assert record.obligations_fulfilled_on.isoformat() == "2026-02-02"
    marked = AuditEntry.objects.get(record=record, action=AuditAction.MARK_OBLIGATIONS_FULFILLED)
    assert marked.actor_role == Role.SYSTEM and "(2025)粤1971执1号" in marked.reason
    assert marked.diff["obligations_fulfilled_on"] == [None, "2026-02-02"]
    # still a lead: noted on its timeline for the officer, no obligation date on a lead
    lead.refresh_from_db()
    assert lead.obligations_fulfilled_on is None
    assert "已履行" in AuditEntry.objects.get(record=lead, action=CourtAction.LIST_NOTE).reason
    assert DefaulterEntry.objects.get(record=record).status == EntryStatus.PERFORMED


def test_an_entry_gone_from_a_full_list_is_removed_and_noted_on_its_record(
    client, settings, officer, approver, bodies, import_day
):
    rows = list_rows(bodies)
    upload(client, officer, rows)
    record = to_effective(
        Record.objects.get(subject_organisation=bodies["uscc"]),
        officer=officer,
        approver=approver,
        settings=settings,
    )

    # a partial file without the entry says nothing about it
    upload(client, officer, rows[1:])
    assert DefaulterEntry.objects.get(record=record).status == EntryStatus.LISTED

    upload(client, officer, rows[1:], full_list=True)

    gone = DefaulterEntry.objects.get(record=record)
    assert gone.status == EntryStatus.REMOVED
    record.refresh_from_db()
    assert record.obligations_fulfilled_on is None  # leaving the list does not prove performance
    note = AuditEntry.objects.get(record=record, action=CourtAction.LIST_NOTE)
    assert "已移出名单" in note.reason and note.actor_role == Role.SYSTEM
    assert DefaulterEntry.objects.filter(status=EntryStatus.LISTED).count() == 3

    before = snapshot()
    upload(client, officer, rows[1:], full_list=True)
    assert snapshot() == before


def test_a_full_list_that_yields_no_good_row_removes_nothing(client, officer, bodies, import_day):
    upload(client, officer, list_rows(bodies))
    upload(client, officer, [entry("某公司", "")], full_list=True)
    assert not DefaulterEntry.objects.filter(status=EntryStatus.REMOVED).exists()


def test_officers_and_credit_admins_import_others_cannot_see_the_queue(
    client, officer, liaison, approver, bodies, import_day
):
    credit_admin = UserFactory(username="credit", roles=[Role.CREDIT_ADMIN])
    batch = upload(client, credit_admin, list_rows(bodies), "json")
    assert batch.state == "DONE" and batch.created_by == credit_admin
    weak = DefaulterEntry.objects.get(match=MatchState.WEAK)
    # the credit admin sees the queue but the decision is the officer's
    assert client.post(f"/work/court/matches/entry/{weak.pk}/confirm/").status_code == 403

    for user in (liaison, approver):
        client.force_login(user)
        assert client.get("/work/court/").status_code == 403
        assert client.get(f"/work/court/batches/{batch.pk}/").status_code == 403
        assert client.post(f"/work/court/matches/entry/{weak.pk}/confirm/").status_code == 403
    weak.refresh_from_db()
    assert weak.match == MatchState.WEAK


def test_a_dry_run_writes_nothing_and_a_broken_json_file_fails_with_its_reason(
    client, officer, bodies, import_day
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.models import ImportBatch

    from .court_cases import file_of

    client.force_login(officer)
    name, data = file_of(list_rows(bodies), "json")
    client.post(
        "/work/court/", {"kind": "defaulter_list", "file": SimpleUploadedFile(name, data), "dry_run": "on"}
    )
    dry = ImportBatch.objects.get()
    assert (dry.state, dry.counts) == ("CHECKED", {"valid": 4, "invalid": 1})
    assert snapshot() == (0, 0, 0)

    client.post(
        "/work/court/",
        {"kind": "defaulter_list", "file": SimpleUploadedFile("名单.json", b'{"a": 1'), "dry_run": "on"},
    )
    broken = ImportBatch.objects.latest("pk")
    assert broken.state == "FAILED" and "JSON" in broken.error
