"""Why a user may not take a commitment step now (None: they may). The services raise these
refusals; the pages show them on greyed-out buttons. Guards read, never write."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.errors import DomainError, PermissionDeniedError
from casework.guards import Reason, Refusal, illegal_state, separated
from casework.lifecycle import Step
from casework.permissions import roles_of
from casework.roles import Role

from ..models import ChangeRequest, Commitment, Milestone
from .lifecycle import COMMITMENT_STEPS, LIVE_STATES, MILESTONE_STEPS, ChangeState

OWN_REQUEST = Reason(gettext_lazy("变更申请的提交人不能审批自己提交的申请。"), "separation_of_duties")


def acting_role(user, step: Step, promisor_id: int | None) -> str | None:
    """The role `user` takes `step` in on a commitment of `promisor_id`: a commission role
    for any unit, a unit role for the user's own unit only; None when neither."""
    roles = roles_of(user) & step.roles
    commission = sorted(r for r in roles if r not in (Role.UNIT_LIAISON, Role.UNIT_HEAD))
    if commission:
        return commission[0]
    if roles and user.organisation_id and user.organisation_id == promisor_id:
        return sorted(roles)[0]
    return None


def role_refusal(user, step: Step, promisor_id: int | None) -> Refusal | None:
    if acting_role(user, step, promisor_id) is not None:
        return None
    if roles_of(user) & step.roles:
        return PermissionDeniedError(_("只能办理本单位的承诺。"), code="not_own_unit")
    return PermissionDeniedError(
        _("您的岗位不能办理：%(step)s。") % {"step": step.label}, code="permission_denied"
    )


def step_refusal(user, step: Step, obj, promisor_id: int) -> Refusal | None:
    """Role, unit and state: what every step checks first."""
    refusal = role_refusal(user, step, promisor_id)
    if refusal is None and obj.state not in step.sources:
        refusal = illegal_state(obj.get_state_display(), str(step.label))
    return refusal


def commitment_refusal(user, commitment: Commitment, step_name: str) -> Refusal | None:
    step = COMMITMENT_STEPS[step_name]
    refusal = step_refusal(user, step, commitment, commitment.promisor_id)
    if refusal is None and step_name == "request_change" and _pending_change(commitment):
        refusal = PermissionDeniedError(_("已有待审批的变更申请。"), code="change_pending")
    return refusal


def milestone_refusal(user, milestone: Milestone, commitment: Commitment, step_name: str) -> Refusal | None:
    """A milestone is recorded while its commitment is still to be kept."""
    refusal = step_refusal(user, MILESTONE_STEPS[step_name], milestone, commitment.promisor_id)
    if refusal is None and commitment.state not in LIVE_STATES:
        refusal = DomainError(
            _("承诺已%(state)s，不能再登记履约情况。") % {"state": commitment.get_state_display()},
            field="state",
            code="illegal_transition",
        )
    return refusal


def decide_refusal(user, request: ChangeRequest, step: Step) -> Refusal | None:
    refusal = step_refusal(user, step, request, request.commitment.promisor_id)
    return refusal or separated(OWN_REQUEST, request.submitted_by_id, user)


def _pending_change(commitment: Commitment) -> bool:
    return commitment.change_requests.filter(state=ChangeState.SUBMITTED).exists()
