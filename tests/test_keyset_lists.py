"""Keyset pages of the portal's other long lists (portal.paging): the public list and the
system administrator's accounts walked through their own links, and every list answering a
bad cursor or an old ?page= link with its first page, never an error."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from casework.lifecycle import RecordState
from casework.models import Record
from casework.roles import Role
from portal import paging

from .factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a href="\?([^"]*)" rel="next">')
PREV = re.compile(r'<a href="\?([^"]*)" rel="prev">')


def client_for(user=None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


def walk(client, url: str, row: re.Pattern, query: str = "") -> list[list[str]]:
    """The pages from the first through 下一页; 上一页 from the last retraces them."""
    response = client.get(f"{url}?{query}")
    pages = [row.findall(response.content.decode())]
    while match := NEXT.search(response.content.decode()):
        response = client.get(f"{url}?{unescape(match.group(1))}")
        assert response.status_code == 200
        pages.append(row.findall(response.content.decode()))
    back = [pages[-1]]
    while match := PREV.search(response.content.decode()):
        response = client.get(f"{url}?{unescape(match.group(1))}")
        back.append(row.findall(response.content.decode()))
    assert back[::-1] == pages
    return pages


@pytest.fixture
def displayed(fixed_today):
    """45 records on public display, determined on 3 days (ties), and 2 not displayed."""
    units = [OrganisationFactory(name=f"东莞市{n}局") for n in range(3)]
    for n in range(47):
        LeadFactory(
            subject_organisation=units[n % 3],
            state=RecordState.EFFECTIVE,
            public=n < 45,
            tier="SERIOUS",
            category="PRM",
            determination_date=dt.date(2026, 1, 10 + n % 3),
            min_end=dt.date(2026, 7, 1),
            max_end=dt.date(2027, 1, 1),
        )
    return Record.objects.filter(public=True).order_by("-determination_date", "-pk")


PUBLIC_ROW = re.compile(r'<a href="/public/records/([^/"]+)/">')


def test_the_public_list_pages_newest_determination_first_and_keeps_the_search(displayed):
    pages = walk(client_for(), "/public/records/", PUBLIC_ROW)
    assert [len(p) for p in pages] == [20, 20, 5]
    assert [ref for page in pages for ref in page] == [r.reference for r in displayed]
    pages = walk(client_for(), "/public/records/", PUBLIC_ROW, "q=东莞市1局")
    assert [ref for page in pages for ref in page] == [
        r.reference for r in displayed if r.subject_organisation.name == "东莞市1局"
    ]


def test_the_public_list_counts_up_to_the_cap(displayed, settings):
    assert "共 45 条记录。" in client_for().get("/public/records/").content.decode()
    settings.CHENGXIN_LIST_COUNT_CAP = 40
    assert "超过 40 条记录。" in client_for().get("/public/records/").content.decode()
    assert "“东莞市1局”：共 15 条记录。" in client_for().get("/public/records/?q=东莞市1局").content.decode()


@pytest.mark.parametrize("query", ["cursor=bad", "cursor=", "page=2", "page=x", "cursor=a:b:c&page=9"])
def test_the_public_list_answers_a_bad_position_with_its_first_page(displayed, query):
    response = client_for().get(f"/public/records/?{query}")
    assert response.status_code == 200
    assert PUBLIC_ROW.findall(response.content.decode()) == [r.reference for r in displayed[:20]]


def test_the_accounts_list_pages_by_user_name(db):
    admin = UserFactory(username="sysadmin", roles=[Role.SYSTEM_ADMIN])
    for n in range(104):
        UserFactory(username=f"u{n:03d}")
    row = re.compile(r"<td>(u\d{3}|sysadmin)</td>")
    pages = walk(client_for(admin), "/system/users/", row)
    names = [name for page in pages for name in page]
    assert len(pages) == 3 and names == sorted(names) and len(names) == 105


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.OFFICER, "/work/complaints/"),
        (Role.OFFICER, "/work/commitments/"),
        (Role.OFFICER, "/work/alerts/"),
        (Role.SYSTEM_ADMIN, "/system/users/"),
        (Role.AUDIT_ADMIN, "/audit/"),
        (Role.AUDIT_ADMIN, "/audit/logins/"),
        (Role.AUDIT_ADMIN, "/audit/verify/"),
        (Role.SECURITY_ADMIN, "/security/users/"),
        (Role.OFFICER, "/work/imports/"),
    ],
)
def test_every_long_list_answers_a_bad_cursor_or_an_old_page_link_with_its_first_page(db, role, url):
    client = client_for(UserFactory(roles=[role]))
    first = client.get(url)
    assert first.status_code == 200, url
    for query in ("cursor=garbage", "page=7", f"cursor={paging.signing.dumps({'p': ['x'], 'b': 0, 'n': 2})}"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
