"""What the system writes into the case file is Chinese whatever language the user reads the
site in (casework.language.official_language); what it says to the user is in theirs.

Each test acts as an English-speaking officer would: `Accept-Language: en` on the pages and
the API, or `translation.override("en")` around a service call, as the locale middleware does.
"""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from casework.models import AuditEntry, Deadline
from notices import services as notice_services
from notices.models import Notice

from . import lifecycle
from .api_fixtures import api
from .notice_cases import complete, issue, without_notices
from .objection_steps import filed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def english_client(user) -> Client:
    client = Client(**ENGLISH)
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_a_bulk_reminder_from_the_english_workbench_is_audited_in_chinese(officer, approver, unit):
    # Prior notice served 2026-01-30: the defence window is still open on 2026-02-02.
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 1, 30)
    )
    window = Deadline.objects.get(record=record, kind="defence_window", status="OPEN")

    response = english_client(officer).post(
        "/work/cases/bulk/", {"action": "remind", "ids": [record.pk]}, follow=True
    )

    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="en"' in page
    assert f"Reminded the subjects of 1 deadline in cases: {record.reference}." in page
    entry = AuditEntry.objects.get(action="deadline_remind", record=record)
    assert entry.reason == f"提醒当事方按期办理：{window.label} {window.due_on:%Y-%m-%d}。"


def test_an_objection_accepted_through_the_english_api_is_audited_in_chinese(
    officer, approver, liaison, unit
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record)

    response = api(officer, **ENGLISH).post(f"/api/objections/{objection.pk}/accept/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["state_display"] == "Accepted"  # the officer reads English
    flagged = AuditEntry.objects.get(action="objection_flag_on", record=record)
    assert flagged.reason == "异议已受理"
    accepted = AuditEntry.objects.get(action="objection.accept", object_id=str(objection.pk))
    assert accepted.object_repr == f"{record.reference} 东莞市甲局 · 不符合列入条件或应当移出"  # its ground


def test_notices_drafted_by_an_english_officers_steps_print_chinese_labels(officer, approver, unit):
    with translation.override("en"):
        record = lifecycle.determined(
            officer=officer, approver=approver, organisation=unit, category="PRM", tier="GENERAL"
        )
    # The 事前告知书 was completed by the officer to be served; the 告知书 is still the system's draft.
    n1, n2 = (
        Notice.objects.get(record=record, type_code="N1"),
        Notice.objects.get(record=record, type_code="N2"),
    )
    assert n2.drafted_by is None
    for notice in (n1, n2):
        assert (notice.data["category"], notice.data["tier"]) == ("未守信践诺", "一般"), notice.type_code

    # The English officer downloads the draft's preview: the notice itself is Chinese.
    preview = english_client(officer).get(f"/work/notices/{n2.pk}/pdf/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "失信类别为“未守信践诺”，失信等级为“一般”" in text
    assert "Brokencommitment" not in text and "General" not in text


def test_an_issued_notice_completed_and_issued_in_english_is_rendered_in_chinese(officer, approver, unit):
    with translation.override("en"):
        record = without_notices(
            lambda: lifecycle.determined(
                officer=officer, approver=approver, organisation=unit, tier="SERIOUS"
            )
        )
        data = complete("N2", record)
        del data["category"], data["tier"]  # from the record, through the type's builder
        draft = notice_services.notice_draft(
            acting_user=officer, type_code="N2", record_id=record.pk, data=data
        )
        notice = issue(officer=officer, approver=approver, notice=draft)

    assert (notice.data["category"], notice.data["tier"]) == ("未守信践诺", "严重")
    assert "失信类别为“未守信践诺”，失信等级为“严重”" in pdf_text(bytes(notice.pdf))


def test_an_error_to_the_english_user_stays_english(officer, approver, liaison, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record)

    response = api(officer, **ENGLISH).post(
        f"/api/objections/{objection.pk}/accept/", {"accepted_on": "2026-12-01"}, format="json"
    )

    assert response.status_code == 400 and response.data["field"] == "accepted_on"
    assert "Accepted on cannot be later than today." in str(response.data["detail"])
    assert not AuditEntry.objects.filter(action="objection_flag_on", record=record).exists()
