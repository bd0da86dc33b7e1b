"""The public verification page: what it shows (and does not), codes typed by hand, checking
a file by code or by hash alone, voided notices."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notices import services

from .api_fixtures import api
from .notice_cases import draft, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]


@pytest.fixture
def notice(officer, approver, record):
    return issued(officer=officer, approver=approver, record=record, type_code="N3")


def upload(content: bytes) -> dict:
    return {"pdf": SimpleUploadedFile("notice.pdf", content, "application/pdf")}


def test_the_page_shows_what_the_notice_is_but_not_whom_it_is_about(notice, record):
    page = api().get(f"/verify/{notice.verify_code}")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("信用修复告知书", notice.number, "东莞市监察委员会", "2026年2月2日", notice.sha256, "有效"):
        assert shown in html
    for hidden in (
        record.subject_organisation.name,
        record.reference,
        record.subject_organisation.credit_code,
    ):
        assert hidden not in html
    assert "http://" not in html.replace(notice.sha256, "")  # no CDN, no outside link


def test_codes_are_read_off_paper_case_and_dashes_do_not_matter(notice):
    code = notice.verify_code
    typed = f"{code[:5].lower()}-{code[5:]}"
    assert api().get(f"/verify/{typed}").status_code == 200
    assert api().get("/verify/", {"code": f" {typed} "})["Location"] == f"/verify/{code}"
    missing = api().get("/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and "未找到" in missing.content.decode()


def test_a_draft_is_not_an_issued_notice(officer, record):
    preview = services.notice_preview(draft(officer=officer, record=record, type_code="N3"))
    assert api().get("/verify/").status_code == 200  # the entry form
    assert api().post("/verify/", upload(preview)).context["notice"] is None


def test_a_file_can_be_checked_without_the_code(notice):
    found = api().post("/verify/", upload(bytes(notice.pdf)))
    assert found.status_code == 200 and found.context["notice"]["number"] == notice.number
    assert "一致" in found.content.decode()
    not_found = api().post("/verify/", upload(bytes(notice.pdf) + b"\n"))
    assert not_found.context["notice"] is None and "未找到" in not_found.content.decode()


def test_a_missing_or_oversized_upload_is_refused_plainly(notice, settings):
    page = f"/verify/{notice.verify_code}"
    assert api().post(page, {}).status_code == 400
    settings.CHENGXIN_VERIFY_MAX_UPLOAD = 1000
    too_big = api().post(page, upload(bytes(notice.pdf)))
    assert too_big.status_code == 400 and "文件过大" in too_big.content.decode()


def test_a_voided_notice_is_shown_as_voided(approver, notice):
    services.notice_void(acting_user=approver, notice_id=notice.pk, reason="事实表述错误")
    page = api().post(f"/verify/{notice.verify_code}", upload(bytes(notice.pdf)))
    html = page.content.decode()
    assert page.context["match"] is True and "已作废" in html
