"""The case page changes an attachment's class (issue 13 §4): the commission's staff get a
small form on each file, posting to the use case the API's POST
/api/attachments/{id}/visibility/ calls (same guard, reason required, audited); nobody else
gets the form or may post it, and a file the user may not see is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Attachment, AttachmentVisibility, AuditEntry

from . import lifecycle
from .api_fixtures import api
from .rectification_steps import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
V = AttachmentVisibility


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path, fixed_today):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def in_force(officer, approver, unit):
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


def attach(user, record, name="核查笔录.pdf", **extra) -> Attachment:
    response = api(user).post(
        f"/api/records/{record.pk}/attachments/",
        {"file": upload(name, PDF_BYTES), "purpose": "investigation", **extra},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    return Attachment.objects.get(pk=response.data["id"])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reclass(user, attachment, visibility, reason="已核实，可向当事单位公开。", **meta):
    return signed_in(user).post(
        reverse("case-attachment-visibility", args=[attachment.pk]),
        {"visibility": visibility, "reason": reason},
        follow=True,
        **meta,
    )


def test_the_officer_shares_an_investigation_file_from_the_case_page(settings, officer, liaison, in_force):
    settings.CHENGXIN = {**settings.CHENGXIN, "TRUSTED_PROXIES": ["10.0.0.2"]}
    internal = attach(officer, in_force)
    assert internal.visibility == V.INTERNAL
    page = signed_in(officer).get(reverse("case-detail", args=[in_force.pk])).content.decode()
    assert reverse("case-attachment-visibility", args=[internal.pk]) in page and "更改可见范围" in page
    assert signed_in(liaison).get(reverse("attachment-download", args=[internal.pk])).status_code == 404

    response = reclass(
        officer, internal, V.SUBJECT, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert response.redirect_chain[-1][0] == reverse("case-detail", args=[in_force.pk])
    assert "已更改附件“核查笔录.pdf”的可见范围" in response.content.decode()
    internal.refresh_from_db()
    assert internal.visibility == V.SUBJECT
    entry = AuditEntry.objects.filter(action="attachment.visibility").get()
    assert entry.actor == officer and entry.reason == "已核实，可向当事单位公开。"
    assert entry.diff == {"visibility": [V.INTERNAL, V.SUBJECT]} and entry.ip_address == "203.0.113.7"
    assert signed_in(liaison).get(reverse("attachment-download", args=[internal.pk])).status_code == 200


def test_the_approver_may_take_a_file_back_to_internal(officer, approver, in_force):
    shared = attach(officer, in_force, visibility=V.SUBJECT)
    reclass(approver, shared, V.INTERNAL, reason="误设为共享。")
    shared.refresh_from_db()
    assert shared.visibility == V.INTERNAL


def test_a_reason_is_required_and_named(officer, in_force):
    internal = attach(officer, in_force)
    response = reclass(officer, internal, V.SUBJECT, reason="")
    assert "请说明更改附件可见范围的理由" in response.content.decode()
    internal.refresh_from_db()
    assert internal.visibility == V.INTERNAL
    assert not AuditEntry.objects.filter(action="attachment.visibility").exists()


def test_the_subject_gets_no_form_and_may_not_post_it(officer, liaison, in_force):
    shared = attach(officer, in_force, name="告知材料.pdf", visibility=V.SUBJECT)
    internal = attach(officer, in_force)
    page = signed_in(liaison).get(reverse("case-detail", args=[in_force.pk])).content.decode()
    assert "告知材料.pdf" in page and "更改可见范围" not in page

    refused = reclass(liaison, shared, V.PUBLIC)
    assert refused.status_code == 200 and refused.redirect_chain
    shared.refresh_from_db()
    assert shared.visibility == V.SUBJECT
    hidden = signed_in(liaison).post(
        reverse("case-attachment-visibility", args=[internal.pk]), {"visibility": V.SUBJECT, "reason": "x"}
    )
    assert hidden.status_code == 404
    internal.refresh_from_db()
    assert internal.visibility == V.INTERNAL
    assert not AuditEntry.objects.filter(action="attachment.visibility").exists()


def test_only_post(officer, in_force):
    internal = attach(officer, in_force)
    assert (
        signed_in(officer).get(reverse("case-attachment-visibility", args=[internal.pk])).status_code == 405
    )
