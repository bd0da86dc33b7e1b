"""What the civil servant's pages read: the scoped queries of casework and
notices, narrowed to what is the signed-in person's own. Nothing here widens a scope: each
function starts from a query that already answers only what the user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from casework import clock
from casework.lifecycle import RECORD_ENDED, REPAIR_OPEN, RecordState
from casework.models import (
    Appeal,
    HonourQuery,
    Objection,
    Organisation,
    Person,
    Record,
    RepairApplication,
    Sanction,
)
from casework.permissions import conflicts_read_once, has_role, is_subject_side, may_see_id_numbers
from casework.queries import (
    objection_list,
    organisation_list,
    person_get,
    person_list,
    record_get,
    record_list,
    repair_list,
    sanction_list,
)
from casework.roles import Role
from casework.search import organisations_named, text_contains
from casework.services.honours import HONOURS_ROLES, IntegrityFile, integrity_file
from casework.services.repair.eligibility import Eligibility, repair_eligibility
from notices.models import Notice
from notices.queries import about_own_sanctions, visible_notices
from portal.cases.actions import Action, available_actions, page_conflicts
from portal.unit import work as unit_work
from portal.unit.work import latest

#: The case-action step (portal.cases.specs) that files a repair application on a record.
APPLY_ACTION = "repair"
#: How many of a user's own honours queries the query page lists.
RECENT_QUERIES = 10
#: How many people, and how many organisations, a search lists; past that, ask to refine it.
SEARCH_LIMIT = 20
#: The last four characters of an ID number (the check character may be X).
ID_TAIL = re.compile(r"^\d{3}[\dXx]$")


def is_civil_servant(user) -> bool:
    return bool(user.person_id) and has_role(user, Role.CIVIL_SERVANT)


def may_query_honours(user) -> bool:
    return has_role(user, *HONOURS_ROLES)


@dataclass(frozen=True)
class OwnRecord:
    record: Record
    actions: list[Action]

    @property
    def in_force(self) -> bool:
        """In force: the repair conditions are worth reading."""
        return self.record.state == RecordState.EFFECTIVE

    @property
    def closed(self) -> bool:
        return self.record.state in RECORD_ENDED


@dataclass(frozen=True)
class PersonalFile:
    """The civil servant's page: their records with the actions open to them, their
    integrity file, what they filed and the notices issued to them."""

    person: Person
    today: dt.date
    records: list[OwnRecord]
    file: IntegrityFile
    objections: QuerySet[Objection]
    repairs: QuerySet[RepairApplication]
    appeals: QuerySet[Appeal]
    notices: QuerySet[Notice]
    #: Their own sanctions with what they may do about them (an appeal): a sanction on a
    #: unit's case is theirs even though the unit's case page is not.
    sanctions: list[tuple[Sanction, list[Action]]]


def record_actions(user, record: Record) -> list[Action]:
    """The record's actions but applying for repair: that goes through the conditions page,
    which offers it only once every condition is met."""
    return [a for a in available_actions(user, record) if a.step != APPLY_ACTION]


def own_records(user, person) -> QuerySet[Record]:
    return record_list(user=user).filter(subject_person=person).order_by("-determination_date", "-pk")


def own_sanctions(user, person) -> QuerySet[Sanction]:
    return sanction_list(user=user).filter(person=person).order_by("-pk")


def own_notices(user, person) -> QuerySet[Notice]:
    return (
        visible_notices(user)
        .filter(Q(record__subject_person=person) | about_own_sanctions(person.pk))
        .select_related("record")
        .order_by("-issued_on", "-pk")
    )


def personal_file(user) -> PersonalFile:
    """Each list the latest `latest.LATEST` rows (a page of its own has the rest), every
    guard asked with the user's 回避 declarations read once."""
    person = person_get(user=user, person_id=user.person_id)
    today = clock.today()
    with conflicts_read_once(user, page_conflicts(user)):
        records = latest(own_records(user, person))
        sanctions = latest(own_sanctions(user, person))
        return PersonalFile(
            person=person,
            today=today,
            records=records.with_rows([OwnRecord(r, record_actions(user, r)) for r in records]),
            file=integrity_file(person, on=today, limit=unit_work.LATEST),
            # By the record's subject, not by who typed the filing in: the officer records the
            # objections and applications the person sent on paper (validation.filing_date).
            objections=latest(
                objection_list(user=user)
                .filter(record__subject_person=person)
                .order_by("-received_on", "-pk")
            ),
            repairs=latest(
                repair_list(user=user).filter(record__subject_person=person).order_by("-submitted_on", "-pk")
            ),
            appeals=latest(
                Appeal.objects.filter(sanction__in=sanction_list(user=user).filter(person=person))
                .select_related("sanction")
                .order_by("-filed_on", "-pk")
            ),
            notices=latest(own_notices(user, person)),
            sanctions=sanctions.with_rows([(s, available_actions(user, s)) for s in sanctions]),
        )


@dataclass(frozen=True)
class RepairOutlook:
    """Whether the record can be repaired today, each condition with its reason, and the
    way to apply when it can."""

    record: Record
    today: dt.date
    eligibility: Eligibility
    pending: RepairApplication | None  # an application being handled: no second one
    applications: QuerySet[RepairApplication]
    apply: Action | None  # shown only when every condition passes

    @property
    def waiting_for_date(self) -> bool:
        earliest = self.eligibility.earliest_date
        return earliest is not None and earliest > self.today


def repair_outlook(user, record_id: int) -> RepairOutlook:
    record = record_get(user=user, record_id=record_id)
    today = clock.today()
    eligibility = repair_eligibility(record, today)
    applications = repair_list(user=user).filter(record=record).order_by("-submitted_on", "-pk")
    pending = applications.filter(state__in=REPAIR_OPEN).first()
    apply = None
    # The subject's own way to apply; the officer records a paper application on the case page.
    if eligibility.eligible and pending is None and is_subject_side(user, record):
        apply = next((a for a in available_actions(user, record) if a.step == APPLY_ACTION), None)
    return RepairOutlook(record, today, eligibility, pending, applications, apply)


def recent_honour_queries(user) -> QuerySet[HonourQuery]:
    """The user's own queries, newest first: the log of everyone's is the auditors' to read."""
    return HonourQuery.objects.filter(requester=user).select_related("person__unit", "organisation")


def honour_query_get(user, query_id: str | None) -> HonourQuery | None:
    """One of the user's own queries, to show its result after the redirect; another
    user's query, or no id, is simply no result."""
    if not query_id or not str(query_id).isdigit():
        return None
    return recent_honour_queries(user).filter(pk=int(query_id)).first()


@dataclass(frozen=True)
class HonourCandidates:
    """What a search on the honours page found, each list cut at SEARCH_LIMIT."""

    text: str
    people: list[Person]
    organisations: list[Organisation]
    more_people: bool
    more_organisations: bool
    show_id_numbers: bool  # in full; others see none of it

    @property
    def found(self) -> bool:
        return bool(self.people or self.organisations)


def _first(queryset: QuerySet) -> tuple[list, bool]:
    rows = list(queryset[: SEARCH_LIMIT + 1])
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def honour_candidates(user, text: str) -> HonourCandidates | None:
    """People and organisations within the user's scope matching `text`: by name; by the ID
    number's last four characters only for the roles that may read ID numbers, lest the
    search reveal them to the others. No text, no search."""
    text = text.strip()
    if not text:
        return None
    ids = may_see_id_numbers(user)
    match = text_contains(["name"], text)
    if ids and ID_TAIL.match(text):
        match |= Q(id_number_masked__endswith=text.upper())
    people, more_people = _first(person_list(user=user).filter(match).order_by("name", "pk"))
    organisations, more_organisations = _first(
        organisation_list(user=user).filter(pk__in=organisations_named(text)).order_by("name", "pk")
    )
    return HonourCandidates(text, people, organisations, more_people, more_organisations, ids)
