"""The inbox page at scale: the queue is a keyset page (oldest first) whose total is counted
only up to a cap, every queued task is reachable through "下一页" exactly once, a declared
回避 conflict still hides the subject's tasks, and the page's query count does not grow with
the number of tasks. Through the page, as real users, with tasks made by the real services."""

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.models import ConflictDeclaration
from workflows import inbox

from . import lifecycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def page(user, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/inbox/{query}")
    assert response.status_code == 200
    return response.content.decode()


def queued_references(body: str, records) -> list[str]:
    """Which of `records` the queue's rows show, in the order shown (the queue comes after 待领取)."""
    queue = body.split('id="queue-title"', 1)[1]
    shown = [r.reference for r in records if f"<td>{r.reference}</td>" in queue]
    return sorted(shown, key=lambda ref: queue.index(f"<td>{ref}</td>"))


def next_query(body: str) -> str | None:
    match = re.search(r'href="(\?after=\d+)#queue-title" rel="next"', body)
    return match.group(1) if match else None


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(inbox, "PAGE_ROWS", 2)
    monkeypatch.setattr(inbox, "COUNT_CAP", 3)


_lead = itertools.count()


def proposals(officer, organisation, n: int) -> list:
    """Records proposed for approval: each one an approve_pre_notice task in the approvers' queue."""
    return [
        lifecycle.proposed(officer=officer, organisation=organisation, content=f"拖欠账款线索{next(_lead)}")
        for _ in range(n)
    ]


def test_the_queue_pages_by_age_and_reaches_every_task_once(small_pages, officer, approver, unit):
    records = proposals(officer, unit, 5)

    seen, query, pages = [], "", 0
    while query is not None:
        body = page(approver, query)
        seen += queued_references(body, records)
        query, pages = next_query(body), pages + 1

    assert seen == [r.reference for r in records]  # oldest first, each once
    assert pages == 3
    first = page(approver)
    assert "超过 3 项" in first  # 5 tasks, counted up to the cap only
    assert "回到最前" not in first and "回到最前" in page(approver, next_query(first))


def test_a_declared_conflict_hides_the_subjects_queued_tasks(officer, approver, unit, other_unit):
    mine = proposals(officer, unit, 2)
    theirs = proposals(officer, other_unit, 1)
    ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="回避")

    body = page(approver)

    assert queued_references(body, mine + theirs) == [r.reference for r in mine]
    assert theirs[0].reference not in body
    assert "共 2 项" in body


def test_the_inbox_page_runs_the_same_queries_whatever_the_queue_holds(small_pages, officer, approver, unit):
    records = proposals(officer, unit, 1)
    page(approver)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        page(approver)
    records += proposals(officer, unit, 4)
    with CaptureQueriesContext(connection) as many:
        body = page(approver)

    assert len(queued_references(body, records)) == 2
    assert len(many) == len(few)
