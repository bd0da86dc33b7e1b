"""Must-show 4: an issued notice cannot be changed through the service, the admin, the API or
the model; downloading it twice gives identical bytes matching the stored SHA-256; /verify
accepts the original and rejects a PDF with one byte changed."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from casework.errors import DomainError
from casework.models import User
from casework.roles import Role
from notices import services
from notices.models import ImmutableNoticeError, Notice

from .api_fixtures import api, grant
from .notice_cases import draft, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]


@pytest.fixture
def notice(officer, approver, record):
    return issued(officer=officer, approver=approver, record=record, type_code="N3")


def stored(notice) -> dict:
    row = Notice.objects.get(pk=notice.pk)
    return {**model_to_dict(row), "pdf": bytes(row.pdf), "sha256": row.sha256, "state": row.state}


def test_the_model_refuses_to_change_or_delete_an_issued_notice(notice):
    before = stored(notice)
    for field, value in [
        ("number", "东监修告〔2026〕99号"),
        ("data", {**notice.data, "addressee": "别人"}),
        ("pdf", b"%PDF-1.7 forged"),
        ("sha256", "0" * 64),
        ("verify_code", "AAAAAAAAAA"),
        ("template_version", "other"),
    ]:
        row = Notice.objects.get(pk=notice.pk)
        setattr(row, field, value)
        with pytest.raises(ImmutableNoticeError):
            row.save()
    with pytest.raises(ImmutableNoticeError):
        Notice.objects.filter(pk=notice.pk).update(data={})
    with pytest.raises(ImmutableNoticeError):
        Notice.objects.filter(pk=notice.pk).update(pdf=b"")
    with pytest.raises(ImmutableNoticeError):
        Notice.objects.filter(pk=notice.pk).delete()
    with pytest.raises(ImmutableNoticeError):
        Notice.objects.get(pk=notice.pk).delete()
    assert not Notice.objects.store_pdf(notice.pk, pdf=b"x", sha256="1" * 64, rendered_at=None)
    assert stored(notice) == before


def test_a_draft_may_still_be_corrected(officer, record):
    row = draft(officer=officer, record=record, type_code="N3")
    row.data = {**row.data, "addressee": "东莞市甲局办公室"}
    row.save()
    assert Notice.objects.get(pk=row.pk).data["addressee"] == "东莞市甲局办公室"


def test_the_services_cannot_change_an_issued_notice(officer, approver, notice):
    before = stored(notice)
    for step in (services.notice_approve, services.notice_issue):
        with pytest.raises(DomainError):
            step(acting_user=approver, notice_id=notice.pk)
    assert services.notice_store_pdf(notice_id=notice.pk) is False
    assert stored(notice) == before


def test_the_api_has_no_way_to_write_an_issued_notice(officer, approver, notice):
    before = stored(notice)
    client = api(approver)
    url = f"/api/notices/{notice.pk}/"
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(url, {"data": {}}, format="json").status_code == 405
    assert client.post(url, {"number": "x"}, format="json").status_code == 405
    assert client.post(f"{url}approve/").status_code == 400
    assert client.post(f"{url}issue/").status_code == 400
    assert stored(notice) == before


def test_the_admin_shows_an_issued_notice_read_only_even_to_a_superuser(client, settings, officer, notice):
    before = stored(notice)
    admin_user = User.objects.create_superuser("root", "root@example.org", "pass-12345")
    client.force_login(admin_user)
    url = f"/admin/notices/notice/{notice.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.post(url, {"number": "东监修告〔2026〕99号", "data": "{}"}).status_code == 403
    assert client.post(f"/admin/notices/notice/{notice.pk}/delete/", {"post": "yes"}).status_code == 403

    # An officer enters the admin only where a deployment lets them in (by default only the
    # configuration roles do: tests/test_landing.py); there, holding the model's change and
    # delete permissions, they are refused all the same.
    roles = [*settings.CHENGXIN["ADMIN_ROLES"], Role.OFFICER]
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": roles}
    staff = grant(officer, "notices.view_notice", "notices.change_notice", "notices.delete_notice")
    client.force_login(staff)
    assert client.get(url).context["has_change_permission"] is False
    assert client.post(url, {"number": "东监修告〔2026〕99号"}).status_code == 403
    assert stored(notice) == before


def test_downloading_twice_gives_the_stored_bytes_and_verify_tells_the_original_from_a_copy(liaison, notice):
    """The subject downloads its notice twice; anyone checks the file at /verify."""
    client = api(liaison)
    first = client.get(f"/api/notices/{notice.pk}/download/")
    second = client.get(f"/api/notices/{notice.pk}/download/")
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content == second.content == bytes(notice.pdf)
    assert hashlib.sha256(first.content).hexdigest() == notice.sha256 == first["X-Content-SHA256"]

    public = api()  # nobody signed in
    page = f"/verify/{notice.verify_code}"
    original = public.post(page, {"pdf": SimpleUploadedFile("n.pdf", first.content, "application/pdf")})
    assert original.status_code == 200 and original.context["match"] is True
    assert "一致：上传的文件与签发的文书完全相同" in original.content.decode()

    tampered = bytearray(first.content)
    tampered[len(tampered) // 2] ^= 0x01
    changed = public.post(page, {"pdf": SimpleUploadedFile("n.pdf", bytes(tampered), "application/pdf")})
    assert changed.status_code == 200 and changed.context["match"] is False
    assert "不一致" in changed.content.decode()
