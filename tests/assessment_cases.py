"""Shared by the assessment tests: the assessor, and a year driven through the portal pages
as the assessor and approver click through them."""

from __future__ import annotations

import re
from decimal import Decimal

from oversight.models import Assessment

BASE = "/work/assessment/"


def post(client, user, url, data=None, **extra):
    client.force_login(user)
    return client.post(url, data or {}, **extra)


def create(client, assessor, year=2026) -> Assessment:
    response = post(client, assessor, BASE, {"year": year})
    assert response.status_code == 302, response.content.decode()[:1500]
    return Assessment.objects.get(year=year)


def step(client, user, year, name, **data):
    return post(client, user, f"{BASE}{year}/steps/{name}/", data, follow=True)


def scoring(client, assessor, year=2026) -> Assessment:
    create(client, assessor, year)
    response = step(client, assessor, year, "start_scoring")
    assert response.status_code == 200
    return Assessment.objects.get(year=year)


def approved(client, assessor, approver, year=2026) -> Assessment:
    scoring(client, assessor, year)
    step(client, assessor, year, "submit")
    step(client, approver, year, "approve")
    assessment = Assessment.objects.get(year=year)
    assert assessment.state == "APPROVED"
    return assessment


def page_totals(html: str) -> dict[str, Decimal]:
    """Unit name → total, as the year's results table shows them."""
    rows = re.findall(
        r'<tr data-unit="\d+">.*?<a [^>]*>([^<]+)</a>.*?<td class="total">([^<]+)</td>', html, re.S
    )
    return {name: Decimal(total) for name, total in rows}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
