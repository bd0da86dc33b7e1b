"""When a broken promise becomes a lead (DOMAIN §9.8, §9.3) and the lead it becomes.

A miss is excused by force majeure or by a lawful change (an approved change request), and
by an explanation the commission may still examine; it is never excused by 机构调整 or 人员变动.
The lead is category PRM (未守信践诺) about the promisor, registered by the system in the
transaction that recorded the miss, through casework's intake."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casework import audit, clock
from casework.language import official_language
from casework.lifecycle import RecordState
from casework.models import Category, LeadSource, Record
from casework.services.records import fact_hash, new_leads

from ..models import Commitment, Milestone
from .lifecycle import BREACH_REASONS, ChangeState, Reason

#: A record no longer running: the same facts may be registered again.
_CLOSED = (RecordState.DISMISSED, RecordState.ARCHIVED)


def miss_finding(reason: str, explanation: str, changed_lawfully: bool) -> str:
    """Why this miss is 违约失信 ("" when it is not), in the official language."""
    with official_language():
        if reason in BREACH_REASONS:
            return _("以机构调整、人员变动为由不履行承诺，属于违约失信。")
        if changed_lawfully or reason == Reason.FORCE_MAJEURE:
            return ""
        if reason == Reason.PUBLIC_INTEREST:
            return _("以国家利益或社会公共利益为由变更承诺，但未履行依法批准的变更程序。")
        if not explanation.strip():
            return _("未说明不履行的正当理由。")
        return ""


def changed_lawfully(commitment: Commitment) -> bool:
    return commitment.change_requests.filter(state=ChangeState.APPROVED).exists()


def _describe(commitment: Commitment) -> str:
    return _(
        "%(promisor)s对%(counterparty)s（统一社会信用代码：%(uscc)s）作出的%(type)s承诺"
        "《%(title)s》（文号：%(document)s；承诺编号：%(number)s）"
    ) % {
        "promisor": commitment.promisor.name,
        "counterparty": commitment.counterparty_name,
        "uscc": commitment.counterparty_uscc or "—",
        "type": commitment.get_type_display(),
        "title": commitment.document_title,
        "document": commitment.document_number or "—",
        "number": commitment.number,
    }


def milestone_content(milestone: Milestone, finding: str) -> str:
    with official_language():
        return _(
            "承诺未履行：%(commitment)s，履约节点（第%(pk)d号）“%(milestone)s”应于%(due)s履行，"
            "登记为未履行。原因类别：%(reason)s；情况说明：%(explanation)s。%(finding)s"
        ) % {
            "commitment": _describe(milestone.commitment),
            "pk": milestone.pk,
            "milestone": milestone.description,
            "due": milestone.due_on.isoformat(),
            "reason": milestone.get_reason_display(),
            "explanation": milestone.explanation or _("无"),
            "finding": finding,
        }


def breach_content(commitment: Commitment) -> str:
    with official_language():
        return _("承诺违约：%(commitment)s，经认定违约，且未履行依法批准的变更程序。违约情形：%(reason)s") % {
            "commitment": _describe(commitment),
            "reason": commitment.breach_reason,
        }


def register(commitment: Commitment, content: str) -> Record:
    """The PRM lead about the promisor, or the running record of the same facts."""
    lead = Record(
        subject_organisation_id=commitment.promisor_id,
        source=LeadSource.COMMITMENT,
        category=Category.PRM,
        lead_content=content,
        received_on=clock.today(),
    )
    running = Record.objects.exclude(state__in=_CLOSED).filter(fact_hash=fact_hash(lead)).first()
    if running is not None:
        return running
    [lead] = new_leads([lead], audit.SYSTEM)
    return lead
