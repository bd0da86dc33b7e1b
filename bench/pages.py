#!/usr/bin/env python
"""Benchmark of the key pages and API lists at scale (issue 14, docs/performance.md). Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chengxin_bench_pages .venv/bin/python bench/pages.py \\
        [--records 1000000] [--units 600] [--repeat 20] [--keep] [--only cases-page1,case-500] \\
        [--explain] [--json figures.json]

1. Builds the database named in DATABASE_URL (dropped first, migrated) with --records records
   generated in SQL (bench/data.py, shared with bench/dashboard.py), and prints the time each
   table took: one time limit per record, objections, repairs, alerts; for the pages, people
   (1 per 20 records, at most 50,000, their ID numbers encrypted as casework.pii writes them;
   1 record in 20 is about one of them), 2 issued notices per record with numbers, 1 audit
   entry per record and 500 on the case B-1, a big unit for the liaison (1 record in 100
   besides its share of the --units), one user per role, and a RecordFlow process with its
   tasks for each record being verified, proposed or determined (the rows the real flow writes
   for one record, cloned; the assigned tasks spread over 200 officers). Complaints, court
   lists, commitments and self-reports are generated after them (complaints one per record,
   court-list entries 1 in 10, commitments 1 in 20, self-reports 1 in 100); assessments are
   not: that page is measured on an empty table (marked in the table). With --keep, a
   database that already holds --records generated records is reused as it is (no
   generation) and kept at the end; without it the database is dropped at the end.
2. Requests each page through the real views and middleware (django.test.Client, force_login
   as the page's role, in this process): one warm-up, then --repeat timed requests (median and
   p95; fewer, at least 3, when the warm-up says they would take more than --budget seconds),
   then one more under CaptureQueriesContext for the query count and the slowest query.
   Every answer must be 200 with the page's marker in it, or the run stops: a 403 or a redirect
   measured is worthless. Then the hand-written SQL of the same rows (connection.cursor, all of
   the page's statements fetched), median of --repeat, and the ratio. The dashboard's SQL is
   its eight figures (bench/dashboard.py), not the workbench counts beside them.
3. Prints a table (Markdown) and writes the figures as JSON with --json; --explain prints
   EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query.

Runs with the development settings (config.settings.dev) so that force_login works: the second
factor is not required outside production (CHENGXIN["SECOND_FACTOR"]["REQUIRED"]) and the bench
users' passwords are fresh (password_changed_at is now). DEBUG is forced False in the process
(the DEBUG environment variable) so that no query log or debug page skews the timings;
CHENGXIN_TODAY is fixed to the generator's date.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.data import (  # noqa: E402
    BENCH_USERS,
    BIG_CASE,
    TODAY,
    generate,
    generate_oversight,
    generate_pages,
    generate_tasks,
    page_record_columns,
)
from bench.pg import Server  # noqa: E402

Statements = list[tuple[str, list]]


@dataclass
class Facts:
    """What the pages point at, found in the database (so --keep needs nothing else)."""

    big_case: int = 0
    users: dict[str, int] = field(default_factory=dict)
    unit: int = 0
    person: int = 0
    public_reference: str = ""
    #: The deep pages: the 200th, or the last when there are fewer (25 a page; the API's 50).
    cases_deep: int = 200
    api_deep: int = 200
    #: The API's cursor to the deep page: the position of the last row of the page before it.
    api_deep_cursor: str = ""
    api_deep_after: tuple = ()
    #: The case list's keyset position after the deep page's previous rows (received_on, id)
    #: and the cursor the page's own 下一页 link would carry there (portal.paging).
    cases_deep_after: tuple = ()
    cases_deep_cursor: str = ""


@dataclass
class Page:
    name: str
    user: str  # a username of bench.data.BENCH_USERS
    path: Callable[[Facts], str]
    marker: Callable[[Facts], str]  # must be in the answer
    sql: Callable[[Facts], Statements]  # the hand-written SQL of the same rows
    #: What the bench generates for the page ("" when its rows are generated at scale).
    note: str = ""


# ── the hand-written SQL ──────────────────────────────────────────────────────────────

CASE_FROM = (
    "casework_record r LEFT JOIN casework_organisation o ON o.id = r.subject_organisation_id "
    "LEFT JOIN casework_person p ON p.id = r.subject_person_id"
)
NEXT_DUE = (
    "LEFT JOIN LATERAL (SELECT min(d.due_on) AS due FROM casework_deadline d "
    "WHERE d.record_id = r.id AND d.status = 'OPEN') nd ON true"
)
CASE_COLUMNS = "r.id, r.reference, r.state, r.received_on, r.category, r.tier, o.name, p.name, nd.due"


# The search as casework.search writes it: one bitmap scan of the records ORs the bigram
# indexes of their columns with the subjects found by name (each table through its indexes),
# then the LIKE checks the rows it gives. Parameters: search_params(word).
_UNITS = (
    "ARRAY(SELECT id FROM casework_organisation WHERE (chengxin_bigrams(name) @> chengxin_bigrams(%s) "
    "OR chengxin_bigrams(short_name) @> chengxin_bigrams(%s)) AND (upper(name) LIKE upper(%s) "
    "OR upper(short_name) LIKE upper(%s)))"
)
_PEOPLE = (
    "ARRAY(SELECT id FROM casework_person WHERE chengxin_bigrams(name) @> chengxin_bigrams(%s) "
    "AND upper(name) LIKE upper(%s))"
)
_RECORD_COLUMNS = ["r.reference", "r.facts", "r.lead_content"]
_SUBJECTS = f"r.subject_organisation_id = ANY({_UNITS}) OR r.subject_person_id = ANY({_PEOPLE})"
SEARCH = (
    "("
    + " OR ".join(f"chengxin_bigrams({c}) @> chengxin_bigrams(%s)" for c in _RECORD_COLUMNS)
    + f" OR {_SUBJECTS}) AND ("
    + " OR ".join(f"upper({c}) LIKE upper(%s)" for c in _RECORD_COLUMNS)
    + f" OR {_SUBJECTS})"
)


def search_params(word: str) -> list[str]:
    like = f"%{word}%"
    subjects = [word, word, like, like, word, like]
    return [word] * 3 + subjects + [like] * 3 + subjects


def capped_count(sql_from_where: str, params: list) -> tuple[str, list]:
    """The count a list states: exact up to CHENGXIN_LIST_COUNT_CAP, cap + 1 meaning "more"."""
    from django.conf import settings

    cap = settings.CHENGXIN_LIST_COUNT_CAP
    if not cap:
        return f"SELECT count(*) FROM {sql_from_where}", params
    return f"SELECT count(*) FROM (SELECT 1 FROM {sql_from_where} LIMIT {cap + 1}) capped", params


def case_rows(
    where: str = "TRUE", params: list | None = None, order: str = "", after: tuple = ()
) -> Statements:
    """The case list's count and its page of 25 (with each row's next time limit); `after`
    the (received_on, id) the page starts after, in the default order."""
    params = params or []
    order = order or "r.received_on DESC, r.id DESC"
    page_where = f"{where} AND (r.received_on, r.id) < (%s, %s)" if after else where
    return [
        capped_count(f"{CASE_FROM} WHERE {where}", params),
        (
            f"SELECT {CASE_COLUMNS} FROM {CASE_FROM} {NEXT_DUE} WHERE {page_where} ORDER BY {order} LIMIT 25",
            params + list(after),
        ),
    ]


def cases_by_due() -> Statements:
    """Sorted by next time limit: each case at its earliest open one, walked in due order."""
    return [
        capped_count(f"{CASE_FROM} WHERE TRUE", []),
        (
            "SELECT r.id, r.reference, r.state, r.received_on, r.category, r.tier, o.name, p.name, d.due_on "
            "FROM casework_deadline d JOIN casework_record r ON r.id = d.record_id "
            "LEFT JOIN casework_organisation o ON o.id = r.subject_organisation_id "
            "LEFT JOIN casework_person p ON p.id = r.subject_person_id "
            "WHERE d.status = 'OPEN' AND NOT EXISTS (SELECT 1 FROM casework_deadline e "
            "WHERE e.record_id = d.record_id AND e.status = 'OPEN' "
            "AND (e.due_on, e.id) < (d.due_on, d.id)) ORDER BY d.due_on, d.record_id LIMIT 25",
            [],
        ),
    ]


def api_records(after: tuple = ()) -> Statements:
    """The API's page: the 50 rows after the cursor's position (and one to know of a next)."""
    where, params = ("(r.received_on, r.id) < (%s, %s)", list(after)) if after else ("TRUE", [])
    return [
        (
            f"SELECT r.*, o.name, p.name FROM {CASE_FROM} WHERE {where} "
            "ORDER BY r.received_on DESC, r.id DESC LIMIT 51",
            params,
        ),
    ]


def public_where() -> tuple[str, list]:
    from django.conf import settings

    return (
        "r.state = 'EFFECTIVE' AND r.public AND r.max_end >= %s AND ((r.subject_person_id IS NOT NULL "
        "AND r.category = ANY(%s)) OR (r.subject_person_id IS NULL AND (r.tier <> 'MINOR' OR r.must_disclose)))",
        [TODAY, settings.CHENGXIN["PUBLIC_PERSON_CATEGORIES"]],
    )


def public_list(f: Facts) -> Statements:
    where, params = public_where()
    return [
        capped_count(f"casework_record r WHERE {where}", params),
        (
            f"SELECT r.reference, r.category, r.tier, r.determination_date, r.max_end, o.name, p.name "
            f"FROM {CASE_FROM} WHERE {where} ORDER BY r.determination_date DESC, r.id DESC LIMIT 20",
            params,
        ),
    ]


def public_detail(f: Facts) -> Statements:
    where, params = public_where()
    return [
        (
            f"SELECT r.*, o.name, p.name FROM {CASE_FROM} WHERE {where} AND r.reference = %s",
            [*params, f.public_reference],
        )
    ]


def dashboard(f: Facts) -> Statements:
    """The eight figures of bench/dashboard.py (the page's charts)."""
    from bench.dashboard import hand_written

    return list(hand_written().values())


def case_page(f: Facts) -> Statements:
    return [
        (f"SELECT r.*, o.name, p.name FROM {CASE_FROM} WHERE r.id = %s", [f.big_case]),
        ("SELECT * FROM casework_deadline WHERE record_id = %s ORDER BY due_on", [f.big_case]),
        ("SELECT * FROM casework_auditentry WHERE record_id = %s ORDER BY seq", [f.big_case]),
        (
            "SELECT id, number, type_code, state, issued_on FROM notices_notice WHERE record_id = %s",
            [f.big_case],
        ),
    ]


def unit_page(f: Facts) -> Statements:
    """Every issued notice of the unit and its records: what /unit/ lists today, unbounded."""
    return [
        (
            "SELECT n.id, n.number, n.type_code, n.issued_on, r.reference FROM notices_notice n "
            "JOIN casework_record r ON r.id = n.record_id WHERE r.subject_organisation_id = %s "
            "AND n.state IN ('ISSUED', 'SERVED') ORDER BY n.issued_on DESC NULLS LAST, n.id DESC",
            [f.unit],
        ),
        (
            "SELECT id, reference, state, received_on FROM casework_record WHERE subject_organisation_id = %s "
            "ORDER BY received_on DESC, id DESC",
            [f.unit],
        ),
    ]


def me_page(f: Facts) -> Statements:
    return [
        ("SELECT * FROM casework_person WHERE id = %s", [f.person]),
        ("SELECT * FROM casework_record WHERE subject_person_id = %s ORDER BY received_on DESC", [f.person]),
        (
            "SELECT n.id, n.number FROM notices_notice n JOIN casework_record r ON r.id = n.record_id "
            "WHERE r.subject_person_id = %s AND n.state IN ('ISSUED', 'SERVED')",
            [f.person],
        ),
    ]


def api_notices(f: Facts) -> Statements:
    return [
        (
            "SELECT n.*, r.reference, i.name FROM notices_notice n LEFT JOIN casework_record r ON r.id = n.record_id "
            "JOIN notices_issuer i ON i.id = n.issuer_id ORDER BY n.id DESC LIMIT 51",
            [],
        ),
    ]


def table_list(table: str, order: str = "id DESC", limit: int = 50) -> Callable[[Facts], Statements]:
    """A list page over a table the bench fills little or not at all: its count and first rows."""

    def sql(f: Facts) -> Statements:
        return [
            (f"SELECT count(*) FROM {table}", []),
            (f"SELECT * FROM {table} ORDER BY {order} LIMIT {limit}", []),
        ]

    return sql


TASKS = (
    "SELECT t.id, t.flow_task, t.status, t.created, r.reference, o.name, p.name, "
    "(SELECT min(d.due_on) FROM casework_deadline d WHERE d.record_id = r.id AND d.status = 'OPEN') AS due "
    "FROM viewflow_task t JOIN workflows_caseprocess c ON c.process_ptr_id = t.process_id "
    "JOIN casework_record r ON r.id = c.record_id LEFT JOIN casework_organisation o ON o.id = r.subject_organisation_id "
    "LEFT JOIN casework_person p ON p.id = r.subject_person_id WHERE t.flow_task_type = 'HUMAN' AND "
)


def inbox(role: str) -> Callable[[Facts], Statements]:
    """The user's assigned tasks and the unassigned ones of the user's role, earliest due first
    (the page's alerts and the unit's dues are not in it)."""

    def sql(f: Facts) -> Statements:
        user = f.users[f"bench-{role}"]
        return [
            (
                TASKS + "t.owner_id = %s AND t.status IN ('ASSIGNED', 'STARTED') "
                "ORDER BY due NULLS LAST, t.created, t.id",
                [user],
            ),
            (
                TASKS + "t.owner_id IS NULL AND t.status = 'NEW' AND t.owner_permission = %s "
                "ORDER BY due NULLS LAST, t.created, t.id",
                [f"casework.role_{role}"],
            ),
        ]

    return sql


def integrity(f: Facts) -> Statements:
    """The coverage table: active civil servants and their files, per unit."""
    return [
        (
            "SELECT o.id, o.name, count(p.id), count(i.id) FROM casework_person p "
            "JOIN casework_organisation o ON o.id = p.unit_id "
            "LEFT JOIN oversight_integrityfile i ON i.person_id = p.id WHERE p.is_active GROUP BY o.id, o.name "
            "ORDER BY o.name",
            [],
        )
    ]


def literal(text: str) -> Callable[[Facts], str]:
    return lambda f: text


PAGES = [
    Page("dashboard", "bench-officer", literal("/work/"), literal("echarts"), dashboard),
    Page("cases-page1", "bench-officer", literal("/work/cases/"), literal("B-"), lambda f: case_rows()),
    Page(
        "cases-deep",
        "bench-officer",
        lambda f: f"/work/cases/?cursor={quote(f.cases_deep_cursor)}",
        literal("B-"),
        lambda f: case_rows(after=f.cases_deep_after),
    ),
    Page(
        "cases-search",
        "bench-officer",
        literal("/work/cases/?q=整改"),
        literal("B-"),
        lambda f: case_rows(SEARCH, search_params("整改")),
    ),
    Page(
        "cases-search-ref",
        "bench-officer",
        literal("/work/cases/?q=b-12345"),
        literal("B-12345"),
        lambda f: case_rows(SEARCH, search_params("b-12345")),
    ),
    Page(
        "cases-unit-state",
        "bench-officer",
        lambda f: f"/work/cases/?unit={f.unit}&state=EFFECTIVE",
        literal("B-"),
        lambda f: case_rows(
            "(r.subject_organisation_id = %s OR p.unit_id = %s) AND r.state = 'EFFECTIVE'", [f.unit] * 2
        ),
    ),
    Page(
        "cases-sort-due",
        "bench-officer",
        literal("/work/cases/?sort=due"),
        literal("B-"),
        lambda f: cases_by_due(),
    ),
    Page("case-500", "bench-officer", lambda f: f"/work/cases/{f.big_case}/", literal(BIG_CASE), case_page),
    Page("inbox", "bench-officer", literal("/inbox/"), literal("失信认定"), inbox("officer")),
    Page("inbox-approver", "bench-approver", literal("/inbox/"), literal("失信认定"), inbox("approver")),
    Page("unit", "bench-liaison", literal("/unit/"), literal("东监基〔2026〕"), unit_page),
    Page("me", "bench-servant", literal("/me/"), literal("我的诚信档案"), me_page),
    Page("public-list", "", literal("/public/records/"), literal("/public/records/B-"), public_list),
    Page(
        "public-detail",
        "",
        lambda f: f"/public/records/{f.public_reference}/",
        lambda f: f.public_reference,
        public_detail,
    ),
    Page(
        "api-records",
        "bench-officer",
        literal("/api/records/"),
        literal('"results"'),
        lambda f: api_records(),
    ),
    Page(
        "api-records-deep",
        "bench-officer",
        lambda f: f"/api/records/?cursor={f.api_deep_cursor}",
        literal('"results"'),
        lambda f: api_records(f.api_deep_after),
    ),
    Page("api-notices", "bench-officer", literal("/api/notices/"), literal('"results"'), api_notices),
    Page(
        "alerts",
        "bench-officer",
        literal("/work/alerts/"),
        literal("待处理预警"),
        table_list("oversight_riskalert", "due_on, id"),
    ),
    Page(
        "assessment",
        "bench-assessor",
        literal("/work/assessment/"),
        literal("各年度考核"),
        table_list("oversight_assessment"),
        note="no rows generated",
    ),
    Page(
        "complaints",
        "bench-officer",
        literal("/work/complaints/"),
        literal("件投诉"),
        table_list("exchange_complaint", "received_on DESC, id DESC"),
    ),
    Page(
        "court",
        "bench-officer",
        literal("/work/court/"),
        literal("法院名单与文书"),
        table_list("exchange_defaulterentry"),
    ),
    Page(
        "commitments",
        "bench-officer",
        literal("/work/commitments/"),
        literal("承诺跟踪"),
        table_list("oversight_commitment", "registered_on DESC, id DESC"),
    ),
    Page(
        "integrity",
        "bench-hr",
        literal("/work/integrity/"),
        literal("建档覆盖率"),
        integrity,
    ),
    Page(
        "self-reports",
        "bench-officer",
        literal("/work/self-reports/"),
        literal("季度报告报送情况"),
        table_list("oversight_selfreport", "submitted_on DESC, id DESC"),
    ),
]


# ── the database ────────────────────────────────────────────────────────────────────


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (median, p95)")
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        help="seconds of timed requests per page at most: a slower page gets fewer than --repeat (at least 3)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database if it holds --records; keep it"
    )
    parser.add_argument(
        "--only", default="", help="page names, comma-separated: " + ", ".join(p.name for p in PAGES)
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) each page's slowest query"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    return parser.parse_args()


def generated_records(url: str) -> int | None:
    """The number of generated records in the database at `url`, None if it is not a bench
    database built to the end (no bench users) or does not exist."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM casework_record WHERE reference LIKE 'B-%%'), "
                "EXISTS (SELECT 1 FROM casework_user WHERE username = 'bench-servant')"
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row[1] else None


def build(args: argparse.Namespace, server: Server) -> dict[str, float]:
    from django.core.management import call_command

    server.create(server.base)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    times = {"migrate": time.perf_counter() - started}
    print(f"migrated in {times['migrate']:.0f} s; generating {args.records:,} records", flush=True)
    started = time.perf_counter()
    times.update(generate(args.records, args.units, page_record_columns(args.units)))
    times.update(generate_pages(args.records, args.units))
    times.update(generate_tasks())
    times.update(generate_oversight(args.records, args.units))
    times["generation"] = time.perf_counter() - started
    print(f"generated in {times['generation']:.0f} s", flush=True)
    return times


def facts() -> Facts:

    from casework.api.pagination import encode_cursor
    from casework.models import Record, User
    from oversight.statistics.caseload import cases
    from portal import paging
    from portal.public import disclosed
    from portal.workbench.filters import DEFAULT_SORT, keyset

    liaison = User.objects.get(username="bench-liaison")
    servant = User.objects.get(username="bench-servant")
    records = Record.objects.count()
    public = disclosed(today=TODAY).values_list("reference", flat=True).first()
    api_deep = min(200, math.ceil(records / 50))
    # The last row of the API's page before the deep one (row (api_deep - 1) * 50, counted from 1).
    before = Record.objects.order_by("-received_on", "-id").values_list("received_on", "id")
    api_after = before[(api_deep - 1) * 50 - 1] if api_deep > 1 else None
    # The last row before the case list's deep page, in the default order (newest received
    # first), and the cursor the 199th page's 下一页 link carries: the page the old ?page=200 showed.
    deep = min(200, math.ceil(records / 25))
    after = tuple(before[(deep - 1) * 25 - 1]) if deep > 1 else ()
    rows = cases(user=User.objects.get(username="bench-officer"), today=TODAY)
    paginator = paging.KeysetPaginator(
        paging.QuerysetSource(rows, keyset(DEFAULT_SORT)), 25, f"cases:{DEFAULT_SORT}"
    )
    cursor = paginator.cursor_at(after, number=deep) if after else ""
    return Facts(
        big_case=Record.objects.get(reference=BIG_CASE).pk,
        users=dict(User.objects.filter(username__in=BENCH_USERS).values_list("username", "pk")),
        unit=liaison.organisation_id,
        person=servant.person_id,
        public_reference=public or "",
        cases_deep=deep,
        api_deep=api_deep,
        api_deep_cursor=(
            encode_cursor("-received_on,-id", [api_after[0].isoformat(), api_after[1]]) if api_after else ""
        ),
        api_deep_after=api_after or (),
        cases_deep_after=after,
        cases_deep_cursor=cursor,
    )


# ── measuring ───────────────────────────────────────────────────────────────────────


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def client_for(username: str):
    from django.test import Client

    from casework.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


COUNT_IN_PAGE = re.compile(r"(共|超过) ([\d,]+) (?:件案件|条记录)")
COUNT_IN_API = re.compile(r'^\{"count":(\d+),')


def shown_count(body: str) -> int | None:
    """The total a list page or API list states (共 N 件案件 / 共 N 条记录 / "count"), if any;
    "超过 N" (more than the cap) as N + 1, what the capped SQL count gives."""
    match = COUNT_IN_API.match(body)
    if match:
        return int(match.group(1))
    match = COUNT_IN_PAGE.search(body)
    if not match:
        return None
    n = int(match.group(2).replace(",", ""))
    return n + 1 if match.group(1) == "超过" else n


def same_page(body: str, rows: list) -> bool | None:
    """An API list states no total (keyset pages): its page must be the SQL's rows, id for
    id, and offer a next page exactly when the SQL found one more row."""
    if not body.startswith('{"next":'):
        return None
    page = json.loads(body)
    ids = [r["id"] for r in page["results"]]
    return ids == [row[0] for row in rows[: len(ids)]] and (page["next"] is not None) == (
        len(rows) > len(ids)
    )


def get(client, path: str, page: Page, f: Facts):
    response = client.get(path)
    body = response.content.decode("utf-8", "replace")
    marker = page.marker(f)
    if response.status_code != 200 or marker not in body:
        where = response.get("Location", "")
        raise SystemExit(
            f"{page.name} {path} as {page.user or 'the public'}: {response.status_code} {where} "
            f"(marker {marker!r} {'found' if marker in body else 'missing'}): not measured\n{body[:1500]}"
        )
    return response


def measure(page: Page, f: Facts, repeat: int, explain: bool, budget: float) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(page.user)
    path = page.path(f)
    started = time.perf_counter()
    get(client, path, page, f)  # warm-up: plans, caches, the session
    warm_up = time.perf_counter() - started
    # A page slower than the budget allows gets fewer requests (at least 3), and the table says so.
    repeat = max(min(repeat, 3), min(repeat, int(budget / max(warm_up, 1e-6))))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(client, path, page, f)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        get(client, path, page, f)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"])) if queries else {"sql": "", "time": "0"}

    statements = page.sql(f)

    def raw():
        with connection.cursor() as cursor:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results

    # Where the page states a total and the SQL starts with a count, both must agree.
    body = get(client, path, page, f).content.decode()
    shown = shown_count(body)
    rows = raw()
    counted = rows[0][0][0] if statements[0][0].startswith("SELECT count(*)") else None
    same = None if shown is None or counted is None else shown == counted
    if same is None and (same := same_page(body, rows[-1])) is not None:
        shown = counted = len(json.loads(body)["results"])
    sql_times = []
    for _ in range(repeat):
        started = time.perf_counter()
        raw()
        sql_times.append(time.perf_counter() - started)
    result = {
        "page": page.name,
        "path": path,
        "requests": repeat,
        "user": page.user or "(public)",
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": p95(times) * 1000,
        "queries": len(queries),
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest_sql": slowest["sql"],
        "sql_median_ms": statistics.median(sql_times) * 1000,
        "note": page.note,
        "count": shown,
        "same_count": same,
    }
    result["ratio"] = result["median_ms"] / result["sql_median_ms"] if result["sql_median_ms"] else None
    if explain and slowest["sql"]:
        with connection.cursor() as cursor:
            # A server-side cursor (QuerySet.iterator) is explained as its SELECT.
            select = re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR ', "", slowest["sql"])
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + select)
            result["explain"] = "\n".join(row[0] for row in cursor.fetchall())
    print(
        f"  {page.name}: {repeat} requests, {result['median_ms']:.1f} ms (p95 {result['p95_ms']:.1f}), {result['queries']} queries, "
        f"slowest {result['slowest_ms']:.1f} ms; SQL {result['sql_median_ms']:.1f} ms"
        + ("" if same is None else f"; counted {shown:,}" + ("" if same else f" ≠ SQL {counted:,}")),
        flush=True,
    )
    if explain and result.get("explain"):
        print(f"    slowest query: {slowest['sql'][:2000]}\n" + result["explain"], flush=True)
    return result


def refresh_snapshot() -> None:
    """The dashboard's counts over every record, as the beat task counts them every few
    minutes (oversight.statistics.snapshot): its time is the task's, not a request's."""
    from oversight.statistics import snapshot

    started = time.perf_counter()
    snapshot.refresh()
    print(f"  dashboard snapshot refreshed in {time.perf_counter() - started:.1f} s (beat task)", flush=True)


def table(results: list[dict], records: int, repeat: int) -> str:
    from django.conf import settings

    cap = settings.CHENGXIN_LIST_COUNT_CAP or -2
    lines = [
        f"| page ({records:,} records) | as | median | p95 | queries | slowest query | hand-written SQL | ratio "
        "| same count |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] else "–"
        notes = [r["note"]] if r["note"] else []
        if r["requests"] != repeat:
            notes.append(f"{r['requests']} requests")
        note = f" ({'; '.join(notes)})" if notes else ""
        if r["same_count"] is None:
            same = "–"
        else:
            count = f"{r['count']:,}" if r["count"] != cap + 1 else f"> {cap:,}"
            same = f"yes ({count})" if r["same_count"] else "NO"
        lines.append(
            f"| {r['page']} `{r['path']}` | {r['user'].removeprefix('bench-')} | {r['median_ms']:,.1f} ms | "
            f"{r['p95_ms']:,.1f} ms | {r['queries']} | {r['slowest_ms']:,.1f} ms | {r['sql_median_ms']:,.1f} ms | "
            f"{ratio}{note} | {same} |"
        )
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "DATABASE_URL must name a PostgreSQL database, "
            "e.g. postgres://postgres@127.0.0.1:5432/chengxin_bench_pages"
        )
        return 2
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - {p.name for p in PAGES}
    if unknown:
        print(f"unknown pages: {', '.join(sorted(unknown))}")
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["CHENGXIN_TODAY"] = TODAY.isoformat()
    server = Server(url)
    kept = args.keep and generated_records(url) == args.records
    import django

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG, "the bench must run with DEBUG off"
    times: dict[str, float] = {}
    try:
        if kept:
            print(f"reusing {server.base}: {args.records:,} generated records", flush=True)
        else:
            times = build(args, server)
        f = facts()
        pages = [p for p in PAGES if not only or p.name in only]
        if any(p.name == "dashboard" for p in pages):
            refresh_snapshot()
        print(f"measuring {len(pages)} pages ({args.repeat} requests each)", flush=True)
        results = [measure(page, f, args.repeat, args.explain, args.budget) for page in pages]
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            server.drop(server.base)
    print()
    print(table(results, args.records, args.repeat))
    if times:
        print("\ngeneration: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"records": args.records, "repeat": args.repeat, "generation_s": times, "pages": results},
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0 if all(r["same_count"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
