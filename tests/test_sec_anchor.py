"""Signed audit checkpoints outside the database (casework.checkpoints): what a DBA who can
rewrite the audit tables still cannot hide from `manage.py verify_audit`.

The two attacks a reviewer ran on a copy of the database, which the hash chain alone calls
intact: the last entries removed and the head moved back; an entry rewritten and every later
entry re-hashed with the project's own `entry_digest`. On PostgreSQL the append-only trigger
(casework migration 0009) first refuses both, so the DBA here switches triggers off as the
superuser can (`session_replication_role = replica`), and is caught all the same.
"""

import io
import json
import secrets

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from casework import audit, checkpoints
from casework.models import AuditEntry, AuditHead
from casework.roles import Role
from casework.tasks import checkpoint_audit
from config.celery import app as celery_app

from . import lifecycle
from .factories import OrganisationFactory
from .test_settings_deploy import PUBLIC, manage

pytestmark = pytest.mark.django_db

REVIEWED = 518  # the length of the reviewer's copy
EVERY = 50  # a checkpoint after every fifty entries, and one at the head


# ── helpers ──────────────────────────────────────────────────────────────────────────
def appended(count: int, subject) -> None:
    """`count` entries through the project's own append, in one audited transaction."""
    with transaction.atomic():
        audit.append_many(
            [
                dict(role=Role.SYSTEM, obj=subject, action="测试操作", reason=f"第 {n} 条")
                for n in range(count)
            ]
        )


def checkpoint() -> str:
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue()


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 1
    return str(caught.value)


def as_dba(statements: list[tuple[str, list]]) -> None:
    """Run raw SQL as the DBA would: on PostgreSQL with every trigger off for the session
    (a superuser's switch, which also silences the append-only trigger), on SQLite as is."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            if postgres:
                cursor.execute("SET session_replication_role = origin")


def truncate_and_move_head(keep: int) -> None:
    last_kept = AuditEntry.objects.get(seq=keep).hash
    as_dba(
        [
            ("DELETE FROM casework_auditentry WHERE seq > %s", [keep]),
            ("UPDATE casework_audithead SET seq = %s, hash = %s WHERE id = 1", [keep, last_kept]),
        ]
    )


def rewrite_and_rehash(seq: int) -> None:
    """Change entry #seq's reason, then recompute its hash and every later entry's link and
    hash with casework.audit.entry_digest, and move the head: a chain that verifies."""
    prev_hash = audit.GENESIS if seq == 1 else AuditEntry.objects.get(seq=seq - 1).hash
    statements = []
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if entry.seq == seq:
            entry.reason = "改过的理由"
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = audit.entry_digest(entry)
        statements.append(
            (
                "UPDATE casework_auditentry SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.reason, entry.prev_hash, entry.hash, entry.seq],
            )
        )
    statements.append(("UPDATE casework_audithead SET hash = %s WHERE id = 1", [prev_hash]))
    as_dba(statements)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def subject(db):
    return OrganisationFactory(name="东莞市审计测试局")


@pytest.fixture
def reviewed_chain(subject, audit_checkpoint_file):
    """The reviewer's 518 entries, with a checkpoint written every fifty and one at the head."""
    for _ in range(REVIEWED // EVERY):
        appended(EVERY, subject)
        checkpoint()
    appended(REVIEWED % EVERY, subject)
    checkpoint()
    assert [c["seq"] for c in lines(audit_checkpoint_file)] == [*range(EVERY, 501, EVERY), REVIEWED]
    return audit_checkpoint_file


@pytest.fixture
def dense_chain(subject):
    """Ten entries, each followed by a checkpoint: every entry is individually vouched for."""
    for _ in range(10):
        appended(1, subject)
        checkpoint()


# (d) a clean chain with checkpoints ──────────────────────────────────────────────────
def test_a_clean_chain_agrees_with_every_checkpoint(reviewed_chain):
    assert verify_audit() == (
        f"audit chain intact: {REVIEWED} entries\n"
        f"11 checkpoints agree (the last at #{REVIEWED}, {lines(reviewed_chain)[-1]['at']})\n"
    )


def test_entries_appended_after_the_last_checkpoint_are_fine(reviewed_chain, subject):
    appended(3, subject)
    assert verify_audit().startswith(f"audit chain intact: {REVIEWED + 3} entries\n11 checkpoints agree")


def test_a_checkpoint_line_holds_the_head_signed(reviewed_chain):
    head = AuditHead.objects.get()
    [line] = lines(reviewed_chain)[-1:]
    assert (
        (line["seq"], line["hash"])
        == (head.seq, head.hash)
        == (REVIEWED, AuditEntry.objects.get(seq=518).hash)
    )
    assert set(line) == {"seq", "hash", "at", "sig"} and len(line["sig"]) == 64


def test_without_checkpoints_the_command_says_what_it_cannot_see(subject):
    appended(2, subject)
    err = io.StringIO()
    call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert "no audit checkpoints in" in err.getvalue()


# (a) truncation with the head moved back ─────────────────────────────────────────────
def test_removing_the_last_entries_and_moving_the_head_back_is_caught(reviewed_chain):
    truncate_and_move_head(keep=REVIEWED - 5)
    assert audit.verify().ok, "the chain alone calls this intact: the reviewer's finding"
    message = refused()
    assert message.startswith("audit chain disagrees with its checkpoints at entry #514:")
    assert f"entry #514 is missing: checkpoint line 11 ({lines(reviewed_chain)[-1]['at']}) " in message
    assert "signed the chain up to #518, the chain head is #513" in message


def test_a_truncated_chain_that_grew_again_is_caught(reviewed_chain, subject):
    """New entries after the truncation bring the head back past the checkpoint: #518 is there
    again, but not the #518 that was signed."""
    truncate_and_move_head(keep=REVIEWED - 5)
    appended(10, subject)
    assert audit.verify().ok
    message = refused()
    assert "at entry #518:" in message
    assert "an entry in #501–#518 was rewritten" in message


# (b) rewriting an entry and re-hashing the rest ──────────────────────────────────────
def test_a_rewritten_and_rehashed_entry_is_caught_at_its_checkpoint(reviewed_chain):
    """Checkpoint #100 signed entry #100's hash: the rewrite at #100 is named exactly."""
    rewrite_and_rehash(100)
    assert audit.verify().ok, "the chain alone calls this intact: the reviewer's finding"
    assert AuditEntry.objects.get(seq=100).reason == "改过的理由"
    message = refused()
    assert message.startswith("audit chain disagrees with its checkpoints at entry #100:")
    assert "entry #100 disagrees with checkpoint line 2" in message
    assert "an entry in #51–#100 was rewritten and the later ones re-hashed" in message


def test_a_rewrite_between_checkpoints_is_narrowed_to_their_range(reviewed_chain):
    """#120 was never signed itself: the first checkpoint after it (#150) disagrees, and #100,
    the one before it, still agrees: the rewrite lies in #101–#150."""
    rewrite_and_rehash(120)
    message = refused()
    assert message.startswith("audit chain disagrees with its checkpoints at entry #150:")
    assert "an entry in #101–#150 was rewritten" in message


def test_with_a_checkpoint_per_entry_the_rewritten_entry_is_named(dense_chain):
    rewrite_and_rehash(4)
    assert audit.verify().ok
    message = refused()
    assert message.startswith("audit chain disagrees with its checkpoints at entry #4:")
    assert "entry #4 disagrees with checkpoint line 4" in message
    assert "entry #4 was rewritten" in message


def test_a_tampered_chain_is_not_signed_again(reviewed_chain):
    """The app does not launder the DBA's work: a new checkpoint (command, beat task) is refused
    while the chain disagrees with the last one, and the file is left as it was."""
    rewrite_and_rehash(510)
    before = reviewed_chain.read_bytes()
    with pytest.raises(
        CommandError, match="audit checkpoint refused: entry #518 disagrees with the last checkpoint"
    ):
        checkpoint()
    with pytest.raises(checkpoints.CheckpointRefused):
        checkpoint_audit.delay()
    assert reviewed_chain.read_bytes() == before


# (c) forged checkpoint lines ──────────────────────────────────────────────────────────
def test_a_forged_checkpoint_line_is_reported(dense_chain, audit_checkpoint_file):
    """Whoever rewrote the chain would need a checkpoint for the new head: without the key,
    the line they add (or edit) does not verify and is named."""
    genuine = lines(audit_checkpoint_file)[-1]
    forged = {**genuine, "hash": "f" * 64}
    with audit_checkpoint_file.open("a") as file:
        file.write(json.dumps(forged) + "\n")
        file.write("not even json\n")
    message = refused()
    assert message.startswith("audit checkpoints are not all genuine:")
    assert "checkpoint line 11 of " in message and "line 12 of " in message
    assert "forged or damaged: its signature does not match" in message


def test_a_line_signed_with_another_key_is_forged(dense_chain, audit_checkpoint_file, settings):
    settings.CHENGXIN_AUDIT_CHECKPOINT_KEY = secrets.token_urlsafe(32)
    checkpoint()  # the attacker's key: this line is not the site's
    settings.CHENGXIN_AUDIT_CHECKPOINT_KEY = ""
    message = refused()
    assert "checkpoint line 11 of " in message
    assert "line 1 of" not in message  # the site's own ten lines still verify


# (e) who writes checkpoints ───────────────────────────────────────────────────────────
def test_the_beat_task_writes_a_checkpoint(subject, audit_checkpoint_file):
    appended(3, subject)
    assert checkpoint_audit.delay().get() == 3
    assert [line["seq"] for line in lines(audit_checkpoint_file)] == [3]
    entry = django_settings.CELERY_BEAT_SCHEDULE["audit checkpoint"]
    assert entry["task"] == checkpoint_audit.name == "casework.tasks.checkpoint_audit"
    assert entry["schedule"].run_every.total_seconds() == django_settings.CHENGXIN_AUDIT_CHECKPOINT_INTERVAL
    assert checkpoint_audit.name in celery_app.tasks


def test_the_command_reports_what_it_signed(subject, audit_checkpoint_file):
    appended(2, subject)
    head = AuditHead.objects.get()
    assert checkpoint().startswith(f"audit checkpoint written: #2 {head.hash} at ")
    assert lines(audit_checkpoint_file)[0]["hash"] == head.hash


@pytest.mark.django_db(databases=["default", "staging"])
def test_migrate_writes_one_checkpoint_on_the_database_with_the_audit_tables(
    officer, approver, unit, audit_checkpoint_file
):
    lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    call_command("migrate", verbosity=0)
    assert [line["seq"] for line in lines(audit_checkpoint_file)] == [7]
    call_command("migrate", database="staging", verbosity=0)  # no audit tables there
    assert [line["seq"] for line in lines(audit_checkpoint_file)] == [7]
    assert verify_audit().startswith("audit chain intact: 7 entries\n1 checkpoints agree")


def test_migrate_over_a_tampered_chain_warns_and_signs_nothing(reviewed_chain, capsys):
    truncate_and_move_head(keep=REVIEWED - 5)
    before = reviewed_chain.read_bytes()
    call_command("migrate", verbosity=0)
    assert (
        "audit checkpoint refused: the chain head #513 is below the last checkpoint #518"
        in capsys.readouterr().err
    )
    assert reviewed_chain.read_bytes() == before


def test_seed_demo_ends_with_a_checkpoint(audit_checkpoint_file):
    out = io.StringIO()
    with override_settings(CHENGXIN_TODAY="2026-11-28"):
        call_command("seed_demo", stdout=out)
    head = AuditHead.objects.get()
    assert head.seq > 0
    assert f"审计检查点已写入：#{head.seq}" in out.getvalue()
    assert [(line["seq"], line["hash"]) for line in lines(audit_checkpoint_file)] == [(head.seq, head.hash)]
    assert verify_audit().startswith(f"audit chain intact: {head.seq} entries\n1 checkpoints agree")


# PostgreSQL: the trigger first, the checkpoints when the DBA switches it off ──────────
@pytest.mark.postgres
def test_on_postgresql_the_attacks_need_the_trigger_off_and_are_still_caught(reviewed_chain):
    for sql in (
        "DELETE FROM casework_auditentry WHERE seq > 513",
        "UPDATE casework_auditentry SET reason = 'x' WHERE seq = 100",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    rewrite_and_rehash(100)
    truncate_and_move_head(keep=REVIEWED - 5)
    assert audit.verify().ok
    assert refused().startswith("audit chain disagrees with its checkpoints at entry #100:")


@pytest.mark.postgres
def test_on_postgresql_truncation_is_named_by_its_first_missing_entry(reviewed_chain):
    truncate_and_move_head(keep=REVIEWED - 5)
    assert AuditEntry.objects.count() == 513 and audit.verify().ok
    assert refused().startswith("audit chain disagrees with its checkpoints at entry #514:")


@pytest.mark.postgres
def test_on_postgresql_a_rehashed_rewrite_is_named(reviewed_chain):
    rewrite_and_rehash(100)
    assert audit.verify().ok
    assert refused().startswith("audit chain disagrees with its checkpoints at entry #100:")


# Settings: the key in production, the retention floor ────────────────────────────────
def test_production_requires_its_own_checkpoint_key(tmp_path):
    key = secrets.token_urlsafe(48)
    for missing in ("", "short", key):
        run = manage(
            tmp_path,
            "check",
            SECRET_KEY=key,
            CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
            CHENGXIN_AUDIT_CHECKPOINT_KEY=missing,
        )
        assert run.returncode != 0
        assert "CHENGXIN_AUDIT_CHECKPOINT_KEY must be set in production" in run.stderr


def test_the_retention_floor_is_six_months(tmp_path):
    short = manage(
        tmp_path, "check", DJANGO_SETTINGS_MODULE="config.settings.dev", CHENGXIN_AUDIT_RETENTION_DAYS="90"
    )
    assert short.returncode != 0
    assert "audit entries must be kept at least six months (183 days)" in short.stderr
    assert django_settings.CHENGXIN_AUDIT_RETENTION_DAYS >= 183
