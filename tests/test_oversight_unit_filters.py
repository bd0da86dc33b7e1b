"""The unit filter of the commission's oversight lists (risk alerts, commitments, self-reports):
every unit by name, the chosen one selected and the list narrowed to it, a unit added or
renamed offered on the next request, and the same number of queries at 3 units as at 200."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Organisation, OrganisationType

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PAGES = [reverse("risk-alerts"), reverse("work-commitment-list"), reverse("selfreports-work")]


def _select(body: str) -> str:
    start = body.index('<select name="unit"')
    return body[start : body.index("</select>", start)]


def _more_units(n: int) -> None:
    OrganisationFactory.create_batch(n, type=OrganisationType.DEPARTMENT)


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_the_unit_filter_offers_every_unit_by_name_and_selects_the_chosen_one(
    client, officer, unit, other_unit, url
):
    client.force_login(officer)
    select = _select(client.get(url, {"unit": other_unit.pk}).content.decode())
    names = list(Organisation.objects.order_by("name").values_list("name", flat=True))
    assert sorted(names, key=select.index) == names
    assert f'<option value="{other_unit.pk}" selected>东莞市乙局</option>' in select
    assert f'<option value="{unit.pk}">东莞市甲局</option>' in select


@pytest.mark.parametrize("url", PAGES)
def test_a_unit_added_or_renamed_is_offered_on_the_next_request(client, officer, unit, url):
    client.force_login(officer)
    client.get(url)
    Organisation.objects.filter(pk=unit.pk).update(name="东莞市丙局")
    added = OrganisationFactory(name="东莞市丁局")
    select = _select(client.get(url).content.decode())
    assert "东莞市丙局" in select and "东莞市甲局" not in select
    assert f'<option value="{added.pk}">东莞市丁局</option>' in select


@pytest.mark.parametrize("url", PAGES)
def test_a_unit_that_does_not_exist_leaves_the_list_unfiltered(client, officer, unit, url):
    client.force_login(officer)
    response = client.get(url, {"unit": "999999"})
    assert response.status_code == 200
    assert "selected" not in _select(response.content.decode()).split("</option>", 1)[1]


@pytest.mark.parametrize("url", PAGES)
def test_the_unit_filter_asks_the_same_at_3_and_200_units(client, officer, unit, url):
    client.force_login(officer)
    _more_units(2)
    few = _queries(client, url)
    _more_units(197)
    assert _queries(client, url) == few
