"""Starting an import: the batch is created with its file at once (so the page can show it),
then checked in the request (a dry run: nothing is written but the report) or run by a worker
(exchange.tasks.run_import), which updates the progress bar as it goes.

Every import file passes the upload checks first (casework.upload_safety.check_import_file:
the virus scan, an XLSX read as a package for zip bombs and macros, no binary posing as CSV
or JSON): a refused file raises DomainError (field "file") and no batch is made."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from casework import audit, upload_safety

from .importers import IMPORTERS
from .importing import run
from .models import ImportBatch, ImportState
from .spreadsheets import SpreadsheetError, count_rows


def start(
    *, by: audit.Acting, kind: str, file_name: str, data: bytes, dry_run: bool, options: dict | None = None
) -> ImportBatch:
    upload_safety.check_import_file(data, file_name)
    try:
        total = count_rows(data, file_name=file_name)
    except SpreadsheetError:
        total = 0  # the run fails the batch with the reason
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        options=options or {},
        dry_run=dry_run,
        total_rows=total,
        created_by=by.user,
    )
    batch.file.save(file_name, ContentFile(data), save=True)
    if dry_run:
        return run(batch, IMPORTERS[kind](batch), by=by, data=data)
    from . import tasks  # the task module imports this one

    transaction.on_commit(
        lambda: tasks.run_import.delay(batch.pk, by.user.pk if by.user else None, by.role, by.ip_address)
    )
    return batch


def run_queued(batch_id: int, by: audit.Acting) -> ImportBatch:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state in (ImportState.DONE, ImportState.CHECKED, ImportState.FAILED):
        return batch  # delivered twice: done already
    with batch.file.open("rb") as file:
        data = file.read()
    return run(batch, IMPORTERS[batch.kind](batch), by=by, data=data)
