#!/usr/bin/env python
"""Benchmark of notice rendering (issue #4, must-show 5). Not a test.

    .venv/bin/python bench/notices.py [--repeat 15] [--notices 200] [--workers 2]

1. The median time to render a 2-page 整改通知书 (N8) the way the Celery task does
   (`notices.render.notice_pdf`: template, seal, QR, safe fetcher, PDF/A-3b, JSON attachment),
   and the median for raw WeasyPrint on the same HTML in the same process
   (`HTML(string=html).write_pdf(font_config=…)`, one shared FontConfiguration), with their ratio.
   A third line shows raw WeasyPrint asked for the same PDF/A-3b output, to split our own
   overhead from the cost of PDF/A.
2. The throughput of --notices issued notices rendered and stored by --workers processes, each
   running the task body (`notices.tasks.render_notice`) as a Celery prefork child would.

Everything happens in a throw-away SQLite database under a temporary CHENGXIN_VAR_DIR, built
through the real services (draft → approve → issue); nothing else is touched.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = "2026-03-02"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="renders per median")
    parser.add_argument("--notices", type=int, default=200, help="notices for the throughput run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the throughput run")
    parser.add_argument(
        "--items", type=int, default=None, help="rectification items (default: a 2-page count)"
    )
    return parser.parse_args()


def setup_django(var_dir: str) -> None:
    os.environ["CHENGXIN_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["CHENGXIN_TODAY"] = TODAY
    os.environ.pop("DATABASE_URL", None)  # always the throw-away SQLite file under var_dir
    import django

    django.setup()


# ── data ──────────────────────────────────────────────────────────────────────────


def build_world():
    """An issuer with a seal, an officer and an approver, one record about one unit."""
    from casework.models import Organisation, Record, User
    from casework.permissions import role_groups
    from casework.roles import Role
    from notices.models import Issuer

    Issuer.objects.create(name="东莞市监察委员会", agency_code="东监", seal_image=seal_png(), is_default=True)
    unit = Organisation.objects.create(name="东莞市甲局", type="DEPARTMENT", credit_code="114419000000000001")
    users = {}
    for role in (Role.OFFICER, Role.APPROVER):
        users[role] = User.objects.create(username=role)
        users[role].groups.add(*role_groups(role))
    record = Record.objects.create(
        reference="ZWSX-2026-000001",
        subject_organisation=unit,
        source="HOTLINE",
        lead_content="未按合同约定支付工程款。",
        received_on="2026-01-05",
        fact_hash="0" * 64,
    )
    return users[Role.OFFICER], users[Role.APPROVER], record


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 0, 0, 255), width=16)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def n8_data(record, items: int) -> dict:
    """The demo 整改通知书 with `items` rectification items (the demo's, repeated if need be)."""
    from notices import samples

    data = samples.sample_data("N8")
    demo = data["items"]
    data["items"] = [{**demo[n % len(demo)]} for n in range(items)]
    data["record_number"] = record.reference
    return data


def pages_of(record, items: int) -> int:
    import datetime as dt

    from pypdf import PdfReader

    from notices import render, types

    data = n8_data(record, items)
    html = types.render_html(
        "N8", data, number="东监整改〔2026〕1号", issued_on=dt.date(2026, 3, 2), draft=False, verify_code="X"
    )
    moment = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    pdf = render.html_to_pdf(
        html, title="", author="", moment=moment, attachment_name="x.json", attachment_data={}
    )
    return len(PdfReader(io.BytesIO(pdf)).pages)


def two_page_items(record) -> int:
    """The most items that still fit on 2 pages (or, if none does, the fewest pages)."""
    counts = {items: pages_of(record, items) for items in range(1, 9)}
    fitting = [items for items, pages in counts.items() if pages == 2]
    return max(fitting) if fitting else min(counts, key=lambda items: (abs(counts[items] - 2), items))


def issue_many(officer, approver, record, data: dict, count: int) -> list[int]:
    """`count` issued N8 notices, through the services; their PDFs are left to the workers."""
    from notices import services, tasks

    tasks.render_notice.delay_on_commit = lambda notice_id: None  # the bench queues them itself
    ids = []
    for _ in range(count):
        notice = services.notice_draft(acting_user=officer, type_code="N8", record_id=record.pk, data=data)
        services.notice_approve(acting_user=approver, notice_id=notice.pk)
        ids.append(services.notice_issue(acting_user=officer, notice_id=notice.pk).pk)
    return ids


# ── 1. service path vs raw WeasyPrint ─────────────────────────────────────────────


def medians_ms(functions: dict, repeat: int) -> dict:
    """Median time of each function; the runs are interleaved so that a change of load on a
    shared machine hits every contender alike."""
    for function in functions.values():
        function()  # warm: fonts, caches
    times = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def compare(notice_id: int, repeat: int) -> dict:
    from pypdf import PdfReader
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from notices import render
    from notices.models import Notice

    notice = Notice.objects.select_related("issuer", "record").get(pk=notice_id)
    # Raw WeasyPrint has no `asset:` scheme: the same HTML, reading the same CSS from disk.
    html = render.notice_html(notice, draft=False).replace(
        'href="asset:', f'href="file://{render.ASSET_DIR}/'
    )
    raw_fonts = FontConfiguration()

    def raw(**options):
        return HTML(string=html).write_pdf(font_config=raw_fonts, **options)

    service_pdf, raw_pdf = render.notice_pdf(notice, draft=False), raw()
    functions = {
        "service": lambda: render.notice_pdf(notice, draft=False),
        "raw": raw,
        "raw_pdfa": lambda: raw(pdf_variant="pdf/a-3b"),
    }
    pages = (len(PdfReader(io.BytesIO(service_pdf)).pages), len(PdfReader(io.BytesIO(raw_pdf)).pages))
    return {"pages": pages, **medians_ms(functions, repeat)}


# ── 2. throughput through worker processes ────────────────────────────────────────


def worker_init(var_dir: str) -> None:
    setup_django(var_dir)
    from notices import render

    render.font_config()  # a worker creates its FontConfiguration once, before any task


def worker_render(notice_id: int) -> tuple[bool, float, float]:
    from notices.tasks import render_notice

    start = time.time()
    stored = render_notice(notice_id)
    return stored, start, time.time()


def throughput(var_dir: str, ids: list[int], workers: int) -> dict:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like Celery's prefork children
    started = time.time()
    with context.Pool(workers, initializer=worker_init, initargs=(var_dir,)) as pool:
        results = pool.map(worker_render, ids, chunksize=1)
    first_task, last_task = min(r[1] for r in results), max(r[2] for r in results)
    return {
        "stored": sum(r[0] for r in results),
        "startup_s": first_task - started,
        "render_s": last_task - first_task,
        "per_second": len(ids) / (last_task - first_task),
    }


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="chengxin-bench-") as var_dir:
        setup_django(var_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        officer, approver, record = build_world()
        data = n8_data(record, args.items or two_page_items(record))
        (first,) = issue_many(officer, approver, record, data, 1)
        result = compare(first, args.repeat)
        pages = result["pages"]
        items = len(data["items"])
        print(
            f"N8 整改通知书 with {items} items: {pages[0]} pages ({pages[1]} raw); median of {args.repeat} renders:"
        )
        print(f"  service path (notices.render.notice_pdf)      {result['service']:7.1f} ms")
        print(f"  raw WeasyPrint, same HTML                     {result['raw']:7.1f} ms")
        print(f"  raw WeasyPrint, same HTML, pdf/a-3b           {result['raw_pdfa']:7.1f} ms")
        print(f"  ratio service / raw                           {result['service'] / result['raw']:7.2f}")
        print(
            f"  ratio service / raw pdf/a-3b                  {result['service'] / result['raw_pdfa']:7.2f}"
        )

        ids = issue_many(officer, approver, record, data, args.notices)
        run = throughput(var_dir, ids, args.workers)
        print(f"{args.notices} notices through {args.workers} worker processes:")
        print(
            f"  stored {run['stored']} PDFs in {run['render_s']:.1f} s (+{run['startup_s']:.1f} s worker start-up)"
        )
        print(f"  throughput {run['per_second']:.2f} notices/s, {run['per_second'] * 3600:.0f} notices/hour")
        print(f"  load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
