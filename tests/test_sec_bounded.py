"""Bounded work (docs/decisions.md, "Bounded work"): a notice's text has a size, a JSON body a
depth, a NUL in an address is a 400, and a rendering that keeps failing is given up, shown to
the officers with its reason, and never queued again by itself, nor once the notice is voided.

Run on PostgreSQL too (a NUL in a lookup was a PostgreSQL-only 500):
DATABASE_URL=postgres://postgres@127.0.0.1:5432/chx_bounded pytest -n 0 --create-db tests/test_sec_bounded.py
"""

import io
from urllib.parse import urlencode

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django.test import Client, TestCase
from django.urls import reverse
from pypdf import PdfReader

from casework.models import AuditEntry
from notices import render, services, tasks
from notices.models import Notice, NoticeState

from . import lifecycle
from .api_fixtures import api
from .notice_cases import complete, draft, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

#: 2 MB of text: inside the request's 2.5 MB, far beyond one field's 20,000 characters.
TWO_MB = "x" * (2 * 1024 * 1024)


@pytest.fixture
def system_draft(officer, approver, unit) -> Notice:
    """The 事前告知书 the system drafts when the prior notice is approved (a draft to revise)."""
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    return Notice.objects.get(record=record, type_code="N1", drafted_by__isnull=True)


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ── the size of a notice ──────────────────────────────────────────────────────────


def test_a_2mb_fact_is_refused_at_draft_naming_the_field(officer, record):
    before = Notice.objects.count()
    body = {"type_code": "N2", "record": record.pk, "data": complete("N2", record, facts=TWO_MB)}
    response = api(officer).post("/api/notices/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    answer = response.json()
    assert answer["field"] == "facts" and answer["code"] == "too_long"
    assert "“失信事实”过长" in answer["detail"] and "20000" in answer["detail"]
    assert Notice.objects.count() == before


def test_a_2mb_fact_is_refused_at_revise_through_the_api_and_the_page(officer, system_draft):
    response = api(officer).post(
        f"/api/notices/{system_draft.pk}/revise/", {"data": {"facts": TWO_MB}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "facts" and "“失信事实”过长" in response.json()["detail"]

    form = page(officer).post(
        reverse("notice-revise", args=[system_draft.pk]), {"data.evidence": "证据一", "data.facts": TWO_MB}
    )
    assert form.status_code == 400
    facts_field = form.content.decode().split('<label for="f-data-facts">', 1)[1].split("</div>", 1)[0]
    assert "“失信事实”过长" in facts_field
    assert Notice.objects.get(pk=system_draft.pk).data == system_draft.data


def test_a_whole_notice_over_its_limit_is_refused(settings, officer, system_draft):
    settings.CHENGXIN_NOTICE_MAX_DATA = 5_000
    lines = ["证据" * 1000, "证据" * 1000, "证据" * 1000]
    response = api(officer).post(
        f"/api/notices/{system_draft.pk}/revise/", {"data": {"evidence": lines}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "data" and "文书内容过长" in response.json()["detail"]


def test_a_body_over_the_request_limit_is_a_413_json_error(officer, system_draft):
    response = api(officer).post(
        f"/api/notices/{system_draft.pk}/revise/",
        {"data": {"facts": "失" * (1024 * 1024)}},  # 3 MB in UTF-8
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large" and "请求内容过大" in response.json()["detail"]


def test_free_text_of_the_api_s_input_has_a_limit(officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    response = api(officer).post(f"/api/records/{lead.pk}/dismiss/", {"reason": TWO_MB}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "reason"


# ── JSON nesting ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_10000_deep_to_a_step_endpoint_is_a_400_json_error(
    officer, approver, system_draft, opening
):
    closing = "]" if opening == "[" else "}"
    deep = opening * 10_000 + "1" + closing * 10_000
    for user, url in [
        (approver, f"/api/notices/{system_draft.pk}/void/"),
        (officer, f"/api/records/{system_draft.record_id}/dismiss/"),
        (officer, f"/api/notices/{system_draft.pk}/revise/"),
    ]:
        response = api(user).post(url, deep, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:300])
        assert response.json()["code"] == "too_deep" and "嵌套过深" in response.json()["detail"]
    assert Notice.objects.get(pk=system_draft.pk).state == NoticeState.DRAFT


def test_brackets_inside_strings_are_not_nesting(officer, system_draft):
    text = "[{" * 100
    response = api(officer).post(
        f"/api/notices/{system_draft.pk}/revise/", {"data": {"evidence": [text]}}, format="json"
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["data"]["evidence"] == [text]


# ── NUL in an address, a query string, a form ────────────────────────────────────


@pytest.mark.parametrize(
    "url", ["/public/records/?q=%00", "/public/records/%00/", "/public/records/?page=%00", "/public/%00"]
)
def test_a_nul_in_a_public_address_is_a_chinese_400_not_a_500(url, record):
    response = page().get(url)
    assert response.status_code == 400
    assert "请求无效" in response.content.decode() and "空字符" in response.content.decode()


def test_a_nul_under_the_api_is_a_json_400(officer, record):
    for url in ["/api/records/?q=%00", "/api/notices/%00/", "/api/records/?reference=%00"]:
        response = api(officer).get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == "null_characters"


def test_a_nul_in_a_posted_form_is_a_400(record):
    body = urlencode({"username": "a\x00b", "password": "x"})  # as a browser posts a form
    response = page().post(reverse("login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_the_public_list_still_searches():
    assert page().get("/public/records/?q=东莞").status_code == 200


# ── rendering that fails ──────────────────────────────────────────────────────────


def failing(monkeypatch, exc: Exception | None = None):
    def refuse(notice, *, draft):
        raise exc or SoftTimeLimitExceeded()

    monkeypatch.setattr(render, "notice_pdf", refuse)


def issue(officer, approver, notice) -> Notice:
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    return Notice.objects.get(pk=notice.pk)


def entries(notice, action: str) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(Notice)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(notice.pk), action=action))


def test_a_rendering_that_times_out_is_given_up_after_its_attempts_shown_and_retried_on_request(
    settings, monkeypatch, officer, approver, record
):
    assert settings.CHENGXIN_NOTICE_RENDER_ATTEMPTS == 3
    failing(monkeypatch)
    notice = issue(officer, approver, draft(officer=officer, record=record, type_code="N3"))
    assert notice.render_attempts == 1 and "生成超时" in notice.render_error and not notice.render_failed
    assert tasks.render_pending(older_than_seconds=0) == 1  # the sweep: attempt 2
    assert tasks.render_pending(older_than_seconds=0) == 1  # attempt 3: given up
    notice.refresh_from_db()
    assert notice.render_failed and notice.render_attempts == 3 and not notice.pdf_ready
    assert tasks.render_pending(older_than_seconds=0) == 0  # never again by itself
    assert len(entries(notice, "notice.render_failed")) == 1

    shown = page(officer).get(reverse("notice-page", args=[notice.pk])).content.decode()
    assert "生成失败：生成超时（超过 30 秒）。" in shown and "重新生成" in shown
    answer = api(officer).get(f"/api/notices/{notice.pk}/").json()
    assert answer["render_failed"] is True and answer["render_error"] == "生成超时（超过 30 秒）。"

    monkeypatch.undo()  # the document renders again (say, after a fix)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = page(officer).post(reverse("notice-render", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.pdf_ready and not notice.render_failed
    assert PdfReader(io.BytesIO(bytes(notice.pdf))).pages
    (retry,) = entries(notice, "notice.render_retry")
    assert retry.actor == officer and retry.reason == "生成超时（超过 30 秒）。"


def test_the_retry_endpoint_refuses_a_notice_that_did_not_fail(officer, approver, record):
    notice = issue(officer, approver, draft(officer=officer, record=record, type_code="N3"))
    response = api(officer).post(f"/api/notices/{notice.pk}/render/")
    assert response.status_code == 400 and response.json()["code"] == "not_failed"


def test_a_render_error_is_recorded_and_the_api_retries_it(monkeypatch, officer, approver, record):
    failing(monkeypatch, ValueError("bad glyph"))
    notice = issue(officer, approver, draft(officer=officer, record=record, type_code="N3"))
    for _attempt in range(2):
        tasks.render_pending(older_than_seconds=0)
    notice.refresh_from_db()
    assert notice.render_failed and notice.render_error == "生成出错：ValueError: bad glyph"
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api(approver).post(f"/api/notices/{notice.pk}/render/")
    assert response.status_code == 200, response.content
    assert Notice.objects.get(pk=notice.pk).pdf_ready


def test_a_worker_killed_on_every_attempt_is_given_up_too(monkeypatch, officer, approver, record):
    """A killed worker records nothing; its task comes back (acks_late, reject on worker
    lost) or the sweep queues it again: the attempts counted at the start still run out."""
    monkeypatch.setattr(tasks.render_notice, "delay_on_commit", lambda notice_id: None)
    notice = issue(officer, approver, draft(officer=officer, record=record, type_code="N3"))
    Notice.objects.filter(pk=notice.pk).update(render_attempts=3)  # three starts, no end
    assert tasks.render_notice(notice.pk) is False
    notice.refresh_from_db()
    assert notice.render_failed and "多次生成均未完成" in notice.render_error


def test_a_voided_notice_is_never_queued_again(monkeypatch, officer, approver, record):
    failing(monkeypatch)
    notice = issue(officer, approver, draft(officer=officer, record=record, type_code="N3"))
    services.notice_void(acting_user=approver, notice_id=notice.pk, reason="内容有误")
    queued = []
    monkeypatch.setattr(tasks.render_notice, "delay", queued.append)
    assert tasks.render_pending(older_than_seconds=0) == 0 and queued == []
    monkeypatch.undo()
    assert tasks.render_notice(notice.pk) is False  # a delivery still in the queue does nothing
    notice.refresh_from_db()
    assert notice.render_attempts == 1 and not notice.pdf_ready
    shown = page(officer).get(reverse("notice-page", args=[notice.pk])).content.decode()
    assert "正在生成" not in shown


def test_the_sweep_runs_every_half_minute_for_notices_issued_a_minute_ago(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["render pending notices"]
    assert entry["schedule"].run_every.total_seconds() == 30
    assert entry["kwargs"] == {"older_than_seconds": 60}
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
