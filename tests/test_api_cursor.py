"""Keyset pagination of the API lists (casework.api.pagination), through the API as real users:
following `next` and then `previous` meets every visible row once, in the list's order, with
ties in the ordering's first column; filters travel in the links; a cursor, even crafted,
only positions within what the user sees; a cursor the list did not write is a 400."""

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from casework.api.pagination import KeysetPagination
from casework.models import Record
from casework.roles import Role
from casework.services import records as records_svc
from tests import lifecycle
from tests.api_fixtures import api
from tests.factories import LeadFactory, UserFactory

DAYS = [dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2026, 1, 7)]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(KeysetPagination, "page_size", 3)


def walk(client, url, params=None):
    """Follow `next` from the first page: the pages' ids and the last answer."""
    pages = []
    body = client.get(url, params).json()
    pages.append([r["id"] for r in body["results"]])
    assert body["previous"] is None
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append([r["id"] for r in body["results"]])
    return pages, body


def walk_back(client, body):
    pages = []
    while body["previous"]:
        body = client.get(body["previous"]).json()
        pages.append([r["id"] for r in body["results"]])
    return pages


def cursor(values, *, ordering="-received_on,-id", reverse=False) -> str:
    text = json.dumps({"o": ordering, "r": int(reverse), "v": values})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_next_then_previous_meets_every_record_once_with_ties(officer, unit, small_pages):
    # Ten records over three days: the day ties, the id orders within it.
    for n in range(10):
        LeadFactory(subject_organisation=unit, received_on=DAYS[n % 3])
    expected = list(Record.objects.order_by("-received_on", "-id").values_list("id", flat=True))
    client = api(officer)

    pages, last = walk(client, "/api/records/")
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert [i for p in pages for i in p] == expected
    assert last["next"] is None and set(last) == {"next", "previous", "results"}  # no count

    back = walk_back(client, last)
    assert back == pages[-2::-1]  # the same pages, the first one last, and it has no previous


def test_filters_stay_in_the_links(officer, unit, other_unit, small_pages):
    ours = [LeadFactory(subject_organisation=unit, received_on=DAYS[n % 2]).pk for n in range(7)]
    for n in range(5):
        LeadFactory(subject_organisation=other_unit, received_on=DAYS[n % 2])
    client = api(officer)

    pages, last = walk(client, "/api/records/", {"subject_organisation": unit.pk})
    assert sorted(i for p in pages for i in p) == sorted(ours)
    assert len(pages) == 3
    back = client.get(last["previous"])
    assert parse_qs(urlsplit(last["previous"]).query)["subject_organisation"] == [str(unit.pk)]
    assert set(r["id"] for r in back.json()["results"]) <= set(ours)


def test_a_crafted_cursor_reaches_only_what_the_user_sees(liaison, unit, other_unit, small_pages):
    served = dt.date(2026, 1, 10)
    visible = {
        LeadFactory(subject_organisation=unit, received_on=DAYS[n % 3], pre_notice_served_on=served).pk
        for n in range(5)
    }
    hidden = [LeadFactory(subject_organisation=unit, received_on=DAYS[n % 3]) for n in range(4)]  # leads
    hidden += [
        LeadFactory(subject_organisation=other_unit, received_on=DAYS[n % 3], pre_notice_served_on=served)
        for n in range(4)
    ]
    client = api(liaison)
    top = Record.objects.order_by("-id").first().pk + 1
    positions = [
        (["2099-12-31", top], False),  # before every row
        (["2000-01-01", 1], True),  # after every row, going back
        *(([r.received_on.isoformat(), r.pk], reverse) for r in hidden for reverse in (False, True)),
    ]
    reached = set()
    for values, reverse in positions:
        url = f"/api/records/?cursor={cursor(values, reverse=reverse)}"
        while url:
            body = client.get(url).json()
            reached |= {r["id"] for r in body["results"]}
            url = body["previous"] if reverse else body["next"]
    assert reached == visible


@pytest.mark.parametrize(
    "bad",
    [
        "x",
        "!!!!",
        base64.urlsafe_b64encode(b"not json").decode(),
        cursor(["2026-01-05", 1], ordering="-id"),  # another list's
        cursor(["2026-01-05"]),  # too few values
        cursor(["2026-01-05", 1, 2]),
        cursor(["2026-13-45", 1]),
        cursor(["2026-01-05", "abc"]),
        cursor(["2026-01-05", 2**70]),
        cursor(["2026-01-05", 1.5]),
        cursor(["2026-01-05", True]),
        cursor([["2026-01-05"], 1]),
        cursor([None, 1]),
        cursor(["2026-01-05\x00", 1]),
        cursor(["2026-01-05", 1]) + "A" * 1000,
        base64.urlsafe_b64encode(json.dumps({"o": "-received_on,-id", "r": 2, "v": []}).encode()).decode(),
    ],
)
def test_a_cursor_the_list_did_not_write_is_a_clear_400(officer, bad):
    response = api(officer).get("/api/records/", {"cursor": bad})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_cursor", "cursor")
    assert "翻页参数 cursor 无效" in body["detail"]


def test_a_datetime_cursor_that_no_row_can_have_is_a_400(officer):
    for value in ["0001-01-01T00:00:00-12:00", "not a time", "9999-12-31T23:59:59-14:00"]:
        response = api(officer).get(
            "/api/rectifications/", {"cursor": cursor([value, 1], ordering="-created_at,-id")}
        )
        assert response.status_code in (200, 400), value
        if response.status_code == 400:
            assert response.json()["code"] in ("invalid_cursor", "out_of_range")


def test_nulls_sort_last_both_ways(officer, unit, other_unit, small_pages):
    # Who may be named as officer, by unit: those without a unit come last, in both directions.
    for organisation in (None, unit, None, other_unit, unit, None, None):
        UserFactory(organisation=organisation, roles=[Role.OFFICER])
    client = api(officer)
    body = client.get("/api/users/assignable/", {"role": "officer"}).json()
    pages, units = [], []
    while True:
        pages.append([r["id"] for r in body["results"]])
        units += [r["unit"] for r in body["results"]]
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
    listed = [i for p in pages for i in p]
    assert len(listed) == len(set(listed)) == 8  # the seven and the officer asking
    with_unit = [u for u in units if u is not None]
    assert units == sorted(with_unit) + [None] * (len(units) - len(with_unit))
    assert walk_back(client, body) == pages[-2::-1]


def test_a_deep_page_asks_what_the_first_asks(officer, unit, small_pages):
    for n in range(12):
        LeadFactory(subject_organisation=unit, received_on=DAYS[n % 3])
    client = api(officer)
    first = client.get("/api/records/")  # the session, the user: before counting
    counts = []
    for url in ["/api/records/", first.json()["next"]]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_the_schema_describes_cursors_and_no_count():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/records/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert "cursor" in names and "page" not in names
    page = schema["components"]["schemas"][
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert page["properties"]["next"]["nullable"] is True
    assert "400" in operation["responses"]


def test_the_inbox_pages_by_its_computed_time_limit_nulls_last(
    settings, monkeypatch, officer, approver, liaison, unit
):
    """The workflow inbox keeps its queryset's order (earliest running time limit, an annotation,
    then creation): one task a page, forward and back, is the same list as one page of all."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    leads = [
        lifecycle.lead(
            officer=officer, organisation=unit, content=f"线索{n}", received_on=dt.date(2025, 12, 1)
        )
        for n in range(4)
    ]
    for lead, day in zip(leads, ["2026-01-20", "2025-12-15", "2026-01-06", "2026-01-06"], strict=True):
        settings.CHENGXIN_TODAY = day
        records_svc.record_start_verification(acting_user=officer, record_id=lead.pk)
    settings.CHENGXIN_TODAY = "2026-01-06"  # in the 5-WD defence window
    defended = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="线索D")
    records_svc.record_submit_defence(acting_user=liaison, record_id=defended.pk, statement="已整改。")
    settings.CHENGXIN_TODAY = "2026-02-02"
    client = api(officer)
    everything = client.get("/api/inbox/").json()
    assert [r["due_on"] for r in everything["results"]][-1] is None
    expected = [r["id"] for r in everything["results"]]
    assert len(expected) == 5

    monkeypatch.setattr(KeysetPagination, "page_size", 1)
    pages, last = walk(client, "/api/inbox/")
    assert [i for p in pages for i in p] == expected
    assert walk_back(client, last) == pages[-2::-1]


def test_a_list_that_names_a_record_answers_a_documented_404_for_one_not_seen(officer):
    # Page numbers used to document a 404 on every list; cursors do not: this list declares its own.
    response = api(officer).get("/api/users/assignable/", {"role": "investigator", "record": 876})
    assert response.status_code == 404
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "404" in schema["paths"]["/api/users/assignable/"]["get"]["responses"]
