"""The pages that list many records ask the database a fixed number of questions, however many
records there are (no query per row: the 回避 declarations, the actions of each row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import lifecycle

pytestmark = pytest.mark.django_db


def queries(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, calendar)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_records(count: int, start: int, **subject) -> None:
    for n in range(start, start + count):
        lifecycle.effective(content=f"第{n}号线索：未按约定支付款项。", **subject)


@pytest.mark.parametrize(
    ("who", "url", "subject"),
    [
        ("officer", "/work/cases/", "organisation"),
        ("liaison", "/unit/", "organisation"),
        ("civil_servant", "/me/", "person"),
    ],
)
def test_a_listing_page_does_not_ask_more_for_more_records(
    request, fixed_today, officer, approver, unit, civil_servant, who, url, subject
):
    user = request.getfixturevalue(who)
    target = {"organisation": unit} if subject == "organisation" else {"person": civil_servant.person}
    add_records(2, 0, officer=officer, approver=approver, **target)
    few = queries(user, url)
    add_records(6, 2, officer=officer, approver=approver, **target)
    assert queries(user, url) == few
