"""The admin: an administrator sets an issuer's seal (a real PNG only); notices are listed as
the API scopes them and offer their PDF."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.models import User
from notices.models import Issuer

from .api_fixtures import grant
from .notice_cases import draft, issued, make_issuer, record_fixture, seal_png  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pass-12345"))
    return client


def issuer_form(**extra) -> dict:
    return {
        "name": "东莞市发展和改革局",
        "agency_code": "东发改",
        "contact": "0769-1",
        "is_active": "on",
        **extra,
    }


def test_an_administrator_sets_and_clears_a_seal(root):
    png = seal_png()
    added = root.post("/admin/notices/issuer/add/", issuer_form(seal_upload=SimpleUploadedFile("s.png", png)))
    assert added.status_code == 302, added.content[:400]
    created = Issuer.objects.get(agency_code="东发改")
    assert bytes(created.seal_image) == png
    page = root.get(f"/admin/notices/issuer/{created.pk}/change/").content.decode()
    assert 'src="data:image/png;base64,' in page

    cleared = root.post(f"/admin/notices/issuer/{created.pk}/change/", issuer_form(seal_clear="on"))
    assert cleared.status_code == 302
    assert bytes(Issuer.objects.get(pk=created.pk).seal_image) == b""


@pytest.mark.parametrize(
    "content", [b"GIF89a not a seal", b"\x89PNG\r\n\x1a\n but truncated", b"%PDF-1.7 renamed.png"]
)
def test_only_a_real_png_is_accepted_as_a_seal(root, content):
    response = root.post(
        "/admin/notices/issuer/add/", issuer_form(seal_upload=SimpleUploadedFile("s.png", content))
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["seal_upload"]
    assert not Issuer.objects.exists()


def test_officers_see_every_notice_and_a_subject_only_its_issued_ones(
    client, settings, officer, approver, liaison, record
):
    # By default officers and liaisons do not enter the admin (tests/test_landing.py); a
    # deployment that lets them in still shows each only the notices the API would.
    roles = [*settings.CHENGXIN["ADMIN_ROLES"], "officer", "unit_liaison"]
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": roles}
    make_issuer()
    drafted = draft(officer=officer, record=record, type_code="N8")
    sent = issued(officer=officer, approver=approver, record=record, type_code="N3")

    client.force_login(grant(officer, "notices.view_notice"))
    listing = client.get("/admin/notices/notice/").content.decode()
    assert sent.number in listing and f"/admin/notices/notice/{drafted.pk}/change/" in listing
    page = client.get(f"/admin/notices/notice/{sent.pk}/change/").content.decode()
    assert f"/api/notices/{sent.pk}/download/" in page

    client.force_login(grant(liaison, "notices.view_notice"))
    assert client.get(f"/admin/notices/notice/{sent.pk}/change/").status_code == 200
    assert client.get(f"/admin/notices/notice/{drafted.pk}/change/").status_code == 404
