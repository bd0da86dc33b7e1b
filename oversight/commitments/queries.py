"""Reading commitments, already scoped to the reader: the commission's roles see every unit's,
a unit's liaison and head their own unit's, anyone else none. A hidden commitment is a 404."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from casework.errors import NotFoundError
from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, declared_conflicts, roles_of

from ..models import ChangeRequest, Commitment, Milestone
from .lifecycle import CommitmentState, MilestoneState


def visible_commitments(user) -> QuerySet[Commitment]:
    """A 回避 declaration about a unit hides its commitments from the commission's user too."""
    roles = roles_of(user)
    commitments = Commitment.objects.select_related("promisor")
    if roles & SEE_ALL_ROLES:
        # the declarations read once per request: most users have none, and then no filter
        # keeps the list off its registered_on index
        conflicted = declared_conflicts(user).organisation_ids
        return commitments.exclude(promisor_id__in=sorted(conflicted)) if conflicted else commitments
    if roles & UNIT_ROLES and user.organisation_id:
        return commitments.filter(promisor_id=user.organisation_id)
    return Commitment.objects.none()


def commitment_get(user, pk) -> Commitment:
    try:
        return visible_commitments(user).select_related("lead").get(pk=pk)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("承诺不存在或您无权查看。"), code="not_found") from None


def milestone_get(user, pk) -> Milestone:
    visible = Milestone.objects.filter(commitment__in=visible_commitments(user).values("pk"))
    try:
        return visible.select_related("commitment__promisor").get(pk=pk)
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("履约节点不存在或您无权查看。"), code="not_found") from None


def change_request_get(user, pk) -> ChangeRequest:
    visible = ChangeRequest.objects.filter(commitment__in=visible_commitments(user).values("pk"))
    try:
        return visible.select_related("commitment__promisor").get(pk=pk)
    except (ChangeRequest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("变更申请不存在或您无权查看。"), code="not_found") from None


def filtered(commitments: QuerySet[Commitment], *, unit=None, type="", state="") -> QuerySet[Commitment]:
    if unit:
        commitments = commitments.filter(promisor_id=unit)
    if type:
        commitments = commitments.filter(type=type)
    if state:
        commitments = commitments.filter(state=state)
    return commitments


def broken_commitments(year: int) -> dict[int, list[tuple[str, str]]]:
    """For the annual assessment: per promisor, each promise broken in `year` as (reference,
    explanation) — a milestone due that year missed with a lead (违约失信), and a commitment
    found breached that year. Two queries whatever the number."""
    broken: dict[int, list[tuple[str, str]]] = defaultdict(list)
    missed = (
        Milestone.objects.filter(state=MilestoneState.MISSED, lead__isnull=False, due_on__year=year)
        .select_related("commitment", "lead")
        .order_by("due_on", "id")
    )
    for milestone in missed:
        commitment = milestone.commitment
        reference = f"{commitment.number} / {milestone.description[:40]}（{milestone.due_on.isoformat()}）"
        explanation = (
            f"{milestone.get_reason_display()}：{milestone.explanation or '—'}（{milestone.lead.reference}）"
        )
        broken[commitment.promisor_id].append((reference, explanation))
    breached = Commitment.objects.filter(
        state=CommitmentState.BREACHED, breached_on__year=year
    ).select_related("lead")
    for commitment in breached.order_by("breached_on", "id"):
        lead = f"（{commitment.lead.reference}）" if commitment.lead_id else ""
        broken[commitment.promisor_id].append(
            (f"{commitment.number} {commitment.document_title}", commitment.breach_reason + lead)
        )
    return dict(broken)


def milestones_of(commitment: Commitment) -> QuerySet[Milestone]:
    return commitment.milestones.select_related("lead").order_by("due_on", "id")
