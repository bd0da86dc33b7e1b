"""The public disclosure pages (信用东莞 style; DOMAIN §6.6, scenario 30): no login needed.

What is shown: effective records on display (casework.queries.public_records) whose display
period has not ended; organisation records, and person records only of the categories
configured public (CHENGXIN["PUBLIC_PERSON_CATEGORIES"], e.g. 问责决定).

Templates never receive a Record, only a `PublicRecord` carrying the fields the public may
see, so a template edit cannot reach an ID number, a post or the internal case file. Free
text written by staff (facts, basis) is scrubbed of personal numbers (ID-card, telephone and
bank card numbers, street addresses; casework.personal_numbers), as a second line of defence
behind the record services' refusal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from casework import clock, personal_numbers, rules
from casework.models import Organisation, Person, Record
from casework.queries import public_records
from casework.search import organisations_named, text_contains
from portal import paging

PER_PAGE = 20
#: The list's order, newest determination first (as `disclosed`), for keyset pages.
PUBLIC_ORDER = (
    paging.Key("determination_date", descending=True, kind=dt.date),
    paging.Key("pk", descending=True),
)
#: Longest search text taken from the query string.
MAX_QUERY = 50

# The masked form this site prints for staff (`4419**********1234`): not a full number,
# but not for the public either.
_MASKED_ID = re.compile(r"\d{2,}[*＊]{4,}[\dXx]{2,}")


@dataclass(frozen=True)
class PublicRecord:
    """One disclosed record as the public sees it. For a person: name, unit and the decision
    (category, tier, basis, determining unit and date); never the ID number, post or facts."""

    reference: str
    is_person: bool
    subject_name: str
    credit_code: str
    unit_name: str
    category: str
    tier: str
    facts: str
    legal_basis: str
    determining_unit: str
    determination_date: dt.date
    disclosure_end: dt.date
    objection_pending: bool


def scrub(text: str) -> str:
    """Free text with every personal number (ID, telephone, bank card, street address:
    casework.personal_numbers, the detector the record services refuse them with) and every
    masked ID number replaced by a placeholder naming what was hidden."""
    return _MASKED_ID.sub(_("［身份证号码已隐去］"), personal_numbers.mask(text or ""))


def project(record: Record) -> PublicRecord:
    person, organisation = record.subject_person, record.subject_organisation
    return PublicRecord(
        reference=record.reference,
        is_person=person is not None,
        subject_name=person.name if person else organisation.name,
        credit_code="" if person else (organisation.credit_code or ""),
        unit_name=person.unit.name if person else "",
        category=record.get_category_display(),
        tier=record.get_tier_display(),
        facts="" if person else scrub(record.facts),
        legal_basis=scrub(record.legal_basis),
        determining_unit=record.determining_unit.name if record.determining_unit else "",
        determination_date=record.determination_date,
        disclosure_end=record.max_end,
        objection_pending=record.objection_pending,
    )


def disclosed(*, today: dt.date) -> QuerySet[Record]:
    """Records on public display today, newest determination first. The display window is
    checked here too: the expiry sweep runs once a day, the law counts from the day after."""
    return (
        public_records()
        .filter(rules.public(today))
        .select_related("determining_unit", "subject_person__unit")
        .order_by("-determination_date", "-pk")
    )


def search(records: QuerySet[Record], text: str) -> QuerySet[Record]:
    """Records of the units whose current name, short name or an earlier name contains
    `text`; a person record is found by the name of the person's unit."""
    text = text.strip()[:MAX_QUERY]
    if not text:
        return records
    named = Organisation.objects.filter(text_contains(["name"], text)).values("pk")
    people = Person.objects.filter(unit_id__in_array=named).values("pk")
    return records.filter(
        Q(subject_organisation_id__in_array=organisations_named(text)) | Q(subject_person_id__in_array=people)
    )


def listed(request: HttpRequest) -> tuple[QuerySet[Record], str]:
    """The list's records under the request's search, and the search text (the page and
    its Excel export both read this)."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    return search(disclosed(today=clock.today()), text), text


@require_safe
def record_list(request: HttpRequest) -> HttpResponse:
    records, text = listed(request)
    # Every record in force has its determination date: a keyset on it (and the id) is a
    # range scan of the index on displayed records, whatever page.
    records = records.filter(determination_date__isnull=False)
    page = paging.paginate(request, records, per_page=PER_PAGE, salt="public", keys=PUBLIC_ORDER)
    context = {
        "page": page,
        "records": [project(r) for r in page.object_list],
        "q": text,
        "total": paging.capped_count(records),
        "query": paging.page_query(request.GET),
    }
    return render(request, "public/records.html", context)


@require_safe
def record_export(request: HttpRequest) -> HttpResponse:
    """The list as an Excel file, with the search applied (portal.exports)."""
    from . import exports  # exports imports this module's projection

    records, _text = listed(request)
    return exports.xlsx_response(exports.public_list_xlsx(records), exports.dated(_("失信信息公示")))


@require_safe
def record_detail(request: HttpRequest, reference: str) -> HttpResponse:
    record = disclosed(today=clock.today()).filter(reference=reference).first()
    if record is None:
        raise Http404(_("该记录未公示或已停止公示。"))
    return render(request, "public/record.html", {"record": project(record)})
