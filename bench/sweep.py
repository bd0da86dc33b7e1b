#!/usr/bin/env python
"""Benchmark of the rectification overdue sweep (issue #3, must-show 6). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chengxin_bench .venv/bin/python bench/sweep.py \\
        [--items 10000 100000] [--repeat 3] [--keep]

For each size N: N open rectification items (10 per order, one order per record), each with
its `rectification` Deadline row, 1% of them past their deadline. On one copy of that data it
times the real sweep, `items_mark_overdue` (claim, OVERDUE→URGED, reminder deadlines, two audit
entries per item), and counts its queries; on an identical fresh copy it times one raw SQL
UPDATE marking the same rows OVERDUE. Prints both times (the median of --repeat runs, each on
fresh copies), the query count and the ratio.

The database named in DATABASE_URL is created (dropped first if it exists), migrated and used
as a template for the copies (CREATE DATABASE … TEMPLATE); every database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 10, 9)  # scenario 9: items due 2026-10-08 are overdue on 10-09
ITEMS_PER_ORDER = 10
OVERDUE_EVERY = 100  # 1%
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000], help="open items per run")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per size, each on fresh copies")
    parser.add_argument("--keep", action="store_true", help="keep the data databases (for EXPLAIN)")
    return parser.parse_args()


# ── databases ──────────────────────────────────────────────────────────────────────────


class Server:
    """Creates and drops databases beside the one named in DATABASE_URL."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.base = parts.path.lstrip("/")
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.created: list[str] = []

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(sql)

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)


def use(name: str) -> None:
    """Point Django's connection at database `name` (the next query reconnects)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


# ── data ──────────────────────────────────────────────────────────────────────────────


def build(items: int) -> None:
    """`items` open items with their deadlines, 1% due yesterday; bulk INSERTs in batches."""
    from django.contrib.contenttypes.models import ContentType

    from casework.models import Deadline, Organisation, Record, Rectification, RectificationItem, User

    officer = User.objects.create(username="bench-officer")
    units = Organisation.objects.bulk_create(
        Organisation(name=f"基准单位{n}", type="DEPARTMENT", credit_code=f"91441900{n:010d}")
        for n in range(100)
    )
    orders = items // ITEMS_PER_ORDER
    records = Record.objects.bulk_create(
        (_record(n, units[n % len(units)]) for n in range(orders)), batch_size=BATCH
    )
    rectifications = Rectification.objects.bulk_create(
        (
            Rectification(record=r, state="IN_PROGRESS", drafted_by=officer, served_on=dt.date(2026, 9, 1))
            for r in records
        ),
        batch_size=BATCH,
    )
    rows = RectificationItem.objects.bulk_create(
        (_item(r, n) for r in rectifications for n in range(1, ITEMS_PER_ORDER + 1)), batch_size=BATCH
    )
    item_type = ContentType.objects.get_for_model(RectificationItem)
    Deadline.objects.bulk_create(
        (_deadline(item, item_type, overdue=i % OVERDUE_EVERY == 0) for i, item in enumerate(rows)),
        batch_size=BATCH,
    )


def _record(n: int, unit) -> object:
    from casework.models import Record

    return Record(
        state="EFFECTIVE",
        subject_organisation=unit,
        source="HOTLINE",
        lead_content=f"基准记录 {n}",
        received_on=dt.date(2026, 1, 5),
        fact_hash=f"{n:064x}",
        category="PRM",
        domain="PROCUREMENT",
        tier="GENERAL",
    )


def _item(rectification, number: int) -> object:
    from casework.models import RectificationItem

    return RectificationItem(
        rectification=rectification,
        number=number,
        requirement="清理拖欠账款。",
        acceptance_criteria="付款凭证齐全。",
        required_evidence="付款回单。",
        period_days=30,
    )


def _deadline(item, item_type, *, overdue: bool) -> object:
    from casework.models import Deadline

    return Deadline(
        record_id=item.rectification.record_id,
        owner_type=item_type,
        owner_id=item.pk,
        kind="rectification",
        label="整改期限",
        start_on=dt.date(2026, 9, 1),
        amount=30,
        unit="d",
        due_on=dt.date(2026, 10, 8) if overdue else dt.date(2026, 11, 30),
    )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# ── measurements ───────────────────────────────────────────────────────────────────────

RAW_UPDATE = """
UPDATE casework_rectificationitem SET state = 'OVERDUE'
WHERE state IN ('OPEN', 'RETURNED') AND id IN (
    SELECT owner_id FROM casework_deadline
    WHERE owner_type_id = %s AND kind IN ('rectification', 'resubmission')
      AND status = 'OPEN' AND due_on < %s)
"""


def warm_process() -> None:
    """What a long-running worker has cached already (content types, the holiday calendar),
    outside the timings."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from casework import calendar

    ContentType.objects.get_for_models(*apps.get_models())
    calendar.add(TODAY, 1, "wd")


def measure_sweep() -> tuple[float, int, int]:
    """(seconds, queries, items changed) of the real domain function."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.services.rectification_sweeps import items_mark_overdue

    warm_process()
    connection.ensure_connection()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        changed = items_mark_overdue(TODAY)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), changed


def measure_raw() -> tuple[float, int]:
    """(seconds, rows) of one UPDATE doing only the state change, committed."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from casework.models import RectificationItem

    warm_process()
    item_type = ContentType.objects.get_for_model(RectificationItem).pk
    connection.ensure_connection()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(RAW_UPDATE, [item_type, TODAY])
        rows = cursor.rowcount
    return time.perf_counter() - start, rows


def run_size(server: Server, items: int, repeat: int, keep: bool) -> dict:
    use(server.base)  # closes the connection: a template must have none
    data = server.create(f"{server.base}_n{items}", template=server.base)
    use(data)
    started = time.perf_counter()
    build(items)
    analyze()
    built = time.perf_counter() - started
    sweeps, raws = [], []
    for _ in range(repeat):
        for name, measure, results in (("sweep", measure_sweep, sweeps), ("sql", measure_raw, raws)):
            use(server.base)
            use(server.create(f"{data}_{name}", template=data))
            results.append(measure())
            use(server.base)
            server.drop(f"{data}_{name}")
    if not keep:
        server.drop(data)
    return _summary(items, built, sweeps, raws)


def _summary(items: int, built: float, sweeps: list, raws: list) -> dict:
    sweep_runs, raw_runs = [s * 1000 for s, _, _ in sweeps], [s * 1000 for s, _ in raws]
    counts = {q for _, q, _ in sweeps}
    changed = {c for _, _, c in sweeps} | {r for _, r in raws}
    assert len(changed) == 1, f"the sweep and the UPDATE changed different numbers of rows: {changed}"
    return {
        "items": items,
        "overdue": changed.pop(),
        "built_s": built,
        "sweep_runs": sweep_runs,
        "sql_runs": raw_runs,
        "queries": counts.pop() if len(counts) == 1 else sorted(counts),
    }


def report(results: list[dict]) -> None:
    """Medians, and minimums (the least disturbed run: on a shared machine the spread is wide)."""
    print(f"\n{'items':>8} {'overdue':>8} {'queries':>8} {'':>5} {'sweep ms':>9} {'SQL ms':>8} {'ratio':>6}")
    for r in results:
        for label, pick in (("median", statistics.median), ("min", min)):
            sweep, sql = pick(r["sweep_runs"]), pick(r["sql_runs"])
            print(
                f"{r['items']:>8} {r['overdue']:>8} {r['queries']!s:>8} {label:>6} "
                f"{sweep:>9.1f} {sql:>8.1f} {sweep / sql:>6.2f}"
            )
    for r in results:
        runs = ", ".join(f"{s:.0f}/{q:.0f}" for s, q in zip(r["sweep_runs"], r["sql_runs"], strict=True))
        print(f"  {r['items']} items: runs (sweep/SQL ms) {runs}; data built in {r['built_s']:.1f} s")
    counts = {str(r["queries"]) for r in results}
    print("sweep query count constant across sizes:", "yes" if len(counts) == 1 else f"NO {sorted(counts)}")


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/chengxin_bench"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["CONN_MAX_AGE"] = "0"
    server = Server(url)
    server.create(server.base)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        results = [run_size(server, n, args.repeat, args.keep) for n in args.items]
    finally:
        use(server.base)
        from django.db import connection

        connection.close()
        for name in list(server.created):
            if not (args.keep and "_n" in name):
                server.drop(name)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
