#!/usr/bin/env python
"""Benchmark of the dashboard's figures (docs/performance.md). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chengxin_bench .venv/bin/python bench/dashboard.py \\
        [--records 1000000] [--units 600] [--repeat 5] [--keep]

1. Generates --records records over --units units in SQL (`INSERT … SELECT generate_series`, not
   the ORM; bench/data.py, shared with bench/pages.py): spread over categories, tiers, states
   and the last two years; one time limit per record (a third still open, a tenth of those
   overdue), an objection on 1 record in 20, a repair application on 1 in 20, an alert on 1
   in 50. Every column the model has is filled
   (blank, false or NULL where the bench does not care), so the rows are what Django would write.
2. Times each figure's query function (oversight.statistics.registry, as an officer: every
   record, through casework.permissions.visible_records) against the hand-written SQL of the same
   figure, median of --repeat runs after one warm-up, in the same run on the same database, and
   checks both count the same.

The database named in DATABASE_URL is created (dropped first) and migrated; it is dropped at
the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import TODAY, generate  # noqa: E402  (after the path)
from bench.pg import Server  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


def hand_written() -> dict[str, tuple[str, list]]:
    """The same figures as plain SQL (the officer sees every record: no permission filter)."""
    from casework.rule_table import SUBJECT_WINDOWS
    from oversight.statistics.scope import Scope, trend_months

    first_month = trend_months(Scope(today=TODAY))[0]
    windows = list(SUBJECT_WINDOWS)
    return {
        "records-per-month": (
            "SELECT date_trunc('month', received_on), count(*) FROM casework_record "
            "WHERE received_on >= %s GROUP BY 1",
            [first_month],
        ),
        "records-by-category": (
            "SELECT category, count(*) FROM casework_record WHERE category <> '' GROUP BY 1",
            [],
        ),
        "records-by-tier": ("SELECT tier, count(*) FROM casework_record WHERE tier <> '' GROUP BY 1", []),
        "overdue-by-unit": (
            "SELECT coalesce(r.subject_organisation_id, p.unit_id), coalesce(o.name, u.name), count(*), "
            "min(d.due_on) FROM casework_deadline d JOIN casework_record r ON r.id = d.record_id "
            "LEFT JOIN casework_organisation o ON o.id = r.subject_organisation_id "
            "LEFT JOIN casework_person p ON p.id = r.subject_person_id "
            "LEFT JOIN casework_organisation u ON u.id = p.unit_id "
            "WHERE d.status = 'OPEN' AND d.due_on < %s AND NOT (d.kind = ANY(%s)) GROUP BY 1, 2",
            [TODAY, windows],
        ),
        "objections": ("SELECT state, count(*) FROM casework_objection GROUP BY 1", []),
        "repairs": ("SELECT state, count(*) FROM casework_repairapplication GROUP BY 1", []),
        "disclosure": (
            "SELECT state, public, count(*) FROM casework_record "
            "WHERE state IN ('DETERMINED', 'EFFECTIVE', 'EXPIRED', 'REPAIRED', 'REVOKED') GROUP BY 1, 2",
            [],
        ),
        "alerts": (
            "SELECT level, count(*) FROM oversight_riskalert WHERE state IN ('open', 'acknowledged') GROUP BY 1",
            [],
        ),
    }


def median_time(run, repeat: int) -> tuple[float, object]:
    result = run()  # warm-up: plans, the calendar snapshot, the user's roles
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def total_of(spec_name: str, rows) -> int:
    """The figure's count, summed: what both ways must agree on."""
    index = 2 if spec_name in ("overdue-by-unit", "disclosure") else 1
    return sum(row[index] for row in rows)


def measure(repeat: int) -> list[dict]:
    from django.contrib.auth.models import Group
    from django.db import connection

    from casework.models import User
    from casework.permissions import role_groups
    from casework.roles import Role
    from oversight.statistics.registry import COMMISSION_FIGURES
    from oversight.statistics.scope import Scope

    officer = User.objects.create(username="bench-officer")
    officer.groups.add(*role_groups(Role.OFFICER))
    officer = User.objects.get(pk=officer.pk)
    assert Group.objects.exists()
    scope = Scope(today=TODAY)
    sql = hand_written()
    results = []
    for spec in COMMISSION_FIGURES:
        if spec.name not in sql:  # about people or units (integrity files, grades): the bench makes none
            print(f"  {spec.name}: not about records, not timed here", flush=True)
            continue
        ours, table = median_time(lambda spec=spec: spec.table(user=officer, scope=scope), repeat)

        def raw(spec=spec):
            with connection.cursor() as cursor:
                cursor.execute(*sql[spec.name])
                return cursor.fetchall()

        theirs, rows = median_time(raw, repeat)
        ours_total = sum(row[1] for row in table.rows)
        theirs_total = total_of(spec.name, rows)
        results.append(
            {
                "name": spec.name,
                "ours": ours,
                "theirs": theirs,
                "ratio": ours / theirs,
                "same": ours_total == theirs_total,
                "total": ours_total,
            }
        )
        r = results[-1]
        print(
            f"  {spec.name}: query function {ours * 1000:.0f} ms, hand-written SQL {theirs * 1000:.0f} ms, "
            f"ratio {r['ratio']:.2f}; counted {ours_total:,}{'' if r['same'] else f' ≠ {theirs_total:,}'}",
            flush=True,
        )
    return results


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/chengxin_bench"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["CHENGXIN_TODAY"] = TODAY.isoformat()
    server = Server(url)
    server.create(server.base)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(
            f"migrated in {time.perf_counter() - started:.0f} s; generating {args.records:,} records",
            flush=True,
        )
        started = time.perf_counter()
        generate(args.records, args.units)
        print(
            f"generated in {time.perf_counter() - started:.0f} s; timing (median of {args.repeat})",
            flush=True,
        )
        results = measure(args.repeat)
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            server.drop(server.base)
    print()
    print(
        f"| figure ({args.records:,} records) | query function (median) | hand-written SQL (median) | ratio | same count |"
    )
    print("|---|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['name']} | {r['ours'] * 1000:.0f} ms | {r['theirs'] * 1000:.0f} ms | {r['ratio']:.2f} | "
            f"{'yes' if r['same'] else 'NO'} ({r['total']:,}) |"
        )
    return 0 if all(r["same"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
