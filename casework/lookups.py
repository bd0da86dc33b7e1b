"""Finding a person or an organisation by name, for the search boxes that choose one (the
lead's subject, the determining unit …) and their API (GET /api/lookup/people/,
/api/lookup/organisations/).

Always within what the user may see (casework.permissions: a liaison finds only the people
of their own unit), never a list of everyone. A person is found by name; by the last four
characters of the ID number only for the roles that may read ID numbers, lest the search
reveal them to the others (as on the honours page).
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from .models import Organisation, Person
from .permissions import may_see_id_numbers
from .queries import organisation_list, person_list
from .search import organisations_named, text_contains

#: The most a search answers: a search box lists a handful, the user types more to narrow.
LIMIT = 20
#: The last four characters of an ID number (the check character may be X).
ID_TAIL = re.compile(r"^\d{3}[\dXx]$")


def people_matching(*, user, text: str, unit_id: int | None = None) -> QuerySet[Person]:
    """People the user may see whose name contains `text` (no text: nobody), in one unit
    when `unit_id` is given; active first, then by name."""
    text = (text or "").strip()
    if not text:
        return Person.objects.none()
    match = text_contains(["name"], text)
    if may_see_id_numbers(user) and ID_TAIL.match(text):
        match |= Q(id_number_masked__endswith=text.upper())
    people = person_list(user=user).filter(match)
    if unit_id is not None:
        people = people.filter(unit_id=unit_id)
    return people.order_by("-is_active", "name", "pk")


def organisations_matching(*, user, text: str) -> QuerySet[Organisation]:
    """Organisations the user may see whose name, short name or a former name contains
    `text` (no text: none); active first, then by name."""
    text = (text or "").strip()
    if not text:
        return Organisation.objects.none()
    ids = organisation_list(user=user).filter(pk__in=organisations_named(text)).values("pk")
    return (
        Organisation.objects.filter(pk__in=ids).select_related("parent").order_by("-is_active", "name", "pk")
    )


def person_label(person: Person) -> str:
    """How a search box names a person: the name and the unit (namesakes are common)."""
    detail = "，".join(part for part in (person.unit.name, person.post) if part)
    return f"{person.name}（{detail}）"


def organisation_label(organisation: Organisation) -> str:
    return organisation.name
