"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain (casework.audit) catches a careless edit only: whoever can write the tables can
also remove the last entries and move the head back, or rewrite an entry and re-hash every
entry after it with `entry_digest`. A checkpoint fixes the head (seq, hash, time) with an
HMAC-SHA256 under a key the database does not hold, on one JSON line appended to a file the
database server does not write. Any later rewrite of an entry at or before a checkpoint's seq
changes that entry's hash, and a truncation leaves the head below a checkpoint's seq: `check`
names both, and a line whose signature does not match (forged, edited) as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .audit import GENESIS, entry_digest
from .models import AuditEntry, AuditHead


class CheckpointRefused(Exception):
    """The chain no longer agrees with the last checkpoint: signing its head would vouch for
    a rewritten trail, so no checkpoint is written until the difference is explained."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    #: Its line number in the file (1-based); 0 for one not read from a file.
    line: int = 0


@dataclass
class CheckResult:
    ok: bool
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The first entry that disagrees with a checkpoint, if any.
    bad_seq: int | None = None


def path() -> Path:
    return Path(settings.CHENGXIN_AUDIT_CHECKPOINT_FILE)


def _key() -> bytes:
    configured = settings.CHENGXIN_AUDIT_CHECKPOINT_KEY
    if configured:
        return configured.encode()
    # Dev and test only (production requires the setting): SECRET_KEY lives in the settings or
    # the environment, not in the database, and is already there on every dev machine. A
    # derived key, so that a checkpoint's signature says nothing about SECRET_KEY itself.
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("CHENGXIN_AUDIT_CHECKPOINT_KEY (or SECRET_KEY) must be set.")
    return hmac.new(settings.SECRET_KEY.encode(), b"chengxin audit checkpoint", hashlib.sha256).digest()


def _signature(seq: int, digest: str, at: str) -> str:
    payload = json.dumps({"at": at, "hash": digest, "seq": seq}, sort_keys=True, separators=(",", ":"))
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def read() -> tuple[list[Checkpoint], list[int]]:
    """The file's checkpoints whose signature is valid, and the numbers of the lines that are not
    a validly signed checkpoint (forged, edited, or garbled). No file: none of either."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], []
    valid, bad = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            seq, digest, at, signature = data["seq"], data["hash"], data["at"], data["sig"]
            signed = (
                type(seq) is int
                and isinstance(digest, str)
                and isinstance(at, str)
                and isinstance(signature, str)
                and hmac.compare_digest(signature, _signature(seq, digest, at))
            )
        except (ValueError, TypeError, KeyError):
            signed = False
        if signed:
            valid.append(Checkpoint(seq, digest, at, number))
        else:
            bad.append(number)
    return valid, bad


def _head(using: str) -> tuple[int, str]:
    head = AuditHead.objects.using(using).filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


def _stored_hash(seq: int, using: str) -> str | None:
    if seq == 0:
        return GENESIS
    return AuditEntry.objects.using(using).filter(seq=seq).values_list("hash", flat=True).first()


def _walk(after: int, prev_hash: str, upto: int, upto_hash: str, using: str) -> str:
    """Why the entries after #`after` up to the head #`upto` do not form an intact chain
    from `prev_hash` to `upto_hash`; "" when they do."""
    expected = after + 1
    entries = AuditEntry.objects.using(using).filter(seq__gt=after, seq__lte=upto).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected:
            return f"entry #{expected} is missing"
        if entry.prev_hash != prev_hash or entry_digest(entry) != entry.hash:
            return f"entry #{entry.seq} was altered"
        prev_hash, expected = entry.hash, expected + 1
    if expected <= upto:
        return f"entry #{expected} is missing"
    if prev_hash != upto_hash:
        return f"the chain head #{upto} does not match entry #{upto}"
    return ""


def write(*, using: str = "default") -> Checkpoint:
    """Sign the chain's current head and append it to the file.

    Only a chain that still agrees with the last checkpoint is extended: the entry it names
    keeps its hash, and the entries since then link up to the head (a walk of those entries
    only, so a checkpoint an hour costs an hour's entries). Otherwise CheckpointRefused."""
    seq, digest = _head(using)
    valid, _bad = read()
    last = max(valid, key=lambda c: (c.seq, c.line), default=Checkpoint(0, GENESIS, ""))
    if seq < last.seq:
        raise CheckpointRefused(
            f"the chain head #{seq} is below the last checkpoint #{last.seq} (line {last.line})"
        )
    if _stored_hash(last.seq, using) != last.hash:
        raise CheckpointRefused(
            f"entry #{last.seq} disagrees with the last checkpoint (line {last.line}, {last.at})"
        )
    if problem := _walk(last.seq, last.hash, seq, digest, using):
        raise CheckpointRefused(f"{problem} since the last checkpoint #{last.seq}")
    at = timezone.now().astimezone(dt.UTC).isoformat()
    line = json.dumps(
        {"seq": seq, "hash": digest, "at": at, "sig": _signature(seq, digest, at)},
        separators=(",", ":"),
    )
    _append(line + "\n")
    return Checkpoint(seq, digest, at)


def _append(text: str) -> None:
    """One write() on an O_APPEND descriptor: concurrent writers never interleave or overwrite
    a line, and nothing already in the file is touched. fsync before returning."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    created = not target.exists()
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def check(*, using: str = "default") -> CheckResult:
    """Compare the chain with every checkpoint, in order of seq.

    A checkpoint at #N with hash H proves what the entries up to #N were; the entries between
    two checkpoints are not individually known. So when a checkpoint disagrees, the entry it
    names (#N) is reported, with the range in which the rewrite lies (after the last checkpoint
    that agrees). Checkpoints beyond the head mean the tail was removed: the first missing entry
    (head + 1) is named."""
    valid, bad = read()
    problems = [
        f"checkpoint line {number} of {path()} is forged or damaged: its signature does not match"
        for number in bad
    ]
    head_seq, _head_hash = _head(using)
    stored = dict(
        AuditEntry.objects.using(using).filter(seq__in={c.seq for c in valid}).values_list("seq", "hash")
    )
    stored[0] = GENESIS
    bad_seq, agreed = None, 0
    for checkpoint in sorted(valid, key=lambda c: (c.seq, c.line)):
        if checkpoint.seq > head_seq:
            bad_seq = head_seq + 1
            problems.append(
                f"entry #{bad_seq} is missing: checkpoint line {checkpoint.line} ({checkpoint.at}) "
                f"signed the chain up to #{checkpoint.seq}, the chain head is #{head_seq}"
            )
            break
        if stored.get(checkpoint.seq) != checkpoint.hash:
            bad_seq = checkpoint.seq
            where = (
                f"entry #{checkpoint.seq} was rewritten"
                if agreed == checkpoint.seq - 1
                else f"an entry in #{agreed + 1}–#{checkpoint.seq} was rewritten and the later ones re-hashed"
            )
            problems.append(
                f"entry #{checkpoint.seq} disagrees with checkpoint line {checkpoint.line} "
                f"({checkpoint.at}): {where}"
            )
            break
        agreed = checkpoint.seq
    return CheckResult(not problems, valid, problems, bad_seq)
