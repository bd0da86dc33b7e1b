#!/usr/bin/env python
"""Benchmark of the imports (docs/performance.md). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chengxin_bench .venv/bin/python bench/import.py \\
        [--hotline 100000] [--organisations 10000] [--repeat 3] [--format csv xlsx]

1. A 12345 export of --hotline work orders (the district's columns: 工单编号, 标题, 内容, 诉求类型,
   分类编码, 承办单位, 时限, 回访结果, 受理时间, 来电人, 联系电话), of which 5% mention a broken
   promise and pass the filter, 1% have an empty 内容, the rest are ordinary requests. It runs
   through the real import: the batch, the Celery task's body (`exchange.batches.run_queued`):
   read, check every row, filter, register the complaints that pass (each audited), one report row
   per work order, the progress bar's counter per chunk.
2. A list of --organisations units with valid 统一社会信用代码 (every 100th row names the previous
   one as its 上级单位), through the same engine with the organisation importer: check, create,
   audit.

Each is compared with a raw `COPY … FROM STDIN` of the same rows (as CSV) into a table of as many
text columns, committed, in the same run on an identical fresh database: the fastest way
PostgreSQL takes rows in. The ratio says what reading the spreadsheet, checking, filtering,
creating real objects, auditing and reporting cost on top of moving the bytes.

The database named in DATABASE_URL is created (dropped first), migrated and used as a template
for one fresh copy per measurement; every database is dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import Server, use  # noqa: E402  (after the path)

TODAY = "2026-03-02"
HOTLINE_HEADERS = [
    "工单编号",
    "标题",
    "内容",
    "诉求类型",
    "分类编码",
    "承办单位",
    "时限",
    "回访结果",
    "受理时间",
    "来电人",
    "联系电话",
]
ORG_HEADERS = ["单位名称", "简称", "统一社会信用代码", "单位类型", "上级单位", "是否有效"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hotline", type=int, default=100_000, help="work orders in the export")
    parser.add_argument("--organisations", type=int, default=10_000, help="units in the list")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each, on fresh copies")
    parser.add_argument("--format", nargs="+", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    return parser.parse_args()


# ── data ──────────────────────────────────────────────────────────────────────────────


def hotline_rows(n: int) -> list[list[str]]:
    rng = random.Random(124)
    units = ["市住房和城乡建设局", "市自然资源局", "市交通运输局", "松山湖管委会", "虎门镇人民政府"]
    rows = []
    for i in range(n):
        if i % 20 == 0:  # 5%: a broken promise, which the default keywords take
            title, content, kind = (
                "政府拖欠工程款",
                f"{units[i % 5]}拖欠我司工程款{i % 97 + 3}万元，多次催要未兑现。",
                "投诉",
            )
        else:
            title, content, kind = "路灯不亮", f"第{i}号路段路灯不亮，请尽快维修。", "求助"
        if i % 100 == 7:  # 1%: malformed, 内容 empty
            content = ""
        rows.append(
            [
                f"GD2026{i:08d}",
                title,
                content,
                kind,
                f"{rng.randint(10, 99)}{rng.randint(10, 99)}",
                units[i % 5],
                "15个工作日",
                "满意",
                f"2026-02-{(i % 27) + 1:02d}",
                "张三",
                f"1380000{i % 10000:04d}",
            ]
        )
    return rows


def organisation_rows(n: int) -> list[list[str]]:
    from casework.identifiers import org_code_check_char, uscc_check_char

    rows, previous = [], ""
    for i in range(n):
        body = f"{10_000_000 + i:08d}"
        org_code = body + org_code_check_char(body)
        first17 = "11441900" + org_code
        code = first17 + uscc_check_char(first17)
        parent = previous if i % 100 == 99 else ""
        rows.append([f"基准单位{i:05d}", f"单位{i}", code, "市直部门", parent, "是"])
        previous = code
    return rows


def as_file(headers: list[str], rows: list[list[str]], fmt: str) -> bytes:
    """The file as a person sends it: an XLSX saved by a spreadsheet program (a normal
    workbook, with its dimension written: openpyxl's write-only files lack it, and reading
    them costs an extra pass over the sheet), or a CSV with a BOM."""
    from openpyxl import Workbook

    from exchange.spreadsheets import write_csv

    if fmt == "csv":
        return write_csv(headers, rows)
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ── the measured runs ─────────────────────────────────────────────────────────────────


def run_import(kind: str, data: bytes, file_name: str) -> tuple[float, dict, int]:
    """The real import, as the Celery task runs it, timed from the batch's creation (the
    upload view counts the rows to show the progress bar's 100%) to its end."""
    from django.core.files.base import ContentFile
    from django.db import connection

    from casework import audit
    from casework.models import User
    from casework.roles import Role
    from exchange.batches import run_queued
    from exchange.models import ImportBatch
    from exchange.spreadsheets import count_rows

    user, _ = User.objects.get_or_create(username="bench-admin")
    by = audit.Acting(user, Role.CREDIT_ADMIN)
    started = time.perf_counter()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        batch = ImportBatch.objects.create(
            kind=kind,
            file_name=file_name,
            sha256="-",
            total_rows=count_rows(data, file_name=file_name),
            created_by=user,
        )
        batch.file.save(file_name, ContentFile(data), save=True)
        batch = run_queued(batch.pk, by)
    elapsed = time.perf_counter() - started
    if batch.state != "DONE":
        raise SystemExit(f"{kind}: the batch ended {batch.state}: {batch.error}")
    return elapsed, batch.counts, len(queries)


def run_copy(headers: list[str], rows: list[list[str]]) -> float:
    """A raw COPY of the same rows into a table of text columns, committed."""
    from django.db import connection, transaction

    columns = ", ".join(f"c{i} text" for i in range(len(headers)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    payload = out.getvalue()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(payload)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_copy")
        assert cursor.fetchone()[0] == len(rows)
    return elapsed


def measure(server: Server, label: str, kind: str, headers, rows, fmt: str, repeat: int) -> dict:
    from exchange.spreadsheets import read_table

    data = as_file(headers, rows, fmt)
    imports, copies, reads, counts, queries = [], [], [], {}, 0
    for n in range(repeat):
        use(server.create(f"{server.base}_{kind}_{fmt}_{n}", template=server.base))
        started = time.perf_counter()
        sum(1 for _ in read_table(data, file_name=f"{kind}.{fmt}").rows)
        reads.append(time.perf_counter() - started)
        elapsed, counts, queries = run_import(kind, data, f"{kind}.{fmt}")
        imports.append(elapsed)
        use(server.create(f"{server.base}_copy_{n}", template=server.base))
        copies.append(run_copy(headers, rows))
        use(server.base)
        server.drop(f"{server.base}_{kind}_{fmt}_{n}")
        server.drop(f"{server.base}_copy_{n}")
    imp, cop = statistics.median(imports), statistics.median(copies)
    result = {
        "label": f"{label} ({fmt}, {len(data) / 1e6:.1f} MB)",
        "rows": len(rows),
        "import_s": imp,
        "read_s": statistics.median(reads),
        "copy_s": cop,
        "rows_per_s": len(rows) / imp,
        "copy_rows_per_s": len(rows) / cop,
        "ratio": imp / cop,
        "counts": counts,
        "queries": queries,
    }
    print(
        f"{result['label']}: {len(rows):,} rows; import median {imp:.2f} s ({result['rows_per_s']:,.0f} rows/s, "
        f"{queries:,} queries; reading the file alone {result['read_s']:.2f} s), COPY median {cop:.3f} s ({result['copy_rows_per_s']:,.0f} rows/s), "
        f"ratio {result['ratio']:.0f}×; outcomes {counts}",
        flush=True,
    )
    return result


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/chengxin_bench"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["CHENGXIN_TODAY"] = TODAY
    os.environ["CONN_MAX_AGE"] = "0"
    server = Server(url)
    server.create(server.base)
    results = []
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from exchange.models import ImportKind

        hotline, organisations = hotline_rows(args.hotline), organisation_rows(args.organisations)
        runs = [
            ("12345 work orders", ImportKind.HOTLINE, HOTLINE_HEADERS, hotline),
            ("organisations", ImportKind.ORGANISATIONS, ORG_HEADERS, organisations),
        ]
        for fmt in args.format:
            for label, kind, headers, rows in runs:
                if rows:  # --hotline 0 or --organisations 0 leaves one out
                    results.append(measure(server, label, kind, headers, rows, fmt, args.repeat))
    finally:
        use(server.base)
        from django.db import connection

        connection.close()
        for name in list(server.created):
            server.drop(name)
    print()
    print("| import | rows | import (median) | rows/s | of which reading the file | raw COPY | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['label']} | {r['rows']:,} | {r['import_s']:.1f} s | {r['rows_per_s']:,.0f} | {r['read_s']:.1f} s | "
            f"{r['copy_s']:.2f} s | {r['ratio']:.0f}× |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
