"""Evidence and attachment uploads (issue #3 item 8, must-show 5): the type is read from the
bytes, the size is limited while streaming, a refusal stores nothing, and a file is served
only to users who may see its record."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from casework import uploads
from casework.errors import DomainError
from casework.models import Attachment, AuditEntry, Rectification
from casework.roles import Role
from casework.services import attachments as attachment_svc

from . import rectification_steps as steps
from .api_fixtures import api
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings.CHENGXIN_UPLOAD_ROOT


@pytest.fixture
def rectification(officer, approver, unit):
    return steps.in_progress(officer=officer, approver=approver, unit=unit)


@pytest.fixture
def item(rectification):
    return rectification.items.get()


def files_in(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def send_evidence(user, item, name, content):
    return api(user).post(
        f"/api/rectification-items/{item.pk}/evidence/",
        {"file": steps.upload(name, content)},
        format="multipart",
    )


def stored_nothing(upload_root, rectification: Rectification, audit_count: int) -> bool:
    rectification.refresh_from_db()
    return (
        not Attachment.objects.exists()
        and files_in(upload_root) == []
        and AuditEntry.objects.count() == audit_count
        and rectification.evidence_changed_at is None
    )


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("整改报告.pdf", steps.EXE_BYTES, "executable", "可执行程序"),
        ("整改报告.pdf", steps.ELF_BYTES, "executable", "可执行程序"),
        ("整改报告.pdf", b"", "empty", "文件为空"),
        ("整改报告.pdf", b"%PDF-1.7\n" + b"0" * 2048, "too_large", "超过上限 1 KB"),
        ("整改报告.pdf", steps.PNG_BYTES, "extension_mismatch", "扩展名“.pdf”与文件内容（PNG 图片）不符"),
        (
            "整改报告.pdf",
            "这是一段文字，不是 PDF。".encode(),
            "unsupported_type",
            "只接受 PDF、JPEG、PNG、DOCX、XLSX 和 OFD",
        ),
        ("整改报告.docx", steps.zip_bytes("readme.txt"), "unsupported_type", "不支持该文件类型"),
        (
            "宏.docx",
            steps.zip_bytes("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
            "macro",
            "含宏",
        ),
    ],
)
def test_a_refused_upload_answers_why_and_stores_nothing(
    settings, upload_root, rectification, item, liaison, name, content, code, words
):
    """Must-show 5: an executable renamed to .pdf, a file over the limit and an empty file
    (and other files whose bytes are not what we accept) are refused by the API with a
    clear message naming `file`: no row, no file in the upload folder, no audit entry."""
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 1024
    audit_count = AuditEntry.objects.count()
    response = send_evidence(liaison, item, name, content)
    assert response.status_code == 400, response.data
    assert (response.data["field"], response.data["code"]) == ("file", code)
    assert words in response.data["detail"]
    assert stored_nothing(upload_root, rectification, audit_count)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("回单.pdf", steps.PDF_BYTES, "application/pdf"),
        ("现场照片.JPG", steps.JPEG_BYTES, "image/jpeg"),
        ("截图.png", steps.PNG_BYTES, "image/png"),
        (
            "说明.docx",
            steps.DOCX_BYTES,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("台账.xlsx", steps.XLSX_BYTES, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("批复.ofd", steps.OFD_BYTES, "application/ofd"),
    ],
)
def test_an_accepted_file_is_stored_under_a_generated_name_with_its_sha256(
    upload_root, rectification, item, liaison, name, content, content_type
):
    response = send_evidence(liaison, item, name, content)
    assert response.status_code == 201, response.data
    attachment = Attachment.objects.get(pk=response.data["id"])
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest() == response.data["sha256"]
    stem, suffix = attachment.stored_name.split(".")
    assert len(stem) == 32 and int(stem, 16) and "." + suffix == name[name.rindex(".") :].lower()
    assert files_in(upload_root) == [uploads.stored_path(attachment.stored_name)]
    assert uploads.stored_path(attachment.stored_name).read_bytes() == content
    assert (attachment.owner, attachment.purpose, attachment.uploaded_by) == (item, "evidence", liaison)
    assert AuditEntry.objects.filter(action="attachment.upload", object_id=str(attachment.pk)).exists()
    rectification.refresh_from_db()
    assert rectification.evidence_changed_at is not None


def test_a_file_is_downloaded_only_by_users_who_may_see_its_record(
    rectification, item, liaison, other_liaison, officer
):
    attachment_id = send_evidence(liaison, item, "付款回单.pdf", steps.PDF_BYTES).data["id"]
    url = f"/api/attachments/{attachment_id}/download/"
    for user in (liaison, officer):
        response = api(user, HTTP_ACCEPT="application/pdf").get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == steps.PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "%E4%BB%98%E6%AC%BE%E5%9B%9E%E5%8D%95.pdf" in response["Content-Disposition"]
    hidden = api(other_liaison).get(url)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert api().get(url).status_code in (401, 403)
    assert api(other_liaison).get(f"/api/records/{rectification.record_id}/attachments/").status_code == 404
    listed = api(liaison).get(f"/api/records/{rectification.record_id}/attachments/").json()
    assert [(a["id"], a["owner_type"], a["download_url"]) for a in listed] == [
        (attachment_id, "rectificationitem", url)
    ]


def test_only_the_subject_units_liaison_adds_evidence(
    settings, rectification, item, officer, other_liaison, unit
):
    civil_servant = UserFactory(organisation=unit, roles=[Role.CIVIL_SERVANT])
    assert send_evidence(officer, item, "a.pdf", steps.PDF_BYTES).status_code == 403
    assert send_evidence(civil_servant, item, "a.pdf", steps.PDF_BYTES).status_code == 404  # not its record
    assert send_evidence(other_liaison, item, "a.pdf", steps.PDF_BYTES).status_code == 404
    assert not Attachment.objects.exists() and files_in(settings.CHENGXIN_UPLOAD_ROOT) == []


def test_a_unit_uploads_papers_to_its_record_and_the_name_loses_any_folder(
    rectification, liaison, other_liaison
):
    """The generic endpoint: a subject's grounds before its objection exists, for instance."""
    path = f"/api/records/{rectification.record_id}/attachments/"
    data = {"file": steps.upload("../../etc/异议依据.pdf"), "purpose": "grounds"}
    response = api(liaison).post(path, data, format="multipart")
    assert response.status_code == 201, response.data
    assert (response.data["owner_type"], response.data["purpose"], response.data["original_name"]) == (
        "record",
        "grounds",
        "异议依据.pdf",
    )
    assert api(other_liaison).post(path, {"file": steps.upload()}, format="multipart").status_code == 404
    elsewhere = {"file": steps.upload(), "owner_type": "rectification", "owner_id": rectification.pk + 1000}
    assert api(liaison).post(path, elsewhere, format="multipart").status_code == 404


def test_a_rollback_after_the_file_was_placed_removes_it(
    monkeypatch, upload_root, rectification, item, liaison
):
    """The file gets its final name inside the transaction; if anything fails after that,
    before the commit, the file goes with the row."""
    place = uploads.Incoming.place

    def place_then_fail(self):
        place(self)
        assert files_in(upload_root) == [self.final_path]
        raise RuntimeError("disk quota exceeded")

    monkeypatch.setattr(uploads.Incoming, "place", place_then_fail)
    audit_count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        attachment_svc.attachment_upload(
            acting_user=liaison,
            record_id=rectification.record_id,
            owner=item,
            purpose="evidence",
            uploaded_file=steps.upload(),
        )
    assert stored_nothing(upload_root, rectification, audit_count)


def test_the_size_is_checked_while_streaming_not_trusted_from_the_declared_size(settings, upload_root):
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 1024

    class Understated(ContentFile):
        size = 10

    with pytest.raises(DomainError) as refused:
        uploads.receive(Understated(b"%PDF-" + b"0" * 4096, name="a.pdf"))
    assert (refused.value.field, refused.value.code) == ("file", "too_large")
    assert files_in(upload_root) == []


def test_the_upload_handler_keeps_one_byte_more_than_the_limit(settings):
    settings.CHENGXIN_UPLOAD_MAX_BYTES = 1024
    handler = uploads.CappedUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 5000)
    for start in range(0, 5000, 1000):
        handler.receive_data_chunk(b"x" * 1000, start)
    kept = handler.file_complete(5000)
    assert kept.size == 1025 and len(kept.read()) == 1025
