#!/usr/bin/env python
"""Benchmark of notice rendering (docs/performance.md). Not a test.

    .venv/bin/python bench/notices.py [--repeat 15] [--notices 200] [--workers 2] [--items 1] [--pdf FILE]

1. The median time to render a 2-page 整改通知书 (N8) the way the Celery task does
   (`notices.render.notice_pdf`: template, seal, QR, safe fetcher, PDF/A-3b, JSON attachment),
   and the median for raw WeasyPrint on the same HTML in the same process
   (`HTML(string=html).write_pdf(font_config=…)`, one shared FontConfiguration), with their ratio.
   A third line shows raw WeasyPrint asked for the same PDF/A-3b output, to split our own
   overhead from the cost of PDF/A.
2. The throughput of --notices issued notices rendered and stored by --workers processes, each
   running the task body (`notices.tasks.render_notice`) as a Celery prefork child would.

The 整改通知书 is the one the system drafts for a rectification order of --items items on a
record with a one-sentence statement of facts (the type's data builder, no hand-made data),
issued with the issuer's seal and contact. One item gives 2 pages; the run stops if the
default notice is not 2 pages. Each further item adds about 3 lines, and 2–3 lines of facts
(as in the demo's cases) push the sealed closing onto a third page: the 版头 takes the top
half of page one and the closing with its 42 mm seal and the 版记 needs about 6 lines.

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
ITEMS = 1  # the default: the 2-page 整改通知书 the issue asks for
PAGES = 2
FACTS = "该单位在政府采购合同履约中拖欠中小企业账款120万元。"
BASIS = "《保障中小企业款项支付条例》第九条"
ITEM = {
    "requirement": "足额支付拖欠的合同款120万元及逾期利息",
    "acceptance_criteria": "款项全部到账，供应商书面确认无异议",
    "required_evidence": "收款确认书、银行付款凭证",
    "period_days": 30,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="renders per median")
    parser.add_argument("--notices", type=int, default=200, help="notices for the throughput run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the throughput run")
    parser.add_argument("--items", type=int, default=ITEMS, help="rectification items (1: 2 pages)")
    parser.add_argument("--pdf", type=Path, default=None, help="also write the measured notice's PDF here")
    return parser.parse_args()


def setup_django(var_dir: str) -> None:
    os.environ["CHENGXIN_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["CHENGXIN_TODAY"] = TODAY
    os.environ.pop("DATABASE_URL", None)  # always the throw-away SQLite file under var_dir
    import django

    django.setup()


# ── data ──────────────────────────────────────────────────────────────────────────


def build_world(items: int):
    """An issuer with a seal and a contact, an officer and an approver, one record about one
    unit, and a rectification order of `items` items on it."""
    from casework.models import Organisation, Record, Rectification, RectificationItem, User
    from casework.permissions import role_groups
    from casework.roles import Role
    from notices.models import Issuer

    Issuer.objects.create(
        name="东莞市监察委员会",
        agency_code="东监",
        seal_image=seal_png(),
        contact="王五，0769-22221234",
        is_default=True,
    )
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
        facts=FACTS,
        legal_basis=BASIS,
    )
    order = Rectification.objects.create(record=record, drafted_by=users[Role.OFFICER])
    for number in range(1, items + 1):
        RectificationItem.objects.create(rectification=order, number=number, **ITEM)
    return users[Role.OFFICER], users[Role.APPROVER], order


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 0, 0, 255), width=16)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def issue_many(officer, approver, order, count: int) -> list[int]:
    """`count` issued N8 notices about `order`, drafted from the case by the type's builder,
    through the services; their PDFs are left to the workers."""
    from notices import services, tasks

    tasks.render_notice.delay_on_commit = lambda notice_id: None  # the bench queues them itself
    ids = []
    for _ in range(count):
        notice = services.notice_draft(
            acting_user=officer, type_code="N8", record_id=order.record_id, obj=order
        )
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


def contenders(notice_id: int) -> dict:
    """The service path and raw WeasyPrint on the same HTML, each a function returning PDF bytes."""
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

    return {
        "service": lambda: render.notice_pdf(notice, draft=False),
        "raw": raw,
        "raw_pdfa": lambda: raw(pdf_variant="pdf/a-3b"),
    }


def page_count(notice_id: int, save_to: Path | None = None) -> tuple[int, int]:
    """Pages of the notice's PDF through the service path, and through raw WeasyPrint."""
    from pypdf import PdfReader

    functions = contenders(notice_id)
    service_pdf, raw_pdf = functions["service"](), functions["raw"]()
    if save_to:
        save_to.write_bytes(service_pdf)
    return len(PdfReader(io.BytesIO(service_pdf)).pages), len(PdfReader(io.BytesIO(raw_pdf)).pages)


def compare(notice_id: int, repeat: int) -> dict:
    return medians_ms(contenders(notice_id), repeat)


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
        officer, approver, order = build_world(args.items)
        (first,) = issue_many(officer, approver, order, 1)
        pages = page_count(first, args.pdf)
        if args.items == ITEMS and pages != (PAGES, PAGES):
            raise SystemExit(
                f"the default 整改通知书 should be {PAGES} pages, it is {pages[0]} ({pages[1]} raw)"
            )
        result = compare(first, args.repeat)
        print(
            f"N8 整改通知书 with {args.items} item(s): {pages[0]} pages ({pages[1]} raw); "
            f"median of {args.repeat} renders:"
        )
        print(f"  service path (notices.render.notice_pdf)      {result['service']:7.1f} ms")
        print(f"  raw WeasyPrint, same HTML                     {result['raw']:7.1f} ms")
        print(f"  raw WeasyPrint, same HTML, pdf/a-3b           {result['raw_pdfa']:7.1f} ms")
        print(f"  ratio service / raw                           {result['service'] / result['raw']:7.2f}")
        print(
            f"  ratio service / raw pdf/a-3b                  {result['service'] / result['raw_pdfa']:7.2f}"
        )

        ids = issue_many(officer, approver, order, args.notices)
        run = throughput(var_dir, ids, args.workers)
        print(f"{args.notices} notices through {args.workers} worker processes:")
        print(
            f"  stored {run['stored']} PDFs in {run['render_s']:.1f} s (+{run['startup_s']:.1f} s worker start-up)"
        )
        print(f"  throughput {run['per_second']:.2f} notices/s, {run['per_second'] * 3600:.0f} notices/hour")
        print(f"  load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
