"""The free-text search (casework.search): the same rows as `icontains`, on SQLite and on
PostgreSQL, where the character-bigram indexes serve it (run with DATABASE_URL set to a
PostgreSQL database for the index tests)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client

from casework.models import Record
from casework.search import text_contains
from portal.workbench.filters import CaseListFilter

from . import lifecycle
from .api_fixtures import api
from .factories import OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

LONG = "".join(chr(0x4E00 + 7 * n) for n in range(210))  # 210 distinct Chinese characters
SPECIAL = "a&b|c!d:e'f(g)h\\i"
TEXTS = {
    "order": "责令限期整改通知已送达。",
    "apart": "整改未到位；改通道；通知书另发。",  # 整改, 改通, 通知 all there, never 整改通知
    "split": "整顿后改正。",  # 整 and 改, never 整改
    "mixed": "逾期未履行合同B-123号的付款。",
    "special": f"依据 {SPECIAL} 条款。",
    "long": LONG,
}
FIELDS = ("reference", "facts", "lead_content")


@pytest.fixture
def records(officer, unit):
    found = {
        name: lifecycle.lead(officer=officer, organisation=unit, content=text) for name, text in TEXTS.items()
    }
    Record.objects.filter(pk=found["split"].pk).update(facts="另查：甲方逾期。")
    return found


def api_search(user, q) -> set[int]:
    response = api(user).get("/api/records/", {"q": q})
    assert response.status_code == 200, response.data
    return {r["id"] for r in response.data["results"]}


def names(records, ids) -> set[str]:
    return {name for name, record in records.items() if record.pk in ids}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("整改", {"order", "apart"}),
        ("逾期", {"mixed", "split"}),  # in the facts of one, the lead of the other
        ("改", {"order", "apart", "split"}),
        ("整改通知", {"order"}),  # every bigram in "apart", never adjacent
        ("同b-12", {"mixed"}),  # mixed Chinese and Latin, lower case for upper
        ("B-123 逾期", {"mixed"}),  # two words: both must be found
        ("b-123 整改", set()),
        (SPECIAL, {"special"}),
        (SPECIAL.upper(), {"special"}),
        (LONG[:200], {"long"}),  # longer than the indexed prefix: still exact
        (LONG[:199] + "整", set()),
    ],
)
def test_the_api_finds_what_icontains_finds(officer, records, q, expected):
    assert names(records, api_search(officer, q)) == expected


@pytest.mark.parametrize(
    "q", ["&", "|", "!", ":", "'", "(", ")", "\\", "&b|", "'f(", "h\\i", "%", "_", "!(整改)", "':*"]
)
def test_query_syntax_characters_are_only_characters(officer, records, q):
    expected = {"special"} if q in SPECIAL else set()
    assert names(records, api_search(officer, q)) == expected
    assert names(records, {r.pk for r in Record.objects.filter(text_contains(FIELDS, q))}) == expected


def test_the_api_takes_a_search_of_at_most_200_characters(officer, records):
    assert api(officer).get("/api/records/", {"q": "整" * 201}).status_code == 400
    assert names(records, api_search(officer, " ".join(["整", "改"] * 50))) == {"order", "apart", "split"}


@pytest.mark.parametrize("q", ["", "   ", "\u3000"])
def test_an_empty_search_lists_everything(officer, records, q):
    assert names(records, api_search(officer, q)) == set(TEXTS)


def test_a_reference_is_found_in_any_case(officer, records):
    reference = records["order"].reference
    assert re.search("[A-Z]", reference)
    assert names(records, api_search(officer, reference.lower())) == {"order"}
    assert names(records, api_search(officer, reference[-6:])) == {"order"}


def test_the_lookup_answers_exactly_the_icontains_rows(records):
    for q in ["整改", "改", "整改通知", "同b-12", SPECIAL, LONG[:200], "%", "_", "号的付", "zwsx"]:
        plain = Q(reference__icontains=q) | Q(facts__icontains=q) | Q(lead_content__icontains=q)
        expected = set(Record.objects.filter(plain).values_list("pk", flat=True))
        assert (
            set(Record.objects.filter(text_contains(FIELDS, q)).values_list("pk", flat=True)) == expected
        ), q


def test_the_case_list_searches_facts_and_subjects(officer, records):
    renamed = OrganisationFactory(name="东莞市丙局", short_name="丙局")
    theirs = lifecycle.lead(officer=officer, organisation=renamed, content="未兑现奖励。")
    civil = PersonFactory(unit=renamed, name="欧阳修")
    person = lifecycle.lead(officer=officer, person=civil, content="违规审批。")
    client = Client()
    client.force_login(officer)

    def listed(q) -> set[str]:
        response = client.get("/work/cases/", {"q": q})
        assert response.status_code == 200
        everything = {**records, "theirs": theirs, "person": person}
        return {name for name, r in everything.items() if r.reference in response.content.decode()}

    assert listed("整改") == {"order", "apart"}
    assert listed("整改通知") == {"order"}
    assert listed("丙局") == {"theirs", "person"}  # a unit's records and its civil servants'
    assert listed("欧阳") == {"person"}
    assert listed("丙局 奖励") == {"theirs"}
    assert listed("X" * 200) == set(TEXTS) | {"theirs", "person"}  # longer than the form takes


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test's tables are tiny
        return queryset.explain()


@pytest.mark.postgres
def test_postgresql_plans_the_search_with_the_bigram_indexes(officer, records, rf):
    plan = _plan(Record.objects.filter(text_contains(["facts"], "整改")))
    assert "casework_record_facts_bigrams" in plan
    request = rf.get("/work/cases/")
    request.user = officer
    search = CaseListFilter(data={"q": "整改"}, queryset=Record.objects.all(), request=request).qs
    # The filter's plan, without the list's order: on tables this small the planner walks the
    # keyset index of the order instead, which says nothing of how the words are found.
    plan = _plan(search.order_by())
    for index in [
        "casework_record_reference_bigrams",
        "casework_record_facts_bigrams",
        "casework_record_lead_content_bigrams",
        "casework_organisation_name_bigrams",
        "casework_organisationname_name_bigrams",
        "casework_person_name_bigrams",
    ]:
        assert index in plan, plan


@pytest.mark.postgres
def test_postgresql_bigrams_are_upper_cased_and_distinct():
    with connection.cursor() as cursor:
        cursor.execute("SELECT chengxin_bigrams(%s)", ["Ab整改整改"])
        assert set(cursor.fetchone()[0]) == {"AB", "B整", "整改", "改整"}
        cursor.execute("SELECT chengxin_bigrams(%s), chengxin_bigrams(%s)", ["改", ""])
        assert cursor.fetchone() == ([], [])
