"""The search boxes of the forms: a person or an organisation is found by typing part of its
name (casework.lookups, the same search as GET /api/lookup/…), never picked from a select
of everyone the user may see."""

from __future__ import annotations

from casework import lookups, queries
from casework.errors import NotFoundError

from .fields import Context, Lookup


def _first(rows, label) -> tuple[list[tuple[str, str]], bool]:
    found = list(rows[: lookups.LIMIT + 1])
    return [(str(row.pk), label(row)) for row in found[: lookups.LIMIT]], len(found) > lookups.LIMIT


def _search_people(ctx: Context, text: str):
    return _first(
        lookups.people_matching(user=ctx.user, text=text).select_related("unit"), lookups.person_label
    )


def _search_organisations(ctx: Context, text: str):
    return _first(lookups.organisations_matching(user=ctx.user, text=text), lookups.organisation_label)


def _person(ctx: Context, value: str) -> str:
    try:
        return lookups.person_label(queries.person_get(user=ctx.user, person_id=int(value)))
    except (NotFoundError, ValueError, TypeError, OverflowError):
        return ""


def _organisation(ctx: Context, value: str) -> str:
    try:
        return lookups.organisation_label(queries.organisation_get(user=ctx.user, organisation_id=int(value)))
    except (NotFoundError, ValueError, TypeError, OverflowError):
        return ""


PEOPLE = Lookup("lookup-people", _search_people, _person)
ORGANISATIONS = Lookup("lookup-organisations", _search_organisations, _organisation)
