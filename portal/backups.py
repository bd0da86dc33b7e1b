"""Backup and restore of one installation: the database, the uploaded files, the audit checkpoints.

A database dump alone is not a backup of this system: evidence, objection grounds and
commitment letters are files under CHENGXIN_UPLOAD_ROOT, named in the database with their
SHA-256 (casework.Attachment); issued notices keep their PDF in the database with its SHA-256
(notices.Notice). A backup folder holds

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup),
- ``uploads.tar`` (the upload folder, paths relative to it),
- ``audit-checkpoints.jsonl`` when the setting CHENGXIN_AUDIT_CHECKPOINT_FILE names a file that exists,
- ``manifest.json``: each part's SHA-256 and size, the database vendor, when it was made.

A restore checks the manifest first (a part damaged or swapped since is refused), loads the parts
into the configured, empty database and upload folder, and then checks what was restored
(`check_restored`): the audit chain (verify_audit), every attachment's file against its stored
SHA-256, every issued notice's PDF against its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from casework.models import Attachment
from casework.uploads import stored_path
from notices.models import Notice

MANIFEST = "manifest.json"
FORMAT = 1
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
UPLOADS = "uploads.tar"
CHECKPOINTS = "audit-checkpoints.jsonl"
_CHUNK = 1024 * 1024


class BackupError(CommandError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _checkpoint_file() -> Path | None:
    name = getattr(settings, "CHENGXIN_AUDIT_CHECKPOINT_FILE", None)
    return Path(name) if name else None


def _pg_command(program: str, alias: str) -> tuple[list[str], dict]:
    db = settings.DATABASES[alias]
    args = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{option}={db[key]}")
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line, which ps shows
    return args, environment


def _run(args: list[str], environment: dict) -> None:
    result = subprocess.run(args, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}")


# ── backup ─────────────────────────────────────────────────────────────────────────────────


def backup(target: Path, *, alias: str = "default") -> dict:
    """Write a backup of the installation into `target` (absent or empty); the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(alias)
    parts = [_dump_database(target, alias, vendor), _archive_uploads(target)]
    checkpoints = _checkpoint_file()
    if checkpoints is not None and checkpoints.is_file():
        shutil.copy2(checkpoints, target / CHECKPOINTS)
        parts.append(CHECKPOINTS)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database_vendor": vendor,
        "parts": {
            name: {"sha256": sha256_of(target / name), "size": (target / name).stat().st_size}
            for name in parts
        },
    }
    (target / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _dump_database(target: Path, alias: str, vendor: str) -> str:
    if vendor == "postgresql":
        args, environment = _pg_command("pg_dump", alias)
        # One consistent snapshot (pg_dump's own transaction), the custom format pg_restore reads.
        args += ["--format=custom", f"--file={target / PG_DUMP}", settings.DATABASES[alias]["NAME"]]
        _run(args, environment)
        return PG_DUMP
    if vendor == "sqlite":
        connection = connections[alias]
        if connection.in_atomic_block:
            # sqlite3's backup would wait for our own open transaction, for ever.
            raise BackupError("a SQLite backup cannot run inside a transaction")
        connection.ensure_connection()
        # The online backup API copies a consistent state while the others keep writing (WAL).
        with sqlite3.connect(target / SQLITE_COPY) as copy:
            connection.connection.backup(copy)
        copy.close()
        return SQLITE_COPY
    raise BackupError(f"no backup for the database vendor {vendor!r}")


def _archive_uploads(target: Path) -> str:
    root = Path(settings.CHENGXIN_UPLOAD_ROOT)
    with tarfile.open(target / UPLOADS, "w") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith(".healthz-"):
                    archive.add(path, arcname=str(path.relative_to(root)), recursive=False)
    return UPLOADS


# ── restore ────────────────────────────────────────────────────────────────────────────────


def read_manifest(source: Path) -> dict:
    """The manifest, once every part it lists is there with the SHA-256 it lists."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source / MANIFEST}: not a readable backup manifest ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST}: unknown backup format {manifest.get('format')!r}")
    for name, part in manifest["parts"].items():
        path = source / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name}: listed in the manifest but missing from {source}")
        if sha256_of(path) != part["sha256"]:
            raise BackupError(f"{name}: SHA-256 differs from the manifest: damaged or replaced")
    return manifest


def restore(source: Path, *, alias: str = "default", force: bool = False) -> dict:
    manifest = read_manifest(source)
    vendor = _vendor(alias)
    if manifest["database_vendor"] != vendor:
        raise BackupError(
            f"the backup is of a {manifest['database_vendor']} database; the configured one is {vendor}"
        )
    root = Path(settings.CHENGXIN_UPLOAD_ROOT)
    checkpoints = _checkpoint_file()
    if not force:
        if CHECKPOINTS in manifest["parts"] and checkpoints is not None and checkpoints.exists():
            raise BackupError(f"{checkpoints} exists (restore into a new installation, or --force)")
        if connections[alias].introspection.table_names():
            raise BackupError("the configured database is not empty (restore into a new one, or --force)")
        if root.is_dir() and any(root.iterdir()):
            raise BackupError(f"the upload folder {root} is not empty (restore into a new one, or --force)")
    _restore_database(source, alias, vendor, force=force)
    _restore_uploads(source / UPLOADS, root)
    if CHECKPOINTS in manifest["parts"] and checkpoints is not None:
        checkpoints.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / CHECKPOINTS, checkpoints)
    return manifest


def _restore_database(source: Path, alias: str, vendor: str, *, force: bool) -> None:
    connections[alias].close()
    if vendor == "postgresql":
        args, environment = _pg_command("pg_restore", alias)
        args += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if force:
            args += ["--clean", "--if-exists"]
        args += [f"--dbname={settings.DATABASES[alias]['NAME']}", str(source / PG_DUMP)]
        _run(args, environment)
    else:
        name = Path(settings.DATABASES[alias]["NAME"])
        name.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source / SQLITE_COPY) as backup_copy, sqlite3.connect(name) as restored:
            backup_copy.backup(restored)
        backup_copy.close()
        restored.close()
    connections[alias].close()


def _restore_uploads(archive_path: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        archive.extractall(root, filter="data")  # no absolute paths, no "..", no devices


# ── checks ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class CheckReport:
    audit: str = ""
    attachments: int = 0
    notices: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_restored() -> CheckReport:
    """What a restore must prove: the audit chain intact, every file and PDF as recorded."""
    report = CheckReport()
    try:
        out = _Capture()
        call_command("verify_audit", stdout=out)
        report.audit = out.text.strip()
    except CommandError as exc:
        report.audit = str(exc)
        report.problems.append(f"audit: {exc}")
    for attachment in Attachment.objects.only("pk", "stored_name", "sha256").iterator(chunk_size=500):
        report.attachments += 1
        path = stored_path(attachment.stored_name)
        if not path.is_file():
            report.problems.append(f"attachment #{attachment.pk}: file {attachment.stored_name} missing")
        elif sha256_of(path) != attachment.sha256:
            report.problems.append(
                f"attachment #{attachment.pk}: file {attachment.stored_name} SHA-256 mismatch"
            )
    for notice in (
        Notice.objects.exclude(sha256="").only("pk", "number", "pdf", "sha256").iterator(chunk_size=50)
    ):
        report.notices += 1
        if hashlib.sha256(bytes(notice.pdf)).hexdigest() != notice.sha256:
            report.problems.append(f"notice #{notice.pk} ({notice.number}): PDF SHA-256 mismatch")
    return report


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
