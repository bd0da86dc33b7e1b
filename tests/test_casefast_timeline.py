"""The case page's timeline on a long-running case: the latest entries on the case page, the
whole trail a page at a time on its own page (`/work/cases/<pk>/timeline/`), nothing lost."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from casework import audit
from casework.roles import Role

from . import lifecycle
from .factories import UserFactory
from .query_counts import amend_trail, page_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

STEP = re.compile(r'<p class="reason">([^<]+)</p>')


def get(user, url: str):
    client = Client()
    client.force_login(user)
    return client.get(url)


def reasons(response) -> list[str]:
    return STEP.findall(response.content.decode())


def grow(record, officer, entries: int) -> None:
    amend_trail(record, officer, entries, names_officer=False)


@pytest.fixture(name="record")
def record_fixture(officer, approver, unit):
    return lifecycle.determined(officer=officer, approver=approver, organisation=unit)


def test_a_short_trail_is_shown_whole_without_a_link(officer, record):
    shown = get(officer, reverse("case-detail", args=[record.pk]))
    assert "登记线索" in shown.content.decode()
    assert reverse("case-timeline", args=[record.pk]) not in shown.content.decode()


def test_a_long_trail_shows_the_latest_50_oldest_first_and_links_to_all(officer, record):
    grow(record, officer, 120)
    shown = get(officer, reverse("case-detail", args=[record.pk]))
    body = shown.content.decode()
    assert reasons(shown) == [f"第{n}次更正" for n in range(70, 120)]
    assert "登记线索" not in re.search(r'<ol class="timeline">.*?</ol>', body, re.S).group(0)
    total = re.search(r"查看全部 (\d+) 条", body)
    assert total and int(total.group(1)) > 120  # the lifecycle's own steps and the 120
    assert reverse("case-timeline", args=[record.pk]) in body
    assert "仅显示最近 50 条" in body


def test_the_full_timeline_pages_through_every_entry_oldest_first(officer, record):
    grow(record, officer, 120)
    url = reverse("case-timeline", args=[record.pk])
    first = get(officer, url)
    assert first.status_code == 200
    body = first.content.decode()
    assert "登记线索" in body  # the record's first step opens the trail
    seen, response = [], first
    for _ in range(10):
        seen += reasons(response)
        following = re.search(r'href="\?cursor=([^"]+)" rel="next"', response.content.decode())
        if not following:
            break
        response = get(officer, f"{url}?cursor={following.group(1)}")
    assert [r for r in seen if r.startswith("第")] == [f"第{n}次更正" for n in range(120)]


def test_the_full_timeline_is_a_404_for_who_may_not_see_the_record(record, other_liaison):
    hidden = get(other_liaison, reverse("case-timeline", args=[record.pk]))
    assert hidden.status_code == 404 and record.reference not in hidden.content.decode()


def test_the_case_page_keeps_its_query_budget_with_a_long_trail(officer, record):
    url = reverse("case-detail", args=[record.pk])
    small = page_queries(officer, url)
    grow(record, officer, 200)
    assert page_queries(officer, url) <= small  # older entries, naming other objects, drop out


def test_a_digest_in_the_timeline_is_never_masked_as_a_telephone_number(officer, record):
    """A reader who may not see ID numbers gets free text scrubbed, but a file's SHA-256 is
    hex: a run of its digits shaped like a landline (0769…) stays as it is."""
    digest = "0e28bbb775b59d5cd45b9a2822bdd8a8158b3210d07691234567b2c2daf3c1d"
    with transaction.atomic():
        audit.append(
            audit.Acting(officer, Role.OFFICER),
            obj=record,
            action="record.amend",
            reason="附件 0769-12345678",
            diff={"sha256": ["", digest], "facts": ["旧", "电话 0769-12345678"]},
            record=record,
        )
    assessor = UserFactory(username="assessor", roles=[Role.ASSESSOR])
    html = get(assessor, reverse("case-detail", args=[record.pk])).content.decode()
    assert digest in html
    assert "0769-12345678" not in html and "固定电话号码已隐去" in html
