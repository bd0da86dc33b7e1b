"""Counting the queries a page or API list asks, and growing its tables set-based: copies of
real rows (made through the services), inserted in one statement per table."""

from __future__ import annotations

import copy

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework import audit
from casework.models import Deadline, Record
from notices.models import Notice

from .api_fixtures import api


def page_queries(user, url: str, *, client=None) -> int:
    client = client or Client()
    if user is not None:
        client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, calendar)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def api_queries(user, url: str) -> int:
    client = api(user)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


# ── copies of real rows, one INSERT per table ────────────────────────────────────


def copies(obj, count: int, start: int, **fields) -> list:
    """`count` unsaved copies of `obj`, its unique columns made unique by the copy's number."""
    rows = []
    for n in range(start, start + count):
        row = copy.copy(obj)
        row._state = ModelState()
        row.pk = None
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if field.unique and not field.primary_key and isinstance(value, str):
                setattr(row, field.attname, f"{value[: field.max_length - 7]}~{n:06d}")
        for name, value in fields.items():
            setattr(row, name, value(n) if callable(value) else value)
        rows.append(row)
    return rows


def grow_records(record: Record, count: int, start: int) -> list[Record]:
    """`count` more records like `record`, each with copies of its own deadlines and notices."""
    records = Record.objects.bulk_create(copies(record, count, start))
    record_type = ContentType.objects.get_for_model(Record)
    deadlines, notices = [], []
    originals = list(Notice.objects.filter(record=record))
    for copied in records:
        for deadline in Deadline.objects.filter(record=record, owner_type=record_type):
            deadlines += copies(deadline, 1, copied.pk, record_id=copied.pk, owner_id=copied.pk)
        for notice in originals:
            k = 100_000 + copied.pk * 100 + len(notices) % 100  # a number of its own for each copy
            notices += copies(
                notice,
                1,
                k,
                record_id=copied.pk,
                object_id=copied.pk if notice.content_type_id == record_type.pk else notice.object_id,
                sequence=None if notice.sequence is None else k,
                verify_code=None if notice.verify_code is None else f"Q{k:09d}",
            )
    Deadline.objects.bulk_create(deadlines)
    Notice.objects.bulk_create(notices)
    return records


def count(user, url: str) -> int:
    return api_queries(user, url) if url.startswith("/api/") else page_queries(user, url)


def amend_trail(record, officer, entries: int, *, start: int = 0, names_officer: bool = True) -> None:
    """`entries` amendments of `record` in its audit trail, one INSERT: what a long-running
    case accumulates (the changed fields name a person when `names_officer`)."""
    diff = {"facts": ["旧", "新"]}
    if names_officer:
        diff = {"assigned_officer": [None, officer.pk], **diff}
    with transaction.atomic():
        audit.append_many(
            dict(
                actor=officer,
                role="officer",
                obj=record,
                action="record.amend",
                reason=f"第{n}次更正",
                diff=diff,
                record=record,
            )
            for n in range(start, start + entries)
        )
