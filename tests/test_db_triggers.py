"""PostgreSQL triggers keep the audit trail append-only and issued notices unchanged, whatever
the client: raw SQL that the models never see is refused by the database itself
(casework migration 0009, notices migration 0003), while the services' own writes pass."""

import datetime as dt
import hashlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from casework import audit
from casework.models import AuditEntry, AuditHead
from notices import services
from notices.models import Notice, NoticeState
from notices.tasks import render_notice

from . import lifecycle
from .notice_cases import draft, issue, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

APPEND_ONLY = "audit entries are append-only"
#: A record in force took seven audited steps: 登记线索, 开始核查, 提出拟认定, 批准事前告知,
#: 登记事前告知书送达, 认定, 登记送达 (tests/test_smoke.py).
TRAIL = 7


def refused(sql: str, params=()) -> str:
    """Run `sql` in a savepoint, expecting the database to refuse it: the error's message."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# The audit trail ──────────────────────────────────────────────────────────────────
@pytest.fixture
def trail(officer, approver, unit):
    lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert AuditEntry.objects.count() == TRAIL
    return list(AuditEntry.objects.order_by("seq"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE casework_auditentry SET reason = '改过的理由' WHERE seq = 3",
        "UPDATE casework_auditentry SET seq = seq + 100",
        "DELETE FROM casework_auditentry WHERE seq = 6",
        "DELETE FROM casework_auditentry",
    ],
    ids=["update_one", "update_all", "delete_tip", "delete_all"],
)
def test_raw_sql_cannot_change_or_remove_audit_entries(trail, sql):
    assert APPEND_ONLY in refused(sql)
    assert list(AuditEntry.objects.order_by("seq")) == trail
    assert [e.reason for e in AuditEntry.objects.order_by("seq")] == [e.reason for e in trail]
    assert audit.verify().ok


def truncatable() -> None:
    """Check the deferred foreign keys of the test's inserts now: PostgreSQL refuses to TRUNCATE
    a table with pending trigger events, which would hide the trigger's own refusal."""
    execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_audit_table_cannot_be_truncated(trail):
    truncatable()
    execute("SET LOCAL chengxin.allow_audit_truncate = off")
    assert APPEND_ONLY in refused("TRUNCATE casework_auditentry CASCADE")
    assert AuditEntry.objects.count() == TRAIL


def test_only_a_superuser_who_asks_may_truncate_the_audit_table(trail):
    """The escape hatch for Django's flush (tests, whole-database resets) is a superuser's: a
    role that was granted TRUNCATE but is no superuser is refused even when it asks."""
    execute("CREATE ROLE chengxin_trigger_clerk NOSUPERUSER")
    execute("GRANT TRUNCATE ON casework_auditentry TO chengxin_trigger_clerk")
    truncatable()
    execute("SET LOCAL chengxin.allow_audit_truncate = on")
    execute("SET LOCAL ROLE chengxin_trigger_clerk")
    assert APPEND_ONLY in refused("TRUNCATE casework_auditentry")
    execute("RESET ROLE")
    assert AuditEntry.objects.count() == TRAIL
    with transaction.atomic():
        execute("TRUNCATE casework_auditentry")
        assert AuditEntry.objects.count() == 0
        transaction.set_rollback(True)
    assert AuditEntry.objects.count() == TRAIL


def test_the_chain_head_stays_writable_and_appends_continue(trail, officer, other_unit):
    assert execute("UPDATE casework_audithead SET seq = seq WHERE id = 1") == 1
    lifecycle.lead(officer=officer, organisation=other_unit)
    assert AuditEntry.objects.count() == TRAIL + 1
    assert AuditHead.objects.get().seq == TRAIL + 1
    assert audit.verify().ok


# Issued notices ───────────────────────────────────────────────────────────────────
@pytest.fixture
def two_letters(officer, approver, record, issuer):
    """The 政务失信记录告知书 and the 信用修复告知书 of one record, issued with their PDFs."""
    return [issued(officer=officer, approver=approver, record=record, type_code=c) for c in ("N2", "N3")]


def stored(pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, data, sha256, pdf, state FROM notices_notice WHERE id = %s", [pk])
        number, data, sha256, pdf, state = cursor.fetchone()
    return {"number": number, "data": data, "sha256": sha256, "pdf": bytes(pdf), "state": state}


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE notices_notice SET number = '东监修告〔2026〕99号' WHERE id = %s", "cannot be changed"),
        ("UPDATE notices_notice SET sha256 = repeat('0', 64) WHERE id = %s", "already has its PDF"),
        ("UPDATE notices_notice SET pdf = '\\x25504446'::bytea WHERE id = %s", "already has its PDF"),
        ("UPDATE notices_notice SET data = '{}'::jsonb WHERE id = %s", "cannot be changed"),
        ("UPDATE notices_notice SET issued_on = issued_on - 1 WHERE id = %s", "cannot be changed"),
        ("UPDATE notices_notice SET issuer_id = issuer_id WHERE id = %s", None),
        ("UPDATE notices_notice SET addressed_to_id = 1 WHERE id = %s", "cannot be changed"),
        ("UPDATE notices_notice SET state = 'DRAFT' WHERE id = %s", "cannot go from ISSUED to DRAFT"),
        ("DELETE FROM notices_notice WHERE id = %s", "cannot be deleted"),
    ],
    ids=[
        "number",
        "sha256",
        "pdf",
        "data",
        "issued_on",
        "same_value",
        "addressed_to",
        "state_back",
        "delete",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_issued_notice(two_letters, sql, message):
    notice = two_letters[1]
    before = stored(notice.pk)
    assert before["number"] and before["sha256"] == hashlib.sha256(before["pdf"]).hexdigest()
    if message is None:  # writing a column with the value it has is no change
        assert execute(sql, [notice.pk]) == 1
    else:
        assert f"issued notice {notice.number} {message}" in refused(sql, [notice.pk])
    assert stored(notice.pk) == before


def test_serving_through_the_service_still_works_and_then_the_state_is_final(officer, two_letters):
    services.notice_serve(
        acting_user=officer,
        notice_ids=[n.pk for n in two_letters],
        method="IN_PERSON",
        served_on=dt.date(2026, 2, 2),
        proof="送达回证第 12 号",
    )
    notice = two_letters[0]
    assert stored(notice.pk)["state"] == NoticeState.SERVED
    message = refused("UPDATE notices_notice SET state = 'ISSUED' WHERE id = %s", [notice.pk])
    assert f"issued notice {notice.number} cannot go from SERVED to ISSUED" in message
    assert "cannot be changed" in refused("UPDATE notices_notice SET number = 'x' WHERE id = %s", [notice.pk])


def test_voiding_through_the_service_still_works(approver, two_letters):
    notice = two_letters[1]
    services.notice_void(acting_user=approver, notice_id=notice.pk, reason="文书内容有误")
    row = Notice.objects.get(pk=notice.pk)
    assert (row.state, row.void_reason, row.number) == (NoticeState.VOIDED, "文书内容有误", notice.number)
    assert "cannot be deleted" in refused("DELETE FROM notices_notice WHERE id = %s", [notice.pk])


def test_the_render_task_stores_the_pdf_after_issue_once(officer, approver, record, issuer):
    notice = draft(officer=officer, record=record, type_code="N3")
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    # One rendering queued; the issue's reaction (casework.services.reactions) is the other hook.
    assert len([hook for hook in queued if not hasattr(hook, "reaction_pk")]) == 1
    pending = stored(notice.pk)
    assert pending["number"] and pending["sha256"] == "" and pending["pdf"] == b""

    assert render_notice.delay(notice.pk).get() is True
    done = stored(notice.pk)
    assert done["sha256"] == hashlib.sha256(done["pdf"]).hexdigest() and done["pdf"].startswith(b"%PDF")
    assert "already has its PDF" in refused(
        "UPDATE notices_notice SET sha256 = '' WHERE id = %s", [notice.pk]
    )
    assert stored(notice.pk) == done


def test_a_draft_is_still_free_to_change_and_delete(officer, record, issuer):
    notice = draft(officer=officer, record=record, type_code="N3")
    assert execute("UPDATE notices_notice SET data = '{}'::jsonb WHERE id = %s", [notice.pk]) == 1
    assert execute("DELETE FROM notices_notice WHERE id = %s", [notice.pk]) == 1


def test_issuing_is_the_update_that_sets_the_number(officer, approver, record, issuer):
    notice = issue(officer=officer, approver=approver, notice=draft(officer=officer, record=record))
    assert notice.state == NoticeState.ISSUED and notice.number and notice.pdf_ready
