"""Query strings of the case list: the same filters with another page or another sort."""

from __future__ import annotations

from django.http import QueryDict

#: Sortable columns (the `sort` filter's keys) and the direction a first click gives.
SORTABLE = {"reference": "", "received": "-", "state": "", "due": ""}


def query_with(params: QueryDict, **changes) -> str:
    """`params` as a query string with `changes` applied (None removes a key)."""
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def sort_headers(params: QueryDict) -> dict[str, dict]:
    """For each sortable column: the query that sorts by it (the other way round when it
    already does) and its `aria-sort` state."""
    current = params.get("sort") or "-received"
    headers = {}
    for key, first in SORTABLE.items():
        if current.lstrip("-") == key:
            descending = current.startswith("-")
            target, aria = (key if descending else f"-{key}"), ("descending" if descending else "ascending")
        else:
            target, aria = f"{first}{key}", ""
        headers[key] = {"query": query_with(params, sort=target, page=None, cursor=None), "aria": aria}
    return headers
