"""Operations: /healthz, the 503 of a lost database, request ids in the logs, backup and restore.

The restore runs as an operator runs it: `manage.py restore` in a process of its own, configured
(DATABASE_URL, CHENGXIN_UPLOAD_ROOT) for a new database and a new upload folder, as on the
machine a backup is restored to; the backup is `call_command("backup")` of the test database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client

from casework.models import Attachment
from config.settings.logging import _admins
from notices.models import Notice

from . import notice_cases
from . import rectification_steps as steps

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.CHENGXIN_UPLOAD_ROOT


# ── /healthz ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db
def test_healthz_is_green_without_login_and_says_nothing_more(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "storage": "ok"}}
    assert "no-cache" in response["Cache-Control"]
    assert not list(Path(django_settings.CHENGXIN_UPLOAD_ROOT).iterdir())  # the probe file is gone


@pytest.mark.django_db
def test_healthz_is_red_when_the_broker_cannot_be_reached(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret@127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "broker": "fail", "storage": "ok"},
    }
    assert b"s3cret" not in response.content and b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_healthz_is_red_when_the_upload_folder_cannot_take_a_file(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "a-file" / "uploads"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "fail"}


@pytest.mark.django_db
def test_healthz_is_red_when_the_database_is_gone(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail"


# ── a lost database: 503, not 500, never a conflict ────────────────────────────────────────


def _database_down(error=OperationalError):
    return mock.patch.object(
        CursorWrapper, "execute", side_effect=error("server closed the connection unexpectedly")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_whose_database_is_gone_answers_the_chinese_503(client, error, caplog):
    with _database_down(error), caplog.at_level(logging.WARNING):
        response = client.get("/public/records/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "系统暂时无法访问" in page and "数据库暂时无法连接，请稍后重试。" in page
    assert "刚被他人处理" not in page
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # an outage, not a bug to mail


@pytest.mark.django_db
def test_the_api_whose_database_is_gone_answers_json_503(client, officer):
    client.force_login(officer)  # the session is read from the database that is gone
    with _database_down():
        response = client.get("/api/records/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "数据库暂时无法连接，请稍后重试。",
        "code": "service_unavailable",
        "field": None,
    }
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_a_database_lost_in_a_middleware_answers_503_too(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    with _database_down():
        response = client.get("/admin/")  # the admin gate reads the user from the session first
    assert response.status_code == 503
    assert "数据库暂时无法连接" in response.content.decode()


# ── logs ───────────────────────────────────────────────────────────────────────────────────


def _log_file() -> Path:
    handlers = [h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.FileHandler)]
    assert handlers, "the rotating file handler is configured"
    return Path(handlers[0].baseFilename)


def _lines_after(path: Path, offset: int) -> list[dict]:
    with path.open(encoding="utf-8") as stream:
        stream.seek(offset)
        return [json.loads(line) for line in stream.read().splitlines() if line]


@pytest.mark.django_db
def test_every_log_line_of_a_request_carries_its_id(client):
    path = _log_file()
    offset = path.stat().st_size if path.exists() else 0
    # The file is shared with the other test processes: this request's lines are found by
    # a path no other request asks for, and each must carry this request's id.
    missing = f"/no-such-page-{uuid.uuid4().hex}/"
    response = client.get(missing)
    request_id = response["X-Request-ID"]
    assert response.status_code == 404 and len(request_id) == 32
    lines = [
        line
        for line in _lines_after(path, offset)
        if line["logger"] == "django.request" and missing in line["message"]
    ]
    assert lines and all(line["request_id"] == request_id for line in lines)
    assert lines[0]["level"] == "WARNING"


@pytest.mark.django_db
def test_a_server_error_is_logged_with_its_traceback_and_request_id(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    path = _log_file()
    offset = path.stat().st_size if path.exists() else 0
    with mock.patch.object(CursorWrapper, "execute", side_effect=RuntimeError("boom in a query")):
        response = client.get("/admin/")
    assert response.status_code == 500
    errors = [
        line
        for line in _lines_after(path, offset)
        if line["level"] == "ERROR" and "boom in a query" in line.get("exception", "")
    ]
    assert errors and errors[0]["request_id"] == response["X-Request-ID"]
    assert "Traceback" in errors[0]["exception"]


@pytest.mark.django_db
def test_an_incoming_request_id_is_kept_only_from_a_trusted_proxy(client, settings):
    given = "lb-" + uuid.uuid4().hex
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] != given
    settings.CHENGXIN = {**settings.CHENGXIN, "TRUSTED_PROXIES": ["127.0.0.1"]}
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert (
        client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged line")["X-Request-ID"]
        != "bad id\nforged line"
    )


def test_admins_are_read_from_one_environment_variable():
    assert _admins("张三 <zhang@example.gov.cn>, ops@example.gov.cn,,nonsense") == [
        ("张三", "zhang@example.gov.cn"),
        ("ops@example.gov.cn", "ops@example.gov.cn"),
    ]


# ── backup and restore ─────────────────────────────────────────────────────────────────────


def _seed(officer, approver, unit, liaison, settings) -> tuple[Attachment, Notice]:
    """A rectification with an uploaded evidence file, and an issued notice with its PDF. The
    tests that seed are transactional (pg_dump sees only committed rows) and roll back serialized,
    so the roles the migrations create are there for the next one."""
    settings.CHENGXIN_TODAY = "2026-09-01"
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    steps.add_evidence(liaison, rectification)
    notice = notice_cases.issued(officer=officer, approver=approver, record=rectification.record)
    attachment = Attachment.objects.get()
    assert notice.sha256 and bytes(notice.pdf).startswith(b"%PDF")
    return attachment, notice


def _restore(backup_dir: Path, database_url: str, target: Path, *extra: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
        "CHENGXIN_VAR_DIR": str(target / "var"),
        "CHENGXIN_UPLOAD_ROOT": str(target / "uploads"),
        "CHENGXIN_LOG_FILE": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_dir), *extra],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_a_new_sqlite_database_and_folder(
    officer, approver, unit, liaison, issuer, settings, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip (the PostgreSQL one is below)")
    attachment, notice = _seed(officer, approver, unit, liaison, settings)
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert set(manifest["parts"]) == {"database.sqlite3", "uploads.tar"}

    target = tmp_path / "restored"
    result = _restore(tmp_path / "backup", f"sqlite:///{target / 'chengxin.sqlite3'}", target)
    assert result.returncode == 0, result.stderr
    assert "audit chain intact" in result.stdout
    assert "attachments checked: 1" in result.stdout and "restore checks passed" in result.stdout
    assert "issued notice PDFs checked: " in result.stdout

    restored = sqlite3.connect(target / "chengxin.sqlite3")
    pdf, digest = restored.execute(
        "SELECT pdf, sha256 FROM notices_notice WHERE id = ?", [notice.pk]
    ).fetchone()
    assert digest == notice.sha256 == hashlib.sha256(pdf).hexdigest()
    stored = target / "uploads" / attachment.stored_name[:2] / attachment.stored_name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == attachment.sha256
    restored.close()

    again = _restore(tmp_path / "backup", f"sqlite:///{target / 'chengxin.sqlite3'}", target)
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_tampered_attachment_is_reported_by_the_restore_checks(
    officer, approver, unit, liaison, issuer, settings, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite is enough to show the check")
    attachment, _notice = _seed(officer, approver, unit, liaison, settings)
    on_disk = Path(settings.CHENGXIN_UPLOAD_ROOT) / attachment.stored_name[:2] / attachment.stored_name
    on_disk.write_bytes(on_disk.read_bytes().replace(b"Catalog", b"Catalot"))  # same size, other bytes
    call_command("backup", str(tmp_path / "backup"))

    target = tmp_path / "restored"
    result = _restore(tmp_path / "backup", f"sqlite:///{target / 'chengxin.sqlite3'}", target)
    assert result.returncode == 1
    assert f"attachment #{attachment.pk}: file {attachment.stored_name} SHA-256 mismatch" in result.stderr
    assert "restore checks passed" not in result.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    with (tmp_path / "backup" / "uploads.tar").open("ab") as archive:
        archive.write(b"\0")
    target = tmp_path / "restored"
    result = _restore(tmp_path / "backup", f"sqlite:///{target / 'chengxin.sqlite3'}", target)
    assert result.returncode != 0
    assert "uploads.tar: SHA-256 differs from the manifest" in result.stderr
    assert not (target / "chengxin.sqlite3").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_a_new_postgresql_database(
    officer, approver, unit, liaison, issuer, settings, tmp_path
):
    import psycopg

    attachment, notice = _seed(officer, approver, unit, liaison, settings)
    call_command("backup", str(tmp_path / "backup"))
    assert "database.dump" in json.loads((tmp_path / "backup" / "manifest.json").read_text())["parts"]

    name = f"chx_ops_restored_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        target = tmp_path / "restored"
        result = _restore(tmp_path / "backup", f"{PG}/{name}", target)
        assert result.returncode == 0, result.stderr
        assert "attachments checked: 1" in result.stdout and "restore checks passed" in result.stdout
        with psycopg.connect(f"{PG}/{name}") as restored:
            pdf, digest = restored.execute(
                "SELECT pdf, sha256 FROM notices_notice WHERE id = %s", [notice.pk]
            ).fetchone()
        assert digest == notice.sha256 == hashlib.sha256(bytes(pdf)).hexdigest()
        assert (target / "uploads" / attachment.stored_name[:2] / attachment.stored_name).is_file()
        again = _restore(tmp_path / "backup", f"{PG}/{name}", target)
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
