"""The commitment rules of the risk warnings (DOMAIN §9.2, §9.8): a milestone due within the
rule's days (yellow), a milestone overdue or missed without a finding (orange), a milestone
missed and become a PRM lead (red). Each evaluator is set-based — one query whatever the
number of milestones — and returns every cause it finds today; `oversight.alerts.sync` raises
the new ones and resolves those whose milestone was performed since."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from casework import clock
from casework.language import official_language

from .. import alerts
from ..alerts import Cause
from ..models import ChangeRequest, Milestone, RiskRule
from .lifecycle import LIVE_STATES, ChangeState, MilestoneState

DUE = "commitment_due"
MISSED = "commitment_missed"
BREACHED = "commitment_breached"


def _milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("commitment__promisor").order_by("due_on", "id")


def _cause(milestone: Milestone, summary: str) -> Cause:
    commitment = milestone.commitment
    return Cause(
        key=f"milestone:{milestone.pk}",
        summary=summary
        % {
            "unit": commitment.promisor.name,
            "number": commitment.number,
            "milestone": milestone.description[:80],
            "due": milestone.due_on.isoformat(),
        },
        organisation_id=commitment.promisor_id,
        record_id=milestone.lead_id,
        due_on=milestone.due_on,
        link=reverse("work-commitment-detail", args=[commitment.pk]),
    )


def due_soon(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Pending milestones of a commitment in force due within `params["days"]` (30)."""
    days = int(rule.params.get("days", 30))
    found = _milestones().filter(
        state=MilestoneState.PENDING,
        commitment__state__in=LIVE_STATES,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )
    with official_language():
        summary = _("%(unit)s 承诺 %(number)s 的履约节点“%(milestone)s”将于 %(due)s 到期。")
        return [_cause(m, summary) for m in found]


def missed(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Overdue pending milestones of a commitment in force, and milestones recorded missed
    with no lead where no change request was approved (force majeure, an explanation)."""
    approved = ChangeRequest.objects.filter(commitment=OuterRef("commitment"), state=ChangeState.APPROVED)
    overdue = _milestones().filter(
        state=MilestoneState.PENDING, commitment__state__in=LIVE_STATES, due_on__lt=today
    )
    unexcused = (
        _milestones()
        .filter(state=MilestoneState.MISSED, lead__isnull=True)
        .annotate(changed=Exists(approved))
        .filter(changed=False)
    )
    with official_language():
        late = _("%(unit)s 承诺 %(number)s 的履约节点“%(milestone)s”已于 %(due)s 到期，尚未登记履行。")
        gone = _("%(unit)s 承诺 %(number)s 的履约节点“%(milestone)s”（%(due)s）登记为未履行。")
        return [_cause(m, late) for m in overdue] + [_cause(m, gone) for m in unexcused]


def breached(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Milestones missed and become a lead (违约失信), until performed after all."""
    found = _milestones().filter(state=MilestoneState.MISSED, lead__isnull=False)
    with official_language():
        summary = _("%(unit)s 承诺 %(number)s 的履约节点“%(milestone)s”（%(due)s）未履行，属违约失信情形。")
        return [_cause(m, summary) for m in found]


EVALUATORS = {DUE: due_soon, MISSED: missed, BREACHED: breached}


def sync_commitment_alerts(today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Evaluate the three rules and sync their alerts: {rule code: {"raised", "resolved"}}."""
    today = today or clock.today()
    results = {}
    for code, evaluate in EVALUATORS.items():
        rule = RiskRule.objects.get(pk=code)
        results[code] = alerts.sync(code, evaluate(rule, today), today=today)
    return results
