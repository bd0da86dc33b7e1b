"""Every download of evidence or a notice joins the audit trail (issue 13 §3 and §9), with the
client's real address: the forwarded one when the request came through a trusted proxy, the
peer's otherwise (a header from anyone else is ignored).

Each route serving a stored file is asked once, and writes exactly one entry."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from casework.action_labels import label_of
from casework.downloads import DownloadAction
from casework.models import Attachment, AuditEntry
from casework.roles import Role
from notices.models import Notice
from oversight.models import ChangeRequest, Commitment, LineOrigin, ScoreLine

from . import lifecycle
from .api_fixtures import api
from .assessment_cases import BASE as ASSESSMENT
from .assessment_cases import approved, post, scoring
from .factories import UserFactory
from .notice_cases import draft, issued, without_notices
from .rectification_steps import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
PROXY, CLIENT, PEER = "10.0.0.2", "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path, fixed_today):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", first_name="考评员", roles=[Role.ASSESSOR])


@dataclass
class Download:
    user: object
    url: str
    action: str
    obj: object


# ── the routes, each with what it serves ──────────────────────────────────────────


def _record(officer, approver, unit):
    return without_notices(lambda: lifecycle.effective(officer=officer, approver=approver, organisation=unit))


def attachment_api(officer, approver, unit, **_):
    record = _record(officer, approver, unit)
    response = api(officer).post(
        f"/api/records/{record.pk}/attachments/",
        {"file": upload("核查笔录.pdf", PDF_BYTES), "purpose": "investigation"},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    attachment_id = response.data["id"]
    return Download(
        officer,
        reverse("attachment-download", args=[attachment_id]),
        DownloadAction.ATTACHMENT,
        Attachment.objects.get(pk=attachment_id),
    )


def _issued_notice(officer, approver, unit):
    notice = issued(officer=officer, approver=approver, record=_record(officer, approver, unit))
    assert notice.pdf_ready
    return notice


def notice_api(officer, approver, unit, **_):
    notice = _issued_notice(officer, approver, unit)
    return Download(officer, reverse("notice-download", args=[notice.pk]), DownloadAction.NOTICE, notice)


def notice_page_officer(officer, approver, unit, **_):
    notice = _issued_notice(officer, approver, unit)
    return Download(officer, reverse("notice-pdf", args=[notice.pk]), DownloadAction.NOTICE, notice)


def notice_page_liaison(officer, approver, unit, liaison, **_):
    notice = _issued_notice(officer, approver, unit)
    return Download(liaison, reverse("notice-pdf", args=[notice.pk]), DownloadAction.NOTICE, notice)


def notice_preview(officer, approver, unit, **_):
    notice = draft(officer=officer, record=_record(officer, approver, unit))
    return Download(officer, reverse("notice-pdf", args=[notice.pk]), DownloadAction.NOTICE, notice)


def _result_notice(client, officer, approver, unit, assessor):
    lifecycle.effective(officer=officer, approver=approver, organisation=unit, tier="GENERAL")
    with TestCase.captureOnCommitCallbacks(execute=True):
        approved(client, assessor, approver)
    notice = Notice.objects.get(type_code="N24", addressed_to=unit)
    assert notice.pdf_ready
    return notice


def result_notice_work(client, officer, approver, unit, assessor, **_):
    notice = _result_notice(client, officer, approver, unit, assessor)
    url = f"{ASSESSMENT}2026/units/{unit.pk}/notice.pdf"
    return Download(assessor, url, DownloadAction.NOTICE, notice)


def result_notice_unit(client, officer, approver, unit, assessor, liaison, **_):
    notice = _result_notice(client, officer, approver, unit, assessor)
    return Download(liaison, "/unit/assessment/2026/notice.pdf", DownloadAction.NOTICE, notice)


def assessment_evidence(client, unit, assessor, **_):
    assessment = scoring(client, assessor)
    bonus = assessment.indicators.get(code="bonus")
    data = {"organisation": unit.pk, "indicator": bonus.pk, "points": "3", "reason": "获省级诚信建设表彰。"}
    post(
        client,
        assessor,
        f"{ASSESSMENT}2026/adjustments/",
        {**data, "evidence": upload("表彰.pdf", PDF_BYTES)},
    )
    line = ScoreLine.objects.get(origin=LineOrigin.MANUAL)
    return Download(assessor, f"{ASSESSMENT}2026/lines/{line.pk}/evidence/", DownloadAction.ATTACHMENT, line)


def _commitment(client, liaison, unit):
    client.force_login(liaison)
    response = client.post(
        "/unit/commitments/new/",
        {
            "promisor": unit.pk,
            "type": "investment",
            "counterparty_name": "东莞某某科技有限公司",
            "counterparty_uscc": "",
            "document_number": "东府函〔2025〕12号",
            "document_title": "招商引资合作协议",
            "legal_basis": "《优化营商环境条例》第三十一条",
            "obligations": "2026年1月底前兑现落户奖励500万元。",
            "attachment": SimpleUploadedFile("协议.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Commitment.objects.latest("pk")


def commitment_file(client, liaison, unit, **_):
    commitment = _commitment(client, liaison, unit)
    return Download(
        liaison, f"/unit/commitments/{commitment.pk}/file/", DownloadAction.ATTACHMENT, commitment
    )


def change_file(client, officer, liaison, unit, **_):
    commitment = _commitment(client, liaison, unit)
    client.force_login(officer)
    response = client.post(
        f"/work/commitments/{commitment.pk}/act/request_change/",
        {
            "reason": "public_interest",
            "procedure": "经市政府常务会议审议，东府〔2026〕3号批准。",
            "compensation": "按评估价补偿对方损失120万元。",
            "attachment": SimpleUploadedFile("批复.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ChangeRequest.objects.get(commitment=commitment)
    return Download(
        officer, f"/work/commitments/changes/{change.pk}/file/", DownloadAction.ATTACHMENT, change
    )


ROUTES = [
    attachment_api,
    notice_api,
    notice_page_officer,
    notice_page_liaison,
    notice_preview,
    result_notice_work,
    result_notice_unit,
    assessment_evidence,
    commitment_file,
    change_file,
]


@pytest.fixture
def arrange(client, officer, approver, unit, liaison, assessor, issuer):
    def run(route) -> Download:
        return route(
            client=client, officer=officer, approver=approver, unit=unit, liaison=liaison, assessor=assessor
        )

    return run


def fetch(download: Download, **meta):
    client = Client()
    client.force_login(download.user)
    response = client.get(download.url, **meta)
    assert response.status_code == 200, (download.url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def downloads():
    return AuditEntry.objects.filter(action__in=DownloadAction.values)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.__name__)
@pytest.mark.parametrize("through_proxy", [True, False], ids=["trusted-proxy", "direct"])
def test_each_download_writes_one_entry_with_the_clients_address(settings, arrange, route, through_proxy):
    download = arrange(route)
    peer = PROXY if through_proxy else PEER
    settings.CHENGXIN = {**settings.CHENGXIN, "TRUSTED_PROXIES": [PROXY]}
    before = set(downloads().values_list("pk", flat=True))

    fetch(download, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT}")

    [entry] = downloads().exclude(pk__in=before)
    assert entry.action == download.action
    assert entry.ip_address == (CLIENT if through_proxy else PEER)
    assert entry.actor_id == download.user.pk
    assert entry.object_id == str(download.obj.pk)
    assert entry.content_type.model_class() is type(download.obj)


def test_a_refused_download_writes_nothing(arrange, liaison):
    download = arrange(attachment_api)  # an investigation file: internal
    client = Client()
    client.force_login(liaison)
    before = downloads().count()
    assert client.get(download.url).status_code == 404
    assert downloads().count() == before


def test_the_record_and_the_file_are_named(arrange):
    download = arrange(attachment_api)
    fetch(download)
    entry = downloads().get()
    assert entry.record_id == download.obj.record_id
    assert entry.diff == {"sha256": download.obj.sha256}
    assert label_of(entry.action) == "下载附件"


def test_verifying_a_notice_in_public_writes_nothing(arrange):
    download = arrange(notice_api)
    before = AuditEntry.objects.count()
    response = Client().get(f"/verify/{download.obj.verify_code}")
    assert response.status_code == 200
    assert AuditEntry.objects.count() == before
