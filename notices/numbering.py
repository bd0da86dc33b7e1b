"""Document numbers (发文字号, DOMAIN §8.2): `{机关代字}{文书代字}〔{YYYY}〕{n}号`.

One counter row per (issuer, notice type, year), locked with SELECT … FOR UPDATE inside the
issuing transaction: numbers are gap-free (a rolled-back issue rolls its increment back
too) and never allocated twice. The counter only moves forward, so a voided number is never
reused.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from . import types
from .models import Issuer, NoticeSequence


def format_number(agency_code: str, doc_code: str, year: int, sequence: int) -> str:
    """GB/T 9704-2012 7.2.4: the year in full inside 〔〕, no 第, no leading zeros."""
    return f"{agency_code}{doc_code}〔{year}〕{sequence}号"


def allocate(issuer: Issuer, type_code: str, year: int) -> tuple[int, str]:
    """The next (sequence, number) for this issuer, type and year; call inside the issuing
    transaction, which holds the counter's row lock until it commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering.allocate must run inside the issuing transaction")
    counter = _locked_counter(issuer, type_code, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, format_number(issuer.agency_code, types.get(type_code).doc_code, year, counter.last)


def _locked_counter(issuer: Issuer, type_code: str, year: int) -> NoticeSequence:
    key = {"issuer": issuer, "type_code": type_code, "year": year}
    counter = NoticeSequence.objects.select_for_update().filter(**key).first()
    if counter is not None:
        return counter
    # The first number of the year: two issuers may race to create the row; the loser's
    # INSERT waits on the unique index, fails, and then locks the winner's row.
    try:
        with transaction.atomic():
            NoticeSequence.objects.create(**key, last=0)
    except IntegrityError:
        pass
    return NoticeSequence.objects.select_for_update().get(**key)
