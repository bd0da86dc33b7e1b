#!/usr/bin/env python
"""Benchmark of the rectification overdue sweep (docs/performance.md). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chengxin_bench .venv/bin/python bench/sweep.py \\
        [--items 10000 100000] [--late orders scattered] [--repeat 3] [--keep]

For each size N and each distribution of the late items: N open rectification items (10 per
order, one order per EFFECTIVE record, 100 units), each with its `rectification` Deadline row,
1% of them past their deadline (`--late`: whole orders, or one item in each of 10% of the
orders), an active default issuer and an audit chain already started, as in any deployment.

On one copy of that data it times the real sweep, `items_mark_overdue` (what the beat task
runs: claim FOR UPDATE SKIP LOCKED, OPEN → URGED, the missed deadlines CANCELLED, the reminder
deadlines opened, one audit entry per order), counts its queries, then times the drafting of
the 整改逾期催办函 that the beat task runs next in its own transaction
(`notices.overdue_reminders.draft_overdue_reminders`, one letter per order). On an identical fresh copy
it times one raw SQL UPDATE marking the same rows OVERDUE, committed. Prints the median and the
minimum of --repeat runs (each on fresh copies), the query counts and the ratio sweep / UPDATE.

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import Server, use  # noqa: E402  (after the path)

TODAY = dt.date(2026, 10, 9)  # scenario 9: items due 2026-10-08 are overdue on 10-09
ITEMS_PER_ORDER = 10
OVERDUE_EVERY = 100  # 1%
#: Which items are late (1% either way). Items of an order are issued together with the same
#: default period (DOMAIN §6.3: 30 days, complex items up to 60) and submitted together, so an
#: order is normally late as a whole: "orders" (every 100th order, all its items). "scattered",
#: one late item in each of 10% of the orders, is the worst case for the per-order audit entries.
LATE = {
    "orders": lambda i: (i // ITEMS_PER_ORDER) % OVERDUE_EVERY == 0,
    "scattered": lambda i: i % OVERDUE_EVERY == 0,
}
BATCH = 5000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000], help="open items per run")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per size, each on fresh copies")
    parser.add_argument("--keep", action="store_true", help="keep the data databases (for EXPLAIN)")
    parser.add_argument(
        "--late",
        choices=sorted(LATE),
        nargs="+",
        default=["orders", "scattered"],
        help="which 1%% of the items is late: whole orders, or one item in each of 10%% of the orders",
    )
    return parser.parse_args()


# ── data ──────────────────────────────────────────────────────────────────────────────


def build(items: int, late: str) -> None:
    """`items` open items with their deadlines, 1% due yesterday; bulk INSERTs in batches."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from casework import audit
    from casework.models import Deadline, Organisation, Record, Rectification, RectificationItem, User
    from notices.models import Issuer

    officer = User.objects.create(username="bench-officer")
    Issuer.objects.create(name="东莞市监察委员会", agency_code="东监", is_default=True)
    with transaction.atomic():  # a deployed database has an audit chain (its head row) already
        audit.append(audit.SYSTEM, obj=officer, action="bench.build")
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
        (_deadline(item, item_type, overdue=LATE[late](i)) for i, item in enumerate(rows)),
        batch_size=BATCH,
    )


def _record(n: int, unit) -> object:
    from casework.models import Record

    return Record(
        reference=f"ZWSX-2026-{n + 1:06d}",
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


def measure_sweep() -> tuple[float, int, int, float, int, int]:
    """(seconds, queries, items changed) of the real domain function, then the same of the
    drafting of the letters, which the beat task runs after it."""
    from django.db import connection

    from casework.services.rectification.sweeps import items_mark_overdue
    from notices.overdue_reminders import draft_overdue_reminders

    warm_process()
    connection.ensure_connection()
    return (*_timed(items_mark_overdue), *_timed(draft_overdue_reminders))


def _timed(sweep) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        changed = sweep(TODAY)
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


def run_size(server: Server, items: int, late: str, repeat: int, keep: bool) -> dict:
    use(server.base)  # closes the connection: a template must have none
    data = server.create(f"{server.base}_n{items}_{late}", template=server.base)
    use(data)
    started = time.perf_counter()
    build(items, late)
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
    return _summary(items, late, built, sweeps, raws)


def _summary(items: int, late: str, built: float, sweeps: list, raws: list) -> dict:
    changed = {run[2] for run in sweeps} | {rows for _, rows in raws}
    assert len(changed) == 1, f"the sweep and the UPDATE changed different numbers of rows: {changed}"
    overdue, orders = changed.pop(), overdue_orders(sweeps)
    return {
        "items": items,
        "late": late,
        "overdue": overdue,
        "orders": orders,
        "built_s": built,
        "sweep_runs": [run[0] * 1000 for run in sweeps],
        "sql_runs": [seconds * 1000 for seconds, _ in raws],
        "queries": _one({run[1] for run in sweeps}),
        "draft_runs": [run[3] * 1000 for run in sweeps],
        "draft_queries": _one({run[4] for run in sweeps}),
    }


def overdue_orders(sweeps: list) -> int:
    """The number of late orders: one letter each, drafted after every run."""
    letters = {run[5] for run in sweeps}
    assert len(letters) == 1, f"different numbers of letters drafted: {letters}"
    return letters.pop()


def _one(values: set):
    return values.pop() if len(values) == 1 else sorted(values)


def report(results: list[dict]) -> None:
    """Medians, and minimums (the least disturbed run: on a shared machine the spread is wide)."""
    print(
        f"\n{'items':>8} {'late':>9} {'overdue':>8} {'orders':>7} {'queries':>8} {'':>6} "
        f"{'sweep ms':>9} {'SQL ms':>8} {'ratio':>6}   {'N11 ms':>7} {'N11 q':>6}"
    )
    for r in results:
        for label, pick in (("median", statistics.median), ("min", min)):
            sweep, sql, draft = pick(r["sweep_runs"]), pick(r["sql_runs"]), pick(r["draft_runs"])
            print(
                f"{r['items']:>8} {r['late']:>9} {r['overdue']:>8} {r['orders']:>7} {r['queries']!s:>8} "
                f"{label:>6} {sweep:>9.1f} {sql:>8.1f} {sweep / sql:>6.2f}   {draft:>7.1f} {r['draft_queries']!s:>6}"
            )
    for r in results:
        runs = ", ".join(f"{s:.0f}/{q:.0f}" for s, q in zip(r["sweep_runs"], r["sql_runs"], strict=True))
        print(
            f"  {r['items']} items, {r['late']}: runs (sweep/SQL ms) {runs}; data built in {r['built_s']:.1f} s"
        )
    counts = {str(r["queries"]) for r in results}
    drafts = {str(r["draft_queries"]) for r in results}
    print("sweep query count constant across sizes:", "yes" if len(counts) == 1 else f"NO {sorted(counts)}")
    print("N11 drafting query count constant:", "yes" if len(drafts) == 1 else f"NO {sorted(drafts)}")


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
        results = [
            run_size(server, n, late, args.repeat, args.keep) for late in args.late for n in args.items
        ]
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
