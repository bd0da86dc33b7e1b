"""The demo data set with its notices (`manage.py seed_demo`).

casework.demo writes the organisations, people, accounts and cases; this package adds the
commission's issuer with a seal drawn at seed time and marked 演示 (never a real seal), and
drives every case with the notices its steps call for (notices.demo.plan): drafted by the
system, completed by the officer, approved and issued by the approver, rendered to PDF here
and served, each on its day of the case's history. Idempotent like casework.demo.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from casework import demo as casework_demo
from casework.models import Organisation

from ..models import Issuer, Notice
from ..tasks import render_notice
from .plan import NoticePlan
from .seal import demo_seal_png

__all__ = ["ISSUERS", "DemoIssuer", "Summary", "seed"]


@dataclass(frozen=True)
class DemoIssuer:
    name: str
    agency_code: str
    unit: str  # short name of its organisation in the demo tree
    contact: str
    is_default: bool = False


#: The commission issues every notice of the demo (the numbers read 东监失告〔2026〕7号).
ISSUERS = [
    DemoIssuer(
        "东莞市监察委员会",
        "东监",
        "市监委",
        "陈志明（案件管理室），联系电话：0769-22000000",
        is_default=True,
    )
]


@dataclass
class Summary(casework_demo.Summary):
    issuers: int = 0
    notices: int = 0  # issued, with their PDF

    @property
    def changed(self) -> bool:
        return super().changed or bool(self.issuers or self.notices)


def build_issuers(orgs: dict[str, Organisation]) -> int:
    """The demo issuers, found by name; an existing one is left as an administrator set it."""
    created = 0
    with transaction.atomic():
        for issuer in ISSUERS:
            _, new = Issuer.objects.get_or_create(
                name=issuer.name,
                defaults={
                    "agency_code": issuer.agency_code,
                    "organisation": orgs[issuer.unit],
                    "contact": issuer.contact,
                    "is_default": issuer.is_default,
                    "seal_image": demo_seal_png(issuer.name),
                },
            )
            created += new
    return created


@contextmanager
def rendering_here():
    """Render each PDF in this process as its notice is issued: no worker runs while the demo
    is seeded, and the queue should not hold one task per demo notice when one starts."""
    conf = render_notice.app.conf
    saved, conf.task_always_eager = conf.task_always_eager, True
    try:
        yield
    finally:
        conf.task_always_eager = saved


def seed() -> Summary:
    summary = Summary()
    ctx = casework_demo.seed_people(summary)
    summary.issuers = build_issuers(ctx.orgs)
    issued = Notice.objects.exclude(sha256="").count()
    with rendering_here():
        summary.records, summary.steps = casework_demo.build_records(ctx, NoticePlan)
    summary.notices = Notice.objects.exclude(sha256="").count() - issued
    return summary
