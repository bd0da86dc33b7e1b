"""/unit/ and /me/ read the first rows of their open-ended lists, not all of them: the unit's
items owed evidence and notices to answer (the inbox lists them all), the civil servant's
integrity summary (the full lists have the rest). Each shows the first `work.LATEST` and a
link to the rest only when there is more; on PostgreSQL the unit's latest notices have an
index in the page's own order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.unit import work

from . import lifecycle
from . import rectification_steps as steps

pytestmark = pytest.mark.django_db

INBOX = reverse("workflow-inbox-page")


@pytest.fixture(autouse=True)
def today(settings):
    settings.CHENGXIN_TODAY = "2026-09-01"


def html_of(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html: str, title_id: str) -> str:
    return re.search(rf'id="{title_id}".*?</section>', html, flags=re.S).group()


def test_the_unit_home_lists_the_first_items_owed_and_links_to_the_inbox_for_the_rest(
    monkeypatch, officer, approver, unit, liaison
):
    rectification = steps.in_progress(
        officer=officer, approver=approver, unit=unit, count=3, served_on=dt.date(2026, 8, 28)
    )
    items = list(rectification.items.order_by("number"))

    whole = section(html_of(liaison, "/unit/"), "owed-title")
    assert whole.count('<tr class="owed') == 3 and INBOX not in whole

    monkeypatch.setattr(work, "LATEST", 2)
    cut = section(html_of(liaison, "/unit/"), "owed-title")
    rows = re.findall(r'<tr class="owed.*?</tr>', cut, flags=re.S)
    shown = [reverse("unit-item-evidence", args=[item.pk]) in row for row in rows for item in items]
    assert len(rows) == 2 and shown.count(True) == 2
    assert f'href="{INBOX}"' in cut  # the rest: the inbox lists every item the unit owes
    assert html_of(liaison, INBOX).count(reverse("unit-item-evidence", args=[items[0].pk])) >= 1


def test_the_unit_home_lists_the_soonest_answers_owed_and_links_to_the_inbox(
    monkeypatch, officer, approver, unit, liaison
):
    # Two prior notices served on different days: two defence windows still open today.
    later = lifecycle.pre_notice(
        officer=officer,
        approver=approver,
        organisation=unit,
        content="甲局二案",
        served_on=dt.date(2026, 8, 31),
    )
    sooner = lifecycle.pre_notice(
        officer=officer,
        approver=approver,
        organisation=unit,
        content="甲局一案",
        served_on=dt.date(2026, 8, 28),
    )
    # Determined: its window closed with it, and it is not listed however many rows are read.
    lifecycle.determined(officer=officer, approver=approver, organisation=unit, content="甲局旧案")

    whole = section(html_of(liaison, "/unit/"), "answers-title")
    assert sooner.reference in whole and later.reference in whole and INBOX not in whole
    assert whole.index(sooner.reference) < whole.index(later.reference)

    monkeypatch.setattr(work, "LATEST", 1)
    cut = section(html_of(liaison, "/unit/"), "answers-title")
    assert sooner.reference in cut and later.reference not in cut
    assert f'href="{INBOX}"' in cut


def test_the_integrity_summary_lists_the_latest_records_and_links_to_the_rest(
    monkeypatch, officer, approver, civil_servant
):
    records = [
        lifecycle.effective(
            officer=officer, approver=approver, person=civil_servant.person, content=f"第{n}案"
        )
        for n in range(3)
    ]

    def summary() -> str:
        html = html_of(civil_servant, "/me/")
        return html.split('id="file-heading"', 1)[1].split('id="records-heading"', 1)[0]

    whole = summary()
    assert all(r.reference in whole for r in records)
    assert reverse("me-records") not in whole

    monkeypatch.setattr(work, "LATEST", 2)
    cut = summary()
    # The latest two (same determination date: the later filed), oldest of them first as before.
    assert records[0].reference not in cut
    assert cut.index(records[1].reference) < cut.index(records[2].reference)
    assert f'href="{reverse("me-records")}"' in cut
    assert all(r.reference in html_of(civil_servant, reverse("me-records")) for r in records)


def test_the_sanctions_list_answers_the_civil_servant_only(civil_servant, liaison):
    assert "对我作出的处分与问责决定" in html_of(civil_servant, reverse("me-sanctions"))
    client = Client()
    client.force_login(liaison)
    assert client.get(reverse("me-sanctions")).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's alone")
@pytest.mark.parametrize(
    "rows, index",
    [(work.unit_notices, "notice_issued_latest_nl"), (work.unit_records, "record_unit_determined_latest")],
)
def test_the_units_latest_rows_can_walk_their_postgresql_index(liaison, rows, index):
    sql, params = rows(liaison)[: work.LATEST + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is small enough to be read whole: ask for the plan with an index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


@pytest.mark.parametrize("name", ["me-home", "me-records", "me-notices", "me-sanctions"])
def test_every_list_of_the_civil_servant_is_named_by_a_heading_on_its_page(
    officer, approver, civil_servant, warned, name
):
    """A screen reader names each list by the heading its aria-labelledby points to."""
    lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person)
    html = html_of(civil_servant, reverse(name))
    named = re.findall(r'aria-labelledby="([^"]+)"', html)
    assert named and set(named) <= set(re.findall(r'\bid="([^"]+)"', html))
