"""个人信息保护法 (PIPL): ID numbers encrypted at rest with the keys outside the database and
found by a keyed hash; every read of a full ID number has its reason on the audit trail;
personal data past its retention period is deleted or anonymised, never the audit trail."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from casework import pii
from casework.models import AuditEntry, Person
from casework.services.pii import PiiAction
from exchange import retention
from exchange.models import Complaint, ImportBatch, ImportRow

from .api_fixtures import api
from .factories import PersonFactory

pytestmark = pytest.mark.django_db

NUMBER = "44190019800101002X"  # passes GB 11643
DAY = dt.timedelta(days=1)


def raw_row(pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM casework_person WHERE id = %s", [pk])
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def every_stored_text() -> str:
    """Every value of every table of the database, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(str(v) for row in cursor.fetchall() for v in row)
    return "\n".join(parts)


# ── encrypted at rest, found by a keyed hash ─────────────────────────────────────────


def test_the_table_holds_ciphertext_a_keyed_hash_and_the_masked_number_never_the_number(unit):
    person = PersonFactory(unit=unit, id_number=NUMBER.lower())
    row = raw_row(person.pk)
    assert "id_number" not in row  # no plaintext column at all
    assert not any(NUMBER in str(v) or NUMBER[4:14] in str(v) for v in row.values())
    assert row["id_number_masked"] == "4419**********002X"
    assert row["id_number_ciphertext"].startswith("v1:1:")
    assert Person.objects.get(pk=person.pk).id_number == NUMBER  # decrypted on read, normalised


def test_neither_key_is_anywhere_in_the_database(settings, unit):
    PersonFactory(unit=unit, id_number=NUMBER)
    stored = every_stored_text()
    assert settings.CHENGXIN_PII_KEY not in stored and settings.CHENGXIN_PII_HASH_KEY not in stored
    assert NUMBER not in stored


def test_the_same_number_encrypts_differently_each_time_and_hashes_the_same():
    assert pii.encrypt(NUMBER) != pii.encrypt(NUMBER)
    assert pii.lookup_hash(NUMBER) == pii.lookup_hash("441900 19800101 002x")


def test_lookup_by_the_keyed_hash_finds_the_number_as_typed(unit):
    person = PersonFactory(unit=unit, id_number=NUMBER)
    PersonFactory(unit=unit)
    assert list(Person.objects.with_id_number("４４１９００-19800101-002x")) == [person]
    assert list(Person.objects.with_id_numbers([NUMBER, "110105194912310029"])) == [person]
    assert list(Person.objects.with_id_number_tail("002x")) == [person]


def test_the_number_stays_unique(unit):
    PersonFactory(unit=unit, id_number=NUMBER)
    twin = PersonFactory.build(unit=unit, id_number=NUMBER.lower())
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.message_dict["id_number"] == ["已有相同身份证号码的公务员。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_wrong_or_unknown_key_fails_loudly(settings, unit):
    pk = PersonFactory(unit=unit, id_number=NUMBER).pk
    settings.CHENGXIN_PII_KEY = "another-key-of-more-than-thirty-two-chars"
    with pytest.raises(pii.PiiKeyError, match="does not decrypt"):
        _ = Person.objects.get(pk=pk).id_number
    settings.CHENGXIN_PII_KEY_ID = "2"
    with pytest.raises(pii.PiiKeyError, match="key id '1'"):
        _ = Person.objects.get(pk=pk).id_number


def test_a_rotation_re_encrypts_every_row_under_the_new_key(settings, unit):
    pk = PersonFactory(unit=unit, id_number=NUMBER).pk
    settings.CHENGXIN_PII_OLD_KEYS = {"1": settings.CHENGXIN_PII_KEY}
    settings.CHENGXIN_PII_KEY, settings.CHENGXIN_PII_KEY_ID = "the-new-key-of-more-than-thirty-two-chars", "2"
    assert Person.objects.get(pk=pk).id_number == NUMBER  # the old key still reads
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out)
    assert "re-encrypted 1; left under an old key: 0" in out.getvalue()
    assert raw_row(pk)["id_number_ciphertext"].startswith("v1:2:")
    settings.CHENGXIN_PII_OLD_KEYS = {}
    assert Person.objects.get(pk=pk).id_number == NUMBER
    assert list(Person.objects.with_id_number(NUMBER).values_list("pk", flat=True)) == [pk]


# ── every full read has its reason ───────────────────────────────────────────────────


def reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=PiiAction.ID_NUMBER_READ).order_by("seq"))


def test_the_full_number_is_shown_only_after_a_reason_and_the_read_is_audited(officer, unit):
    person = PersonFactory(unit=unit, id_number=NUMBER)
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(officer)
    url = f"/work/people/{person.pk}/id-number/"
    page = client.get(url).content.decode()
    assert person.masked_id_number in page and NUMBER not in page and "查看完整身份证号码" in page

    for reason, message in (("", "请填写“查看理由”。"), ("看看", "请填写“查看理由”，至少 4 个字")):
        refused = client.post(url, {"reason": reason}).content.decode()
        assert message in refused and NUMBER not in refused
    assert reads() == []

    shown = client.post(url, {"reason": "核对处分决定书送达对象身份"}).content.decode()
    assert NUMBER in shown
    [entry] = reads()
    assert (entry.actor_id, entry.object_id, entry.reason, entry.ip_address) == (
        officer.pk,
        str(person.pk),
        "核对处分决定书送达对象身份",
        "10.1.2.3",
    )
    assert NUMBER not in str(entry.diff)


def test_who_may_not_read_id_numbers_cannot_ask(liaison, person):
    client = Client()
    client.force_login(liaison)
    assert client.get(f"/work/people/{person.pk}/id-number/").status_code == 403
    assert client.post(f"/work/people/{person.pk}/id-number/", {"reason": "想看一看号码"}).status_code == 403
    assert (
        api(liaison).post(f"/api/people/{person.pk}/id-number/", {"reason": "想看一看号码"}).status_code
        == 403
    )
    assert reads() == []


def test_the_api_reads_the_full_number_with_a_reason_only(officer, person):
    client = api(officer)
    assert client.get(f"/api/people/{person.pk}/").data["id_number"] == person.masked_id_number
    refused = client.post(f"/api/people/{person.pk}/id-number/", {}, format="json")
    assert refused.status_code == 400 and refused.data["field"] == "reason"
    short = client.post(f"/api/people/{person.pk}/id-number/", {"reason": "看"}, format="json")
    assert short.status_code == 400 and "查看理由" in short.data["detail"]
    assert (
        client.post(f"/api/people/{person.pk + 999}/id-number/", {"reason": "核对身份信息"}).status_code
        == 404
    )
    assert reads() == []
    read = client.post(f"/api/people/{person.pk}/id-number/", {"reason": "核对身份信息"}, format="json")
    assert read.data == {"id_number": person.id_number}
    assert [e.reason for e in reads()] == ["核对身份信息"]


def test_pages_and_lists_show_the_masked_number_to_every_role(officer, hr, person):
    for user in (officer, hr):
        client = Client()
        client.force_login(user)
        listed = client.get("/admin/casework/person/").content.decode()
        assert person.id_number not in listed
        assert person.id_number not in str(api(user).get("/api/people/").data)


# ── retention ────────────────────────────────────────────────────────────────────────


def complaint(state: str, done_on: dt.date, **fields) -> Complaint:
    return Complaint.objects.create(
        channel="hotline",
        title="拖欠工程款",
        content="某局拖欠工程款。",
        complainant_name="王五",
        complainant_contact="13800138000",
        extra={"回访电话": "13800138000"},
        received_on=done_on - 3 * DAY,
        routing_due=done_on,
        feedback_due=done_on,
        routed_on=done_on - DAY,
        replied_on=done_on,
        state=state,
        **fields,
    )


def batch(created_at: dt.datetime, name: str) -> ImportBatch:
    made = ImportBatch.objects.create(kind="people", file_name=name, sha256="0" * 64, state="DONE")
    made.file.save(name, ContentFile(b"id,name\n"), save=True)
    ImportBatch.objects.filter(pk=made.pk).update(created_at=created_at)
    ImportRow.objects.create(batch=made, number=2, outcome="created", message="张三")
    made.refresh_from_db()
    return made


@pytest.fixture
def periods(settings):
    settings.CHENGXIN["RETENTION"] = {
        "COMPLAINTS_CLOSED_DAYS": 1825,
        "IMPORT_BATCHES_DAYS": 180,
        "SESSIONS_DAYS": 1,
        "ACCESS_LOGS_DAYS": 183,
    }


def test_the_sweep_cleans_exactly_what_expired_and_never_the_audit_trail(
    periods, settings, tmp_path, officer, person, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    today, now = dt.date.today(), timezone.now()
    complaint_cut = today - dt.timedelta(days=1825)
    old_complaint = complaint("RETURNED", complaint_cut - DAY)
    young_complaint = complaint("CLOSED", complaint_cut)
    accepted = complaint("ACCEPTED", complaint_cut - 400 * DAY)  # a lead's: part of its file
    old_batch = batch(now - dt.timedelta(days=181), "old.xlsx")
    young_batch = batch(now - dt.timedelta(days=179), "young.xlsx")
    old_file = old_batch.file.path
    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=now - 2 * DAY)
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=now - DAY / 2)
    for key, days in (("old", 184), ("young", 182)):
        attempt = AccessAttempt.objects.create(username=key, ip_address="10.0.0.1", failures_since_start=1)
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=now - dt.timedelta(days=days))
    with transaction.atomic():  # something on the audit trail already
        from casework import audit

        audit.append(audit.SYSTEM, obj=person, action=PiiAction.ID_NUMBER_READ, reason="旧的查看记录")
    trail = list(AuditEntry.objects.values_list("seq", "hash"))

    out = io.StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[:5] == [
        "complaints: would clean 1",
        "import_files: would clean 1",
        "import_rows: would clean 1",
        "sessions: would clean 1",
        "access_logs: would clean 1",
    ]
    assert list(AuditEntry.objects.values_list("seq", "hash")) == trail  # a dry run changes nothing

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the sweep commits
        call_command("retention_sweep", stdout=out)
    assert "complaints: cleaned 1" in out.getvalue() and "audit trail: kept" in out.getvalue()

    old_complaint.refresh_from_db()
    assert (old_complaint.complainant_name, old_complaint.complainant_contact, old_complaint.extra) == (
        "已匿名化",
        "已匿名化",
        {},
    )
    assert old_complaint.content == "某局拖欠工程款。"  # the complaint itself stays
    for kept in (young_complaint, accepted):
        kept.refresh_from_db()
        assert (kept.complainant_name, kept.complainant_contact) == ("王五", "13800138000")
    old_batch.refresh_from_db()
    young_batch.refresh_from_db()
    assert old_batch.file.name == "" and not ImportRow.objects.filter(batch=old_batch).exists()
    assert young_batch.file.name and ImportRow.objects.filter(batch=young_batch).exists()
    assert not os.path.exists(old_file) and os.path.exists(young_batch.file.path)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["young"]

    # The audit trail: every entry kept, one more that counts what the sweep did.
    after = list(AuditEntry.objects.values_list("seq", "hash"))
    assert after[: len(trail)] == trail
    [run] = AuditEntry.objects.filter(action=PiiAction.RETENTION_SWEEP)
    assert run.diff["counts"] == {
        "complaints": 1,
        "import_files": 1,
        "import_rows": 1,
        "sessions": 1,
        "access_logs": 1,
    }

    # Nothing left: a second run changes nothing and writes no entry.
    assert retention.counts() == dict.fromkeys(retention.KINDS, 0)
    call_command("retention_sweep", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action=PiiAction.RETENTION_SWEEP).count() == 1


def test_the_sweep_runs_daily_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention sweep"]
    assert entry["task"] == "exchange.tasks.retention_sweep"


def test_production_refuses_missing_or_reused_pii_keys():
    import subprocess
    import sys

    def start(**env) -> str:
        base = {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "s" * 60,
            "CHENGXIN_AUDIT_CHECKPOINT_KEY": "c" * 40,
            "CHENGXIN_PUBLIC_BASE_URL": "https://chengxin.example.gov.cn",
            "CACHE_URL": "redis://127.0.0.1:6379/0",
            "PATH": "/usr/bin:/bin",
        }
        code = "import django; django.setup()"
        done = subprocess.run(
            [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
        )
        return done.stderr

    assert "CHENGXIN_PII_KEY must be set" in start()
    assert "CHENGXIN_PII_KEY must be set" in start(CHENGXIN_PII_KEY="s" * 60, CHENGXIN_PII_HASH_KEY="h" * 40)
    assert "CHENGXIN_PII_HASH_KEY must be set" in start(
        CHENGXIN_PII_KEY="k" * 40, CHENGXIN_PII_HASH_KEY="c" * 40
    )
    assert start(CHENGXIN_PII_KEY="k" * 40, CHENGXIN_PII_HASH_KEY="h" * 40) == ""
