"""Keyset pages of the case list (portal.paging): every sort walked page by page through the
view's own 下一页 / 上一页 / 首页 links, with filters kept, equal sort keys (ties) neither
repeated nor skipped, bad cursors and old ?page= links answered with the first page, counts
capped, and a crafted cursor never reaching rows of someone else."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from casework.lifecycle import RecordState
from casework.models import Deadline, Record
from casework.models.records import DeadlineStatus
from casework.roles import Role
from casework.rule_table import SUBJECT_WINDOWS
from portal import paging
from portal.workbench.filters import keyset

from .factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/work/cases/"
PER_PAGE = 25
ROW = re.compile(r'<td class="ref"[^>]*><a href="[^"]+">([^<]+)</a>')
LINK = re.compile(r'<a href="\?([^"]*)" rel="(first|prev|next)">')
TODAY = dt.date(2026, 2, 2)
WINDOW = sorted(SUBJECT_WINDOWS)[0]
STATES = [RecordState.LEAD, RecordState.DETERMINED, RecordState.EFFECTIVE]


@pytest.fixture
def world(fixed_today, officer):
    """63 cases: received on 4 dates, in 3 states, due on 3 dates (some with two time
    limits, one with only a lapsed window of the subject's own), a third with nothing due."""
    units = [OrganisationFactory(name="东莞市甲局"), OrganisationFactory(name="东莞市乙局")]
    intake = UserFactory(username="intake", roles=[Role.INTAKE_OPERATOR])
    other_intake = UserFactory(username="intake2", roles=[Role.INTAKE_OPERATOR])
    kind = ContentType.objects.get_for_model(Record)
    for n in range(63):
        record = LeadFactory(
            subject_organisation=units[n % 2],
            received_on=dt.date(2026, 1, 5 + n % 4),
            state=STATES[n % 3],
            lead_content=f"线索{n}：{'整改' if n % 5 == 0 else '合同'}",
            created_by=intake if n % 7 == 0 else other_intake if n % 7 == 1 else officer,
        )
        dues = []
        if n % 3:
            dues.append(("a", dt.date(2026, 2, 3 + n % 3)))
        if n % 4 == 0:
            dues.append(("b", dt.date(2026, 2, 4)))
        if n == 9:
            dues.append((WINDOW, dt.date(2026, 1, 20)))  # lapsed: not running
        for code, due_on in dues:
            Deadline.objects.create(
                record=record,
                owner_type=kind,
                owner_id=record.pk,
                kind=code,
                label="期限",
                start_on=dt.date(2026, 1, 1),
                amount=10,
                unit="WD",
                due_on=due_on,
                status=DeadlineStatus.OPEN,
            )
    Deadline.objects.create(  # a closed time limit never counts
        record=Record.objects.order_by("pk").last(),
        owner_type=kind,
        owner_id=0,
        kind="closed",
        label="期限",
        start_on=dt.date(2026, 1, 1),
        amount=1,
        unit="WD",
        due_on=dt.date(2026, 1, 2),
        status=DeadlineStatus.MET,
    )
    return {"intake": intake, "other_intake": other_intake}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return ROW.findall(response.content.decode())


def links(response) -> dict[str, str]:
    return {rel: html.unescape(query) for query, rel in LINK.findall(response.content.decode())}


def next_due(record: Record):
    running = [
        d.due_on
        for d in record.deadlines.all()
        if d.status == DeadlineStatus.OPEN and (d.kind not in SUBJECT_WINDOWS or d.due_on >= TODAY)
    ]
    return min(running, default=None)


LIFECYCLE = {value: n for n, value in enumerate(RecordState.values)}
SORTS = {
    "-received": lambda r: (r.received_on, r.pk),
    "received": lambda r: (r.received_on, r.pk),
    "reference": lambda r: (r.reference, r.pk),
    "-reference": lambda r: (r.reference, r.pk),
    "state": lambda r: (LIFECYCLE[r.state], r.pk),
    "-state": lambda r: (LIFECYCLE[r.state], r.pk),
}


def expected(sort: str, records) -> list[str]:
    records = list(records)
    if sort.lstrip("-") == "due":
        due = [r for r in records if next_due(r)]
        nothing = [r for r in records if not next_due(r)]
        reverse = sort.startswith("-")
        due.sort(key=lambda r: (next_due(r), r.pk), reverse=reverse)
        nothing.sort(key=lambda r: r.pk, reverse=reverse)
        return [r.reference for r in due + nothing]
    ordered = sorted(records, key=SORTS[sort], reverse=sort.startswith("-"))
    return [r.reference for r in ordered]


def walk(client, query: str) -> tuple[list[list[str]], list]:
    """Every page from the first through 下一页, then back through 上一页: the pages seen going
    forwards, and the responses."""
    response = client.get(f"{LIST}?{query}")
    pages, responses = [rows(response)], [response]
    while "next" in links(response):
        response = client.get(f"{LIST}?{links(response)['next']}")
        pages.append(rows(response))
        responses.append(response)
    back = [rows(response)]
    while "prev" in links(response):
        response = client.get(f"{LIST}?{links(response)['prev']}")
        back.append(rows(response))
    assert back[::-1] == pages  # 上一页 retraces the same pages
    return pages, responses


@pytest.mark.parametrize("sort", [*SORTS, "due", "-due"])
def test_every_sort_pages_forwards_and_back_without_repeating_or_skipping_a_case(world, officer, sort):
    pages, responses = walk(client_for(officer), f"sort={sort}")
    assert [len(p) for p in pages] == [25, 25, 13]
    assert [row for page in pages for row in page] == expected(sort, Record.objects.all())
    last = responses[-1].content.decode()
    assert "第 3 页" in last and 'rel="next"' not in last
    assert links(responses[-1])["first"] == f"sort={sort}"  # 首页: the filters, no position


def test_the_default_order_is_newest_received_first(world, officer):
    pages, _ = walk(client_for(officer), "")
    assert [row for page in pages for row in page] == expected("-received", Record.objects.all())


@pytest.mark.parametrize("sort", ["due", "-received", "state"])
def test_the_links_keep_the_filters_and_the_sort(world, officer, sort):
    unit = Record.objects.order_by("pk").first().subject_organisation_id
    query = f"unit={unit}&q=线索&sort={sort}"
    pages, responses = walk(client_for(officer), query)
    kept = Record.objects.filter(subject_organisation_id=unit, lead_content__contains="线索")
    assert len(pages) == 2
    assert [row for page in pages for row in page] == expected(sort, kept)
    for response in responses:
        for target in links(response).values():
            assert f"unit={unit}" in target and f"sort={sort}" in target and "q=%E7%BA%BF%E7%B4%A2" in target
        # The bulk form's round trip carries the filters, never a position.
        hidden = re.search(r'name="query" value="([^"]*)"', response.content.decode()).group(1)
        assert "cursor" not in hidden and f"sort={sort}" in html.unescape(hidden)


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "", "eyJwIjpbXX0:1abc:def", "%00%ff"],
)
def test_a_bad_cursor_gives_the_first_page(world, officer, cursor):
    client = client_for(officer)
    first = rows(client.get(LIST, {"sort": "due"}))
    response = client.get(LIST, {"sort": "due", "cursor": cursor})
    assert rows(response) == first
    if cursor:
        assert "翻页链接无效或已过期，现显示第一页。" in response.content.decode()


def test_a_cursor_of_another_sort_or_an_edited_one_gives_the_first_page(world, officer):
    client = client_for(officer)
    second = links(client.get(LIST, {"sort": "received"}))["next"]
    cursor = re.search(r"cursor=([^&]+)", second).group(1)
    first_by_due = rows(client.get(LIST, {"sort": "due"}))
    assert rows(client.get(f"{LIST}?sort=due&cursor={cursor}")) == first_by_due
    edited = cursor.replace(cursor[5], "A" if cursor[5] != "A" else "B", 1)
    response = client.get(f"{LIST}?sort=received&cursor={edited}")
    assert rows(response) == rows(client.get(LIST, {"sort": "received"}))


def test_an_old_page_link_opens_the_first_page(world, officer):
    client = client_for(officer)
    for page in ("3", "200", "x", "-1"):
        response = client.get(LIST, {"page": page, "sort": "reference"})
        assert rows(response) == expected("reference", Record.objects.all())[:PER_PAGE]
        assert "page=" not in "".join(links(response).values())


@pytest.mark.parametrize("sort", ["-received", "due", "reference"])
def test_a_crafted_cursor_reaches_only_the_users_own_cases(world, sort):
    """The intake operator sees the leads they registered: a cursor positioned anywhere in the
    commission's list (signed as the server would) still lists theirs only."""
    intake = world["intake"]
    own = Record.objects.filter(created_by=intake)
    everyone = expected(sort, Record.objects.all())
    keys = (
        keyset(sort)
        if sort != "due"
        else (paging.Key("next_due", nullable=True, kind=dt.date), paging.Key("pk"))
    )
    paginator = paging.KeysetPaginator(
        paging.QuerysetSource(Record.objects.all(), keys), PER_PAGE, f"cases:{sort}"
    )
    client = client_for(intake)
    seen = set()
    for reference in everyone[::7]:
        record = Record.objects.get(reference=reference)
        position = (next_due(record) if sort == "due" else getattr(record, keys[0].name), record.pk)
        cursor = paginator.cursor_at(position, number=2)
        seen.update(rows(client.get(LIST, {"sort": sort, "cursor": cursor})))
    assert seen and seen <= {r.reference for r in own}
    pages, _ = walk(client, f"sort={sort}")
    assert [row for page in pages for row in page] == expected(sort, own)


def test_counts_are_exact_up_to_the_cap_and_bounded_beyond(world, officer, settings):
    client = client_for(officer)
    assert "共 63 件案件。 第 1 页。" in client.get(LIST).content.decode()
    assert "共 13 件案件。" in client.get(LIST, {"q": "整改"}).content.decode()
    settings.CHENGXIN_LIST_COUNT_CAP = 50
    assert "超过 50 件案件。" in client.get(LIST).content.decode()
    assert "共 13 件案件。" in client.get(LIST, {"q": "整改"}).content.decode()
    settings.CHENGXIN_LIST_COUNT_CAP = 0
    assert "共 63 件案件。" in client.get(LIST).content.decode()


def test_a_later_page_asks_no_more_queries_than_the_first(world, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)
    counts = []
    for sort in ("-received", "due"):
        client.get(LIST, {"sort": sort})
        with CaptureQueriesContext(connection) as first:
            response = client.get(LIST, {"sort": sort})
        with CaptureQueriesContext(connection) as second:
            client.get(f"{LIST}?{links(response)['next']}")
        counts.append((len(first), len(second)))
    # By next time limit, a page that runs on into the cases with nothing due asks twice more
    # (their ids, then their rows): still a fixed number, whatever the page.
    (received, received_next), (due, due_next) = counts
    assert received == received_next and due <= due_next <= due + 2, counts


def test_a_bad_date_leaves_the_sort_and_its_pages(world, officer):
    pages, _ = walk(client_for(officer), "sort=due&due_after=2026-13-01")
    assert [row for page in pages for row in page] == expected("due", Record.objects.all())
