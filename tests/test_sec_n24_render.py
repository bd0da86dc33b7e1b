"""A unit's result notice (N24, about no record) whose rendering failed is shown failed with
its reason on the unit's page of the year, and rendered again on request by the year's
approvers only (docs/decisions.md, "Bounded work"): the retry is audited on the notice, a
voided notice or one whose rendering did not fail is refused by name."""

from __future__ import annotations

import io

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import TestCase
from pypdf import PdfReader

from casework.models import AuditEntry
from casework.roles import Role
from notices import render, tasks
from notices.models import Notice, NoticeState

from .assessment_cases import BASE, approved, messages_of, post
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

REASON = "生成超时（超过 30 秒）。"


@pytest.fixture
def assessor(db):
    return UserFactory(username="assessor", first_name="考评员", roles=[Role.ASSESSOR])


def failing(monkeypatch):
    def refuse(notice, *, draft):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(render, "notice_pdf", refuse)


def approve_rendered(client, assessor, approver):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rendering tasks, eagerly
        return approved(client, assessor, approver)


@pytest.fixture
def failed(client, monkeypatch, assessor, approver, unit, other_unit) -> Notice:
    """The year approved, its notices' renderings given up after their attempts (as the task
    and its sweep give up), then the document renders again (say, after a fix)."""
    failing(monkeypatch)
    approve_rendered(client, assessor, approver)  # attempt 1
    tasks.render_pending(older_than_seconds=0)  # attempt 2
    tasks.render_pending(older_than_seconds=0)  # attempt 3: given up
    notice = Notice.objects.get(type_code="N24", addressed_to=unit)
    assert notice.render_failed and notice.render_error == REASON and not notice.pdf_ready
    monkeypatch.undo()
    return notice


def unit_page(client, user, unit) -> str:
    client.force_login(user)
    response = client.get(f"{BASE}2026/units/{unit.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def render_url(unit) -> str:
    return f"{BASE}2026/units/{unit.pk}/notice/render/"


def retries(notice) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(notice.pk), action="notice.render_retry"))


def test_a_failed_result_notice_is_shown_with_its_reason_and_the_approver_renders_it_again(
    client, failed, assessor, approver, unit
):
    shown = unit_page(client, approver, unit)
    assert f"生成失败：{REASON}" in shown and render_url(unit) in shown and "重新生成" in shown
    shown = unit_page(client, assessor, unit)  # the assessor reads the reason, has no button
    assert f"生成失败：{REASON}" in shown and render_url(unit) not in shown
    client.force_login(approver)
    assert client.get(f"{BASE}2026/units/{unit.pk}/notice.pdf").status_code == 409

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, approver, render_url(unit))
    assert response.status_code == 302 and response["Location"] == f"{BASE}2026/units/{unit.pk}/"
    failed.refresh_from_db()
    assert failed.pdf_ready and not failed.render_failed and failed.render_attempts == 1
    (retry,) = retries(failed)
    assert retry.actor == approver and retry.actor_role == Role.APPROVER and retry.reason == REASON
    assert retry.record_id is None

    response = client.get(f"{BASE}2026/units/{unit.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response)
    assert body == bytes(failed.pdf) and PdfReader(io.BytesIO(body)).pages
    shown = unit_page(client, approver, unit)
    assert "生成失败" not in shown and render_url(unit) not in shown


@pytest.mark.parametrize("who", ["officer", "assessor", "liaison"])
def test_only_the_approvers_may_ask_and_a_refusal_leaves_no_trace(request, client, failed, unit, who):
    user = request.getfixturevalue(who)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, user, render_url(unit))
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.render_failed and failed.render_error == REASON and retries(failed) == []


def test_a_notice_that_did_not_fail_is_refused_by_name(client, assessor, approver, unit, other_unit):
    approve_rendered(client, assessor, approver)
    notice = Notice.objects.get(type_code="N24", addressed_to=unit)
    assert notice.pdf_ready
    response = post(client, approver, render_url(unit), follow=True)
    assert messages_of(response) == ["文书未处于生成失败状态，无需重新生成。"]
    assert retries(notice) == []


def test_a_voided_notice_is_refused_by_name(client, failed, approver, unit):
    Notice.objects.filter(pk=failed.pk).update(state=NoticeState.VOIDED)
    shown = unit_page(client, approver, unit)
    assert "重新生成" not in shown
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, approver, render_url(unit), follow=True)
    assert messages_of(response) == ["文书已作废，不再生成。"]
    failed.refresh_from_db()
    assert failed.render_failed and retries(failed) == []


def test_a_get_is_not_a_retry(client, failed, approver, unit):
    client.force_login(approver)
    assert client.get(render_url(unit)).status_code == 405
    assert retries(failed) == []
