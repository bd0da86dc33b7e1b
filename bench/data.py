"""The benchmarks' data, generated in SQL (`INSERT … SELECT generate_series`, not the ORM), so a
million records take minutes: `generate` (records, time limits, objections, repairs, alerts;
bench/dashboard.py and bench/pages.py) and `generate_pages` (people, notices, audit entries and
the users the pages are measured as; bench/pages.py). Every column a model has is filled (blank,
false or NULL where the bench does not care), so the rows are what Django would write.
"""

from __future__ import annotations

import datetime as dt
import time

TODAY = dt.date(2026, 12, 7)
CATEGORIES = ["JUD", "DEF", "PEN", "DIS", "ACC", "PRM", "ONL", "RCT"]
TIERS = ["MINOR", "GENERAL", "SERIOUS"]
STATES = ["EFFECTIVE", "EFFECTIVE", "DETERMINED", "REPAIRED", "EXPIRED", "REVOKED", "PROPOSED", "VERIFYING"]
KINDS = ["objection_decide", "rectification", "repair_decide", "verification", "defence_window"]


def _pick(values: list[str], expr: str) -> str:
    items = ", ".join(f"'{v}'" for v in values)
    return f"(ARRAY[{items}])[1 + ({expr}) % {len(values)}]"


def insert_select(model, source: str, values: dict[str, str]) -> int:
    """INSERT INTO model's table (every concrete column) SELECT … FROM `source`, each column
    from `values` or else blank / false / NULL / {} as the field allows."""
    from django.db import connection, models

    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in values:
            exprs.append(values[field.name])
        elif field.null:
            exprs.append("NULL")
        elif isinstance(field, models.BooleanField):
            exprs.append("false")
        elif isinstance(field, models.JSONField):
            exprs.append("'{}'::jsonb")
        elif isinstance(field, models.BinaryField):
            exprs.append("''::bytea")
        elif isinstance(field, models.DateTimeField):
            exprs.append("now()")
        elif isinstance(field, (models.CharField, models.TextField)):
            exprs.append("''")
        elif isinstance(field, models.IntegerField):
            exprs.append("0")
        else:
            raise SystemExit(f"{model.__name__}.{field.name}: no value for the bench")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def generate(records: int, units: int, record_extra: dict[str, str] | None = None) -> dict[str, float]:
    """The records and their rows; `record_extra` adds or replaces record columns (SQL over
    `g`, the record's number; `%(org_first)s` is the id before the first generated unit)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from casework.models import Deadline, Objection, Organisation, Record, RepairApplication
    from casework.roles import Role
    from oversight.models import RiskAlert, RiskRule

    times = {}
    started = time.perf_counter()
    org_first = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_select(
        Organisation,
        f"generate_series(1, {units}) AS g",
        {"name": "'测试单位' || g", "type": "'DEPARTMENT'", "is_active": "true"},
    )
    times["units"] = time.perf_counter() - started
    owner = ContentType.objects.get_for_model(Record).pk
    rule = RiskRule.objects.create(code="bench", name="bench", level="orange", owner_role=Role.OFFICER)
    steps = [
        (
            "records",
            Record,
            f"generate_series(1, {records}) AS g",
            {
                "reference": "'B-' || g",
                "state": _pick(STATES, "g"),
                "subject_organisation": f"{org_first} + 1 + g % {units}",
                "source": "'HOTLINE'",
                "lead_content": "'线索'",
                "received_on": f"DATE '{TODAY}' - (g % 730)",
                "fact_hash": "md5(g::text)",
                "category": _pick(CATEGORIES, "g / 3"),
                "tier": _pick(TIERS, "g / 7"),
                "public": "g % 2 = 0",
                **{k: v.replace("%(org_first)s", str(org_first)) for k, v in (record_extra or {}).items()},
            },
        ),
        (
            "deadlines",
            Deadline,
            f"{Record._meta.db_table} AS r",
            {
                "record": "r.id",
                "owner_type": str(owner),
                "owner_id": "r.id",
                "kind": _pick(KINDS, "r.id / 11"),
                "label": "'期限'",
                "start_on": f"DATE '{TODAY}' - (r.id % 60)::int",
                "amount": "10",
                "unit": "'wd'",
                # A third open: of those, one in ten already past its last day.
                "due_on": f"DATE '{TODAY}' + (CASE WHEN r.id % 30 = 0 THEN -(1 + r.id % 20) ELSE 1 + r.id % 40 END)::int",
                "status": "CASE WHEN r.id % 3 = 0 THEN 'OPEN' ELSE 'MET' END",
            },
        ),
        (
            "objections",
            Objection,
            f"{Record._meta.db_table} AS r WHERE r.id % 20 = 0",
            {
                "record": "r.id",
                "state": _pick(["SUBMITTED", "ACCEPTED", "DECIDED", "CLOSED"], "r.id / 20"),
                "ground": "'FACT'",
                "statement": "'异议'",
                "fingerprint": "md5(r.id::text)",
                "filed_by": "%(user)s",
                "received_on": f"DATE '{TODAY}'",
                "created_at": "now()",
            },
        ),
        (
            "repairs",
            RepairApplication,
            f"{Record._meta.db_table} AS r WHERE r.id % 20 = 7",
            {
                "record": "r.id",
                "state": _pick(["SUBMITTED", "ACCEPTED", "GRANTED", "REFUSED"], "r.id / 20"),
                "applicant": "%(user)s",
                "submitted_on": f"DATE '{TODAY}'",
                "commitment": "'承诺'",
            },
        ),
        (
            "alerts",
            RiskAlert,
            f"{Record._meta.db_table} AS r WHERE r.id % 50 = 3",
            {
                "rule": f"'{rule.pk}'",
                "key": "'r:' || r.id",
                "level": _pick(["blue", "yellow", "orange", "red"], "r.id / 50"),
                "state": _pick(["open", "open", "acknowledged", "resolved"], "r.id / 7"),
                "owner_role": f"'{Role.OFFICER}'",
                "organisation": "r.subject_organisation_id",
                "record": "r.id",
                "summary": "'预警'",
                "raised_on": f"DATE '{TODAY}'",
            },
        ),
    ]
    from casework.models import User

    filer = User.objects.create(username="bench-filer")
    for name, model, source, values in steps:
        started = time.perf_counter()
        values = {k: v.replace("%(user)s", str(filer.pk)) for k, v in values.items()}
        count = insert_select(model, source, values)
        times[name] = time.perf_counter() - started
        print(f"  {name}: {count:,} rows in {times[name]:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["analyze"] = time.perf_counter() - started
    return times


# ── the pages' rows (bench/pages.py) ────────────────────────────────────────────────

#: Usernames of the users the pages are measured as, each with its roles.
BENCH_USERS = {
    "bench-officer": ["officer"],
    "bench-approver": ["approver"],
    "bench-credit": ["credit_admin"],
    "bench-hr": ["hr_admin"],
    "bench-assessor": ["assessor"],
    "bench-intake": ["intake_operator"],
    "bench-liaison": ["unit_liaison"],
    "bench-servant": ["civil_servant"],
}
#: The record with 500 audit entries (the case page's worst case).
BIG_CASE = "B-1"
BIG_CASE_ENTRIES = 500
NOTICES_PER_RECORD = 2
NOTICE_TYPES = ["N1", "N2", "N3", "N8", "N11", "N21"]
#: Records whose subject is a civil servant (g % 20 == PERSON_SLOT), the rest are units'.
PERSON_SLOT = 11


def page_record_columns(units: int) -> dict[str, str]:
    """Record columns the pages show that the dashboard does not need: determined, on display
    for about seven in ten (so the public list has its share), 1 in 25 about a 整改 (the
    search's word), the determining unit; and the first unit (the liaison's) has 1 record in
    100 more than its share, so /unit/ lists many notices."""
    return {
        # The liaison's unit (the first) is a big one: 1 record in 100 besides its share.
        "subject_organisation": f"%(org_first)s + 1 + CASE WHEN g % 100 = 0 THEN 0 ELSE g % {units} END",
        "facts": "CASE WHEN g % 25 = 0 THEN '逾期未完成整改，拖欠中小企业账款' ELSE '拖欠中小企业账款' END",
        "legal_basis": "'《保障中小企业款项支付条例》第九条'",
        "determining_unit": "%(org_first)s + 1",
        "determination_date": f"DATE '{TODAY}' - (g % 700)",
        "min_end": f"DATE '{TODAY}' - 300 + (g % 1000) / 2",
        "max_end": f"DATE '{TODAY}' - 300 + (g % 1000)",
        "rule_version": "'2026.1'",
    }


def id_number(n: int) -> str:
    """A valid, unique, obviously fake 18-digit number: 441900 (Dongguan), a birth date from
    1960-01-01 on, a sequence and the GB 11643 check digit."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    body = f"441900{born:%Y%m%d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _copy_people(count: int, org_first: int, units: int) -> None:
    """People: the encrypted ID columns computed in Python (casework.pii.columns), copied into
    a temporary table, then inserted like every other table."""
    from django.db import connection

    from casework import pii
    from casework.models import Person

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_pii (n int, ct text, h text, m text)")
        with cursor.cursor.copy("COPY bench_pii (n, ct, h, m) FROM STDIN") as copy:
            for n in range(1, count + 1):
                c = pii.columns(id_number(n))
                copy.write_row((n, c["id_number_ciphertext"], c["id_number_hash"], c["id_number_masked"]))
    insert_select(
        Person,
        "bench_pii AS p ORDER BY p.n",
        {
            "name": "'公务员' || p.n",
            "id_number_ciphertext": "p.ct",
            "id_number_hash": "p.h",
            "id_number_masked": "p.m",
            "unit": f"{org_first} + 1 + p.n % {units}",
            "post": "'科员'",
            "is_active": "true",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_pii")


def generate_pages(records: int, units: int) -> dict[str, float]:
    """After `generate`: people (1 per 20 records, at most 50,000; their records are 1 in 20),
    NOTICES_PER_RECORD issued notices per record with numbers, one audit entry per record and
    BIG_CASE_ENTRIES on BIG_CASE, and the BENCH_USERS (the liaison of the first unit, the civil
    servant the first person). Workflow (viewflow) tasks are not generated."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from casework.models import AuditEntry, Organisation, Person, Record, User
    from casework.permissions import role_groups
    from notices.models import Issuer, Notice

    times: dict[str, float] = {}
    org_first = Organisation.objects.get(name="测试单位1").pk - 1
    people = max(100, min(records // 20, 50_000))

    def step(name, run):
        started = time.perf_counter()
        count = run()
        times[name] = time.perf_counter() - started
        print(f"  {name}: {count:,} rows in {times[name]:.1f} s", flush=True)

    step("people", lambda: (_copy_people(people, org_first, units), people)[1])
    person_first = Person.objects.order_by("pk").values_list("pk", flat=True).first() - 1

    def to_people():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Record._meta.db_table} SET subject_organisation_id = NULL, "
                f"subject_person_id = {person_first} + 1 + (id / 20) % {people} WHERE id % 20 = {PERSON_SLOT}"
            )
            return cursor.rowcount

    step("records about people", to_people)
    issuer = Issuer.objects.create(
        name="东莞市纪委监委（基准）", agency_code="东监基", organisation_id=org_first + 1, is_default=True
    )
    step(
        "notices",
        lambda: insert_select(
            Notice,
            f"{Record._meta.db_table} AS r CROSS JOIN generate_series(1, {NOTICES_PER_RECORD}) AS k",
            {
                "type_code": _pick(NOTICE_TYPES, "r.id + k"),
                "record": "r.id",
                "issuer": str(issuer.pk),
                "state": "CASE WHEN r.id % 3 = 0 THEN 'ISSUED' ELSE 'SERVED' END",
                "number": f"'东监基〔2026〕' || ((r.id - 1) * {NOTICES_PER_RECORD} + k) || '号'",
                "year": "2026",
                "sequence": f"(r.id - 1) * {NOTICES_PER_RECORD} + k",
                "issued_on": f"DATE '{TODAY}' - (r.id % 700)::int",
                "verify_code": f"'B' || lpad(((r.id - 1) * {NOTICES_PER_RECORD} + k)::text, 15, '0')",
                "issued_at": "now()",
            },
        ),
    )
    record_type = ContentType.objects.get_for_model(Record).pk
    big = Record.objects.get(reference=BIG_CASE).pk
    # seq in insertion order; the hash chain is fake but unique (the bench never verifies it).
    source = (
        f"(SELECT rid, ref, row_number() OVER (ORDER BY rid, ref) AS n FROM "
        f"(SELECT r.id AS rid, r.reference AS ref FROM {Record._meta.db_table} AS r "
        f"UNION ALL SELECT {big}, '{BIG_CASE}' FROM generate_series(2, {BIG_CASE_ENTRIES})) AS u) AS a"
    )
    step(
        "audit entries",
        lambda: insert_select(
            AuditEntry,
            source,
            {
                "seq": "a.n",
                "created_at": f"TIMESTAMPTZ '{TODAY} 09:00+08' - (a.n % 700) * INTERVAL '1 day'",
                "actor_name": "'办案人员'",
                "actor_role": "'officer'",
                "content_type": str(record_type),
                "object_id": "a.rid::text",
                "object_repr": "a.ref",
                "record": "a.rid",
                "action": "'register_lead'",
                "reason": "'基准数据'",
                "prev_hash": "md5((a.n - 1)::text) || md5('h' || (a.n - 1)::text)",
                "hash": "md5(a.n::text) || md5('h' || a.n::text)",
            },
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_audithead SET seq = s.n, hash = md5(s.n::text) || md5('h' || s.n::text) "
            f"FROM (SELECT max(seq) AS n FROM {AuditEntry._meta.db_table}) AS s"
        )
    person = Person.objects.order_by("pk").first()
    for username, roles in BENCH_USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(*role_groups(*roles))
        if username == "bench-liaison":
            user.organisation_id = org_first + 1
        if username == "bench-servant":
            user.person = person
        user.save()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["analyze (pages)"] = time.perf_counter() - started
    return times


#: Record states with a human task in RecordFlow among those the generator uses.
TASK_STATES = ["VERIFYING", "PROPOSED", "DETERMINED"]
#: Officers the assigned tasks are spread over; bench-officer holds 1 in OFFICERS.
OFFICERS = 200
_MAX_TASKS = 10  # per process, for the cloned tasks' ids


def _clone(table: str, columns: list[str], overrides: dict[str, str], source: str) -> int:
    """INSERT INTO table every column, from `overrides` (SQL) or else the template row `tpl`."""
    from django.db import connection

    exprs = [overrides.get(c, f"tpl.{c}") for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({quoted}) SELECT {', '.join(exprs)} FROM {source}")
        return cursor.rowcount


def generate_tasks() -> dict[str, float]:
    """Workflow processes and tasks: one RecordFlow process per record in a TASK_STATES state,
    made by cloning the rows (process, its case-process and record-process rows, its tasks and
    their links) that the real flow writes for one template record of that state
    (workflows.follow.follow). The assigned tasks go to bench-officer and OFFICERS - 1 other
    officers in turn."""
    from django.db import connection

    from casework.models import Record, User
    from casework.permissions import role_groups
    from workflows.flows import RecordFlow
    from workflows.follow import follow
    from workflows.models import CaseProcess

    times: dict[str, float] = {}
    started = time.perf_counter()
    officer = User.objects.get(username="bench-officer")
    others = User.objects.bulk_create(User(username=f"bench-officer-{n}") for n in range(2, OFFICERS + 1))
    group_ids = list(role_groups("officer").values_list("pk", flat=True))
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=g) for u in others for g in group_ids
    )
    owners = "ARRAY[" + ", ".join(str(u.pk) for u in [officer, *others]) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'viewflow_process'"
        )
        process_columns = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'viewflow_task'"
        )
        task_columns = [r[0] for r in cursor.fetchall()]
    total_processes = total_tasks = 0
    for state in TASK_STATES:
        template = Record.objects.filter(state=state).order_by("pk").first()
        if template is None:
            continue
        Record.objects.filter(pk=template.pk).update(assigned_officer=officer)
        template.refresh_from_db()
        follow(RecordFlow, template, acting_user=None)
        process = CaseProcess.objects.filter(record=template).first()
        if process is None:
            print(f"  tasks: RecordFlow starts no process for a {state} record; none generated", flush=True)
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_process")
            pbase = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_task")
            tbase = cursor.fetchone()[0]
            cursor.execute("SELECT id FROM viewflow_task WHERE process_id = %s ORDER BY id", [process.pk])
            task_ids = [r[0] for r in cursor.fetchall()]
        records = f"{Record._meta.db_table} AS r WHERE r.state = '{state}' AND r.id <> {template.pk}"
        same = lambda c, pk=template.pk: f"CASE WHEN tpl.{c} = {pk} THEN r.id ELSE tpl.{c} END"  # noqa: E731
        total_processes += _clone(
            "viewflow_process",
            process_columns,
            {
                "id": f"{pbase} + r.id",
                "artifact_object_id": same("artifact_object_id"),
                "seed_object_id": same("seed_object_id"),
            },
            f"viewflow_process AS tpl, {records} AND tpl.id = {process.pk}",
        )
        _clone(
            "workflows_caseprocess",
            ["process_ptr_id", "record_id", "key"],
            {"process_ptr_id": f"{pbase} + r.id", "record_id": "r.id", "key": "'record:' || r.id"},
            f"workflows_caseprocess AS tpl, {records} AND tpl.process_ptr_id = {process.pk}",
        )
        _clone(
            "workflows_recordprocess",
            ["caseprocess_ptr_id"],
            {"caseprocess_ptr_id": f"{pbase} + r.id"},
            f"workflows_recordprocess AS tpl, {records} AND tpl.caseprocess_ptr_id = {process.pk}",
        )
        position = "CASE tpl.id " + " ".join(f"WHEN {t} THEN {j}" for j, t in enumerate(task_ids)) + " END"
        total_tasks += _clone(
            "viewflow_task",
            task_columns,
            {
                "id": f"{tbase} + r.id * {_MAX_TASKS} + {position}",
                "process_id": f"{pbase} + r.id",
                "owner_id": f"CASE WHEN tpl.owner_id IS NULL THEN NULL ELSE ({owners})[1 + r.id % {OFFICERS}] END",
                "artifact_object_id": same("artifact_object_id"),
                "seed_object_id": same("seed_object_id"),
            },
            f"viewflow_task AS tpl, {records} AND tpl.process_id = {process.pk}",
        )
        from_pos = position.replace("tpl.id", "tpl.from_task_id")
        to_pos = position.replace("tpl.id", "tpl.to_task_id")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO viewflow_task_previous (from_task_id, to_task_id) "
                f"SELECT {tbase} + r.id * {_MAX_TASKS} + {from_pos}, {tbase} + r.id * {_MAX_TASKS} + {to_pos} "
                f"FROM viewflow_task_previous AS tpl, {records} AND tpl.to_task_id = ANY(%s)",
                [task_ids],
            )
    with connection.cursor() as cursor:
        for table in ("viewflow_process", "viewflow_task"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute(
            "ANALYZE viewflow_process, viewflow_task, viewflow_task_previous, workflows_caseprocess"
        )
    times["tasks"] = time.perf_counter() - started
    print(
        f"  processes: {total_processes:,}, tasks: {total_tasks:,} rows in {times['tasks']:.1f} s", flush=True
    )
    return times


#: Per record: complaints (a city's intake runs to hundreds of thousands a year), court-list
#: entries, commitments and self-reports (1 in SELF_REPORT_EVERY records came from one).
COMPLAINTS_PER_RECORD = 1
DEFAULTERS_EVERY = 10
COMMITMENTS_EVERY = 20
SELF_REPORT_EVERY = 100
COMPLAINT_STATES = ["ACCEPTED", "CLOSED", "RETURNED", "MERGED", "ACCEPTED", "CLOSED", "RECEIVED"]
CHANNELS = ["hotline", "petition", "supervision", "sme_arrears", "credit_site", "walk_in"]
COMPLAINT_TITLES = ["拖欠中小企业账款", "未按期整改", "政策承诺未兑现", "逾期未答复", "合同未履行"]


def generate_oversight(records: int, units: int) -> dict[str, float]:
    """After `generate_pages`: the rows of the intake and oversight pages — complaints (one per
    record, spread over two years, most triaged), court-list entries (1 per DEFAULTERS_EVERY
    records, from one import batch), commitments (1 per COMMITMENTS_EVERY) and self-reports
    (each the source of one record, 1 per SELF_REPORT_EVERY)."""
    from django.db import connection

    from casework.models import Organisation, Record, User
    from exchange.models import Complaint, DefaulterEntry, ImportBatch
    from oversight.models import Commitment, SelfReport

    times: dict[str, float] = {}
    org_first = Organisation.objects.get(name="测试单位1").pk - 1
    officer = User.objects.get(username="bench-officer").pk
    liaison = User.objects.get(username="bench-liaison").pk

    def step(name, run):
        started = time.perf_counter()
        count = run()
        times[name] = time.perf_counter() - started
        print(f"  {name}: {count:,} rows in {times[name]:.1f} s", flush=True)

    step(
        "complaints",
        lambda: insert_select(
            Complaint,
            f"generate_series(1, {records * COMPLAINTS_PER_RECORD}) AS g",
            {
                "channel": _pick(CHANNELS, "g"),
                "work_order": "'GD' || lpad(g::text, 10, '0')",
                "title": _pick(COMPLAINT_TITLES, "g / 7"),
                "content": "'来件反映：' || " + _pick(COMPLAINT_TITLES, "g / 7") + " || '，请核查。'",
                "complainant_name": "'来电人' || (g % 997)",
                "organisation": f"{org_first} + 1 + g % {units}",
                "received_on": f"DATE '{TODAY}' - (g % 730)",
                "routing_due": f"DATE '{TODAY}' - (g % 730) + 3",
                "feedback_due": f"DATE '{TODAY}' - (g % 730) + 21",
                # Only the last month's complaints can still wait for triage.
                "state": f"CASE WHEN g % 730 < 30 THEN {_pick(COMPLAINT_STATES, 'g')} "
                f"ELSE {_pick(COMPLAINT_STATES[:-1], 'g')} END",
                "routed_on": f"CASE WHEN g % 730 < 30 AND g % 7 = 6 THEN NULL ELSE DATE '{TODAY}' - (g % 730) + 1 END",
                "created_by": str(officer),
            },
        ),
    )
    batch = ImportBatch.objects.create(
        kind="defaulter_list", file_name="bench.xlsx", sha256="0" * 64, state="DONE", created_by_id=officer
    )
    step(
        "court-list entries",
        lambda: insert_select(
            DefaulterEntry,
            f"generate_series(1, {max(1, records // DEFAULTERS_EVERY)}) AS g",
            {
                "match": "CASE WHEN g % 5 = 0 THEN 'STRONG' WHEN g % 5 = 1 THEN 'WEAK' ELSE 'NONE' END",
                "organisation": f"CASE WHEN g % 5 < 2 THEN {org_first} + 1 + g % {units} END",
                "case_number": "'(2026)粤1971执' || g || '号'",
                "court": "'东莞市第一人民法院'",
                "name": "'被执行人' || g",
                "status": "'LISTED'",
                "content_hash": "md5(g::text) || md5('c' || g::text)",
                "first_batch": str(batch.pk),
                "last_batch": str(batch.pk),
            },
        ),
    )
    step(
        "commitments",
        lambda: insert_select(
            Commitment,
            f"generate_series(1, {max(1, records // COMMITMENTS_EVERY)}) AS g",
            {
                "promisor": f"{org_first} + 1 + g % {units}",
                "counterparty_name": "'企业' || g",
                "type": _pick(["investment", "policy", "contract", "public"], "g"),
                "document_title": "'招商引资协议' || g",
                "obligations": "'按期兑现扶持资金'",
                "state": _pick(["in_force", "in_force", "performed", "changed", "breached"], "g / 3"),
                "registered_on": f"DATE '{TODAY}' - (g % 1460)",
                "registered_by": str(officer),
            },
        ),
    )
    # The reported documents became leads: one record each, of the reporting unit.
    step(
        "self-reports",
        lambda: insert_select(
            SelfReport,
            f"{Record._meta.db_table} AS r WHERE r.id % {SELF_REPORT_EVERY} = 7 "
            "AND r.subject_organisation_id IS NOT NULL",
            {
                "organisation": "r.subject_organisation_id",
                "kind": _pick(["judgment", "penalty", "other"], "r.id"),
                "document_number": "'（2026）粤1971民初' || r.id || '号'",
                "number_key": "'(2026)粤1971民初' || r.id || '号'",
                "issuing_body": "'东莞市第一人民法院'",
                "received_on": "r.received_on - 10",
                "summary": "'判决书'",
                "submitted_by": str(liaison),
                "submitted_on": "r.received_on",
                "due_on": "r.received_on + 5",
                "late": "false",
                "record": "r.id",
            },
        ),
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    times["analyze (oversight)"] = time.perf_counter() - started
    return times
