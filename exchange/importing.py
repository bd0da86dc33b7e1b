"""Running an import: the same engine for every kind of list (exchange.importers names them).

A batch is checked or run row by row through its kind's importer:

- `check(row) -> RowCheck`: what is wrong with the row (column and message, in Chinese) and
  the cleaned values; touches nothing, so a dry run is `check` on every row;
- `apply(checked, batch, by) -> RowResult`: writes what the row says (create, update, or
  nothing when the row changes nothing), inside the chunk's transaction.

Two optional hooks let an importer work set-based: `prepare(rows, batch)` gets a chunk's raw
rows before they are checked (one query for the chunk's existing rows instead of one per
row), and `finish_chunk(batch, by)` runs after the chunk's rows were applied, inside its
transaction (one INSERT for the chunk's new rows, one audit append); a RowResult's target
and message are read as text after it. `finish_chunk` does not run in a dry run.

Rows are taken in chunks (`CHUNK`), each chunk in one transaction with its report rows and the
batch's progress, so a worker that dies loses at most the chunk it was on, and a re-run of
the batch starts after the last committed chunk. Importers are idempotent by their natural
key (USCC, ID number, work-order number), so running the same file again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casework import audit

from .models import ImportBatch, ImportRow, ImportState, RowOutcome
from .spreadsheets import SpreadsheetError, read_table

CHUNK = 200


@dataclass
class RowCheck:
    values: dict = field(default_factory=dict)
    #: [{"column": …, "message": …}]
    errors: list[dict] = field(default_factory=list)
    #: Set when the row is left out on purpose (a work order outside the filter): the reason.
    filtered: str = ""

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": str(message)})


@dataclass(frozen=True)
class RowResult:
    outcome: str
    target: str = ""
    message: str = ""


class Importer(Protocol):
    #: The columns a file must have (a missing one fails the whole file with its name).
    required_columns: tuple[str, ...]

    def check(self, row: dict[str, str], batch: ImportBatch) -> RowCheck: ...

    def apply(self, checked: RowCheck, batch: ImportBatch, by: audit.Acting) -> RowResult: ...

    # Optional: `finish(batch, by)`, called once after the last chunk of a real run.


def run(batch: ImportBatch, importer: Importer, *, by: audit.Acting, data: bytes) -> ImportBatch:
    """Check (dry run) or import every row of `data` into `batch`, chunk by chunk."""
    try:
        table = read_table(data, file_name=batch.file_name)
        missing = [c for c in importer.required_columns if c not in table.headers]
        if missing:
            raise SpreadsheetError(f"缺少必需的列：{'、'.join(missing)}")
    except SpreadsheetError as error:
        return _fail(batch, str(error))
    done = set(ImportRow.objects.filter(batch=batch).values_list("number", flat=True))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.RUNNING)
    chunk: list[tuple[int, dict]] = []
    for number, row in table.rows:
        if number in done:
            continue
        chunk.append((number, row))
        if len(chunk) >= CHUNK:
            _chunk(batch, importer, chunk, by)
            chunk = []
    if chunk:
        _chunk(batch, importer, chunk, by)
    finish = getattr(importer, "finish", None)
    if finish is not None and not batch.dry_run:
        # What only the whole file tells (an entry missing from a full list), once every
        # row is in; idempotent, as a resumed run calls it again.
        with transaction.atomic():
            finish(batch, by)
    final = ImportState.CHECKED if batch.dry_run else ImportState.DONE
    # The count made at upload may be a spreadsheet's stated range (spreadsheets.count_rows):
    # at the end the rows actually read are the 100%.
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=final, finished_at=timezone.now(), total_rows=F("processed_rows")
    )
    batch.refresh_from_db()
    return batch


def _chunk(batch: ImportBatch, importer: Importer, rows: list[tuple[int, dict]], by: audit.Acting) -> None:
    with transaction.atomic():
        if (prepare := getattr(importer, "prepare", None)) is not None:
            prepare([row for _number, row in rows], batch)
        results = [(number, _one(batch, importer, row, by)) for number, row in rows]
        if not batch.dry_run and (finish := getattr(importer, "finish_chunk", None)) is not None:
            finish(batch, by)
        # After `finish_chunk`: a target or message may name what it wrote (a row created
        # there in bulk gets its id then), so they are read as text only now.
        counts = Counter(result[0] for _number, result in results)
        report = [
            ImportRow(
                batch=batch,
                number=number,
                outcome=outcome,
                errors=errors,
                message=str(message)[:500],
                target=str(target),
            )
            for number, (outcome, errors, message, target) in results
        ]
        ImportRow.objects.bulk_create(report)
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        merged = Counter(locked.counts) + counts
        ImportBatch.objects.filter(pk=batch.pk).update(
            counts=dict(merged), processed_rows=F("processed_rows") + len(rows)
        )


def _one(batch, importer, row, by) -> tuple[str, list, str, str]:
    checked = importer.check(row, batch)
    if checked.errors:
        return RowOutcome.INVALID, checked.errors, "", ""
    if checked.filtered:
        return RowOutcome.FILTERED, [], checked.filtered, ""
    if batch.dry_run:
        return RowOutcome.VALID, [], "", ""
    result = importer.apply(checked, batch, by)
    return result.outcome, [], result.message, result.target


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportState.FAILED, error=message, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


#: kind → a function returning the importer for a batch (options such as the column map)
Factory = Callable[[ImportBatch], Importer]
