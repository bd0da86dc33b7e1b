"""An officer's decision on a name match (MatchState.WEAK): a 失信被执行人 entry or a judgment
whose party's name, not its code, resembles a government body's. Confirmed, it gives the lead
a code match would have given, registered by the officer (the lead is theirs to verify);
rejected, it is remembered, and the same row is never queued again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import audit
from casework.errors import DomainError, PermissionDeniedError
from casework.models import Organisation, Record
from casework.permissions import has_role
from casework.roles import Role

from ..models import CourtDocument, DefaulterEntry, MatchState
from ..models.court import NameMatched
from . import CourtAction, defaulters, documents
from .common import IMPORT_ROLES, register_lead

#: Who decides a name match.
CONFIRM_ROLES = (Role.OFFICER,)


@dataclass(frozen=True)
class Source:
    model: type[NameMatched]
    lead_for: Callable[..., Record]
    label: Promise


#: The rows a name match can be queued on, by the name used in URLs.
SOURCES: dict[str, Source] = {
    "entry": Source(DefaulterEntry, defaulters.lead_for, gettext_lazy("失信被执行人名单")),
    "judgment": Source(CourtDocument, documents.lead_for, gettext_lazy("法院判决")),
}


def _weak_row(acting_user, source: str, pk: int) -> NameMatched:
    if not has_role(acting_user, *CONFIRM_ROLES):
        raise PermissionDeniedError(_("只有办案人员可以确认名称匹配。"), code="permission_denied")
    row = SOURCES[source].model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise DomainError(_("待确认的条目不存在。"), field="match", code="not_found")
    if row.match != MatchState.WEAK:
        raise DomainError(_("该条目已处理。"), field="match", code="illegal_state")
    return row


@transaction.atomic(durable=True)
def name_match_confirm(*, acting_user, source: str, pk: int, ip_address: str | None = None) -> NameMatched:
    """确认: the row is about the body its name resembles → its lead, the officer's."""
    row = _weak_row(acting_user, source, pk)
    by = audit.Acting(acting_user, Role.OFFICER, ip_address)
    record, _created = register_lead(SOURCES[source].lead_for(row, created_by=acting_user), by)
    row.match, row.record = MatchState.CONFIRMED, record
    row.decided_by, row.decided_at = acting_user, timezone.now()
    row.save()
    audit.append(
        by,
        obj=row,
        record=record,
        action=CourtAction.WEAK_CONFIRM,
        diff={"match": [MatchState.WEAK, MatchState.CONFIRMED]},
    )
    return row


@transaction.atomic(durable=True)
def name_match_reject(
    *, acting_user, source: str, pk: int, reason: str = "", ip_address: str | None = None
) -> NameMatched:
    """排除: not the body; remembered."""
    row = _weak_row(acting_user, source, pk)
    row.match = MatchState.REJECTED
    row.decided_by, row.decided_at = acting_user, timezone.now()
    row.save()
    audit.append(
        audit.Acting(acting_user, Role.OFFICER, ip_address),
        obj=row,
        action=CourtAction.WEAK_REJECT,
        reason=reason.strip(),
        diff={"match": [MatchState.WEAK, MatchState.REJECTED]},
    )
    return row


@dataclass(frozen=True)
class Candidate:
    """One queued name match as the officer reads it."""

    source: str
    pk: int
    label: Promise
    name: str
    number: str
    court: str
    code: str
    organisation: Organisation


def weak_queue(user, limit: int = 200) -> list[Candidate]:
    """The name matches waiting for an officer, oldest first (list entries, then judgments);
    none for anyone outside the import roles."""
    if not has_role(user, *IMPORT_ROLES):
        return []
    entries = DefaulterEntry.objects.filter(match=MatchState.WEAK).select_related("organisation")
    judgments = CourtDocument.objects.filter(match=MatchState.WEAK).select_related("organisation")
    queue = [
        Candidate(
            "entry",
            e.pk,
            SOURCES["entry"].label,
            e.name,
            e.case_number,
            e.court,
            e.credit_code or e.org_code,
            e.organisation,
        )
        for e in entries.order_by("id")[:limit]
    ]
    queue += [
        Candidate(
            "judgment",
            d.pk,
            SOURCES["judgment"].label,
            d.party,
            d.number,
            d.court,
            d.credit_code,
            d.organisation,
        )
        for d in judgments.order_by("id")[: max(limit - len(queue), 0)]
    ]
    return queue
