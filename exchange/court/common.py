"""What the defaulter list and the court documents share: who imports them, document numbers
as compared, leads registered from a court source."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable

from django.utils.translation import gettext as _

from casework import audit, clock
from casework.lifecycle import RecordState
from casework.models import Record
from casework.roles import Role
from casework.services.records import fact_hash, new_leads

from ..models import MatchState, RowOutcome
from ..models.court import NameMatched
from .matching import Match

S = RecordState
#: Who imports court lists and registers court documents.
IMPORT_ROLES = (Role.OFFICER, Role.CREDIT_ADMIN)
#: A record no longer running: a new lead about the same facts may be registered.
CLOSED = (S.DISMISSED, S.ARCHIVED)


def number_key(value: str) -> str:
    """A 案号 or 文书号 as compared: "（2025）粤1971执123号" and "(2025)粤1971执 123 号" are one."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def content_hash(values: dict) -> str:
    blob = json.dumps(values, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def register_lead(lead: Record, by: audit.Acting) -> tuple[Record, bool]:
    """The lead, registered through casework's intake (same fact hash, same audit entry), or
    the running record of the same facts about the same subject (created: False)."""
    running = Record.objects.exclude(state__in=CLOSED).filter(fact_hash=fact_hash(lead)).first()
    if running is not None:
        return running, False
    lead.received_on = lead.received_on or clock.today()
    [record] = new_leads([lead], by)
    return record, True


def apply_match(row: NameMatched, found: Match, lead_for: Callable[[NameMatched], Record]) -> tuple[str, str]:
    """What the matcher found, kept on `row` (saved): a code match registers `lead_for(row)`
    as the system, a name match waits for an officer. (outcome or "", message for the report)."""
    if found.strength == MatchState.STRONG:
        row.match, row.organisation = MatchState.STRONG, found.organisation
        row.record, created = register_lead(lead_for(row), audit.SYSTEM)
        row.save()
        if created:
            return "", _("代码匹配 %(org)s：已登记线索 %(ref)s。") % {
                "org": found.organisation,
                "ref": row.record.reference,
            }
        return "", _("代码匹配 %(org)s：同一事实已有记录 %(ref)s。") % {
            "org": found.organisation,
            "ref": row.record.reference,
        }
    if found.strength == MatchState.WEAK:
        row.match, row.organisation = MatchState.WEAK, found.organisation
        row.save()
        return RowOutcome.QUEUED, _("名称与 %(org)s 相近，待办案人员确认。") % {"org": found.organisation}
    row.save()
    # Most rows are about companies and people: said, so the report does not read as a lead made.
    return "", _("未匹配到本系统中的政府机构：仅留存，不登记线索。")
