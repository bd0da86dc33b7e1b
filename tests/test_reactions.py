"""What a step causes beyond casework (notices drafted, the work process updated) is done
after the step commits, from casework's outbox (casework.services.reactions,
workflows.reactions): a failure there never undoes nor refuses the legal step; it stays
visible, pending, on the system page, and the retry does it once the cause is gone."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task

from casework.models import Reaction, Record
from casework.roles import Role
from casework.services import reactions
from notices import context
from notices.models import Notice
from workflows import follow, tasks
from workflows.models import CaseProcess, subject_key

from . import lifecycle
from .api_fixtures import api
from .factories import UserFactory
from .notice_cases import issuer_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("issuer", "fixed_today")]


def approve_pre_notice(approver, record) -> dict:
    response = api(approver).post(f"/api/records/{record.pk}/approve-pre-notice/", {}, format="json")
    assert response.status_code == 200, response.content[:800].decode(errors="replace")
    return response.json()


def waiting_tasks(record) -> list[str]:
    process = CaseProcess.objects.get(key=subject_key(record))
    waiting = Task.objects.filter(process=process, flow_task_type="HUMAN", status__in=follow.WAITING)
    return sorted(t.flow_task.name for t in waiting)


def system_page(client) -> str:
    client.force_login(UserFactory(roles=[Role.SYSTEM_ADMIN]))
    response = client.get("/work/system/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_failing_notice_draft_leaves_the_step_done_visible_and_retried(
    officer, approver, unit, client, monkeypatch
):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    built = context.n1

    def broken(record, obj):
        raise RuntimeError("证据摘要读取失败")

    monkeypatch.setattr(context, "n1", broken)
    answer = approve_pre_notice(approver, record)

    # The step is done: its state, its audit entry; its notice is not, and says so.
    assert answer["state"] == "PRE_NOTICE" == Record.objects.get(pk=record.pk).state
    assert record.audit_entries.filter(action="approve_pre_notice").count() == 1
    assert not Notice.objects.filter(record=record, type_code="N1").exists()
    [pending] = reactions.failed()
    assert (pending.object_id, pending.step, pending.attempts, pending.done_at) == (
        record.pk,
        "approve_pre_notice",
        1,
        None,
    )
    assert pending.last_error == "RuntimeError: 证据摘要读取失败"
    page = system_page(client)
    assert "步骤后续处理" in page and "1 项后续处理（起草文书、更新流程）失败待重试" in page

    monkeypatch.setattr(context, "n1", built)
    assert tasks.process_reactions.apply().get() == 1
    assert Notice.objects.get(record=record, type_code="N1").state == "DRAFT"
    pending.refresh_from_db()
    assert pending.done_at is not None and pending.attempts == 2 and pending.last_error == ""
    assert "无失败待重试的后续处理。" in system_page(client)


def test_a_flow_that_cannot_be_locked_does_not_turn_a_legal_step_into_a_conflict(
    officer, approver, unit, monkeypatch
):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    before = waiting_tasks(record)
    follows = follow.follow

    def busy(*args, **kwargs):
        raise FlowLockFailed("流程被占用")

    monkeypatch.setattr(follow, "follow", busy)
    assert approve_pre_notice(approver, record)["state"] == "PRE_NOTICE"
    [pending] = reactions.failed()
    assert pending.step == "approve_pre_notice" and "FlowLockFailed" in pending.last_error
    # The reaction is one transaction: the notice waits with the flow, nothing half-done.
    assert waiting_tasks(record) == before
    assert not Notice.objects.filter(record=record, type_code="N1").exists()

    monkeypatch.setattr(follow, "follow", follows)
    assert reactions.retry() == 1
    assert waiting_tasks(record) != before
    assert Notice.objects.filter(record=record, type_code="N1").count() == 1
    assert not reactions.pending().exists()


def test_the_retry_leaves_a_fresh_reaction_to_its_own_commit_and_tries_the_least_tried_first(officer, unit):
    """A reaction not tried yet and younger than a minute is being taken by its own
    transaction's on-commit: the retry would only count a second attempt."""
    record = lifecycle.lead(officer=officer, organisation=unit)
    [created] = Reaction.objects.all()
    assert created.done_at is not None and created.attempts == 1
    rows = [
        Reaction.objects.create(content_type=created.content_type, object_id=record.pk, step=s) for s in "abc"
    ]
    Reaction.objects.filter(pk=rows[1].pk).update(attempts=3)
    Reaction.objects.filter(pk=rows[2].pk).update(attempts=1)
    assert list(reactions.retryable()) == [rows[2], rows[1]]


def test_the_sweep_deletes_reactions_done_before_the_kept_days_and_never_a_pending_one(
    officer, unit, settings
):
    settings.CHENGXIN = {**settings.CHENGXIN, "REACTIONS_KEEP_DAYS": 30}
    record = lifecycle.proposed(officer=officer, organisation=unit)
    old, recent, stuck = Reaction.objects.filter(object_id=record.pk).order_by("pk")[:3]
    long_ago = timezone.now() - dt.timedelta(days=31)
    Reaction.objects.filter(pk=old.pk).update(done_at=long_ago)
    Reaction.objects.filter(pk=stuck.pk).update(done_at=None, created_at=long_ago, attempts=3)

    call_command("sweep_deadlines", "--only", "reactions_cleanup", stdout=io.StringIO())

    left = set(Reaction.objects.filter(object_id=record.pk).values_list("pk", flat=True))
    assert old.pk not in left
    assert {recent.pk, stuck.pk} <= left
