"""The guards of the steps: why a user may not take a step on an object now, each rule
written once.

A guard is a function that returns the refusal (a `Refusal`: the DomainError the service
raises, with its message, field and code, and its class saying 400 or 403) or None. The
service raises it (`refuse`); the portal asks the same function which buttons to offer and
shows its message on a step it does not offer; the API schema lists the messages
(casework.api.refusals). Guards read, never write: asking one changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError, PermissionDeniedError
from .lifecycle import ACCOUNTABILITY_STEPS, RECORD_STEPS, RECTIFICATION_STEPS, Step

#: A refusal not raised yet: what the service raises and the portal shows.
Refusal = DomainError
#: `(user, obj) -> Refusal | None`, for a step on one object.
Guard = Callable[..., Refusal | None]


def refuse(refusal: Refusal | None) -> None:
    """Raise the guard's refusal, if it has one."""
    if refusal is not None:
        raise refusal


def illegal_state(state_label: str, step_label: str) -> Refusal:
    """The object's state is not one the step leaves from."""
    return DomainError(
        _("当前状态“%(state)s”下不能执行“%(step)s”。") % {"state": state_label, "step": step_label},
        field="state",
        code="illegal_transition",
    )


@dataclass(frozen=True)
class Reason:
    """A refusal with a fixed sentence, declared once: the guard gives it, the API schema
    lists it under its step (REASONS)."""

    message: str  # lazy: translated when the refusal is made or the schema is read
    code: str
    status: int = 403

    def refusal(self) -> Refusal:
        error = PermissionDeniedError if self.status == 403 else DomainError
        return error(str(self.message), code=self.code)


def separated(reason: Reason, holder_id, acting_user) -> Refusal | None:
    """Separation of duties: the user who did the earlier part (`holder_id`) may not do this one."""
    if holder_id is None or acting_user is None or holder_id != acting_user.pk:
        return None
    return reason.refusal()


# ── separation of duties: nobody approves their own work ──────────────────────────

OWN_PROPOSAL = Reason(gettext_lazy("拟认定人不能审批自己提出的认定。"), "separation_of_duties")
OWN_ORDER = Reason(gettext_lazy("拟稿人不能签发自己拟定的整改通知。"), "separation_of_duties")
OWN_CASE = Reason(gettext_lazy("立案人不能审批本案的处理决定。"), "separation_of_duties")
#: An appeal is the sanctioned person's own right (casework.services.accountability.appeals.filer_refusal).
NOT_THE_SANCTIONED = Reason(
    gettext_lazy("只有受处理的公务员本人可以申请复审、复核或申诉。"), "permission_denied"
)


def own_proposal(acting_user, record) -> Refusal | None:
    """T5 and T7: the approver approves and determines another officer's proposal."""
    return separated(OWN_PROPOSAL, record.proposed_by_id, acting_user)


def own_rectification_draft(acting_user, rectification) -> Refusal | None:
    """The 整改通知书 is issued by someone other than its drafter."""
    return separated(OWN_ORDER, rectification.drafted_by_id, acting_user)


def own_case(acting_user, case) -> Refusal | None:
    """The collective decision of an accountability case is not approved by who opened it."""
    return separated(OWN_CASE, case.initiated_by_id, acting_user)


def _key(step: Step) -> tuple:
    return (step.name, step.domain_ref, step.sources)  # a label is lazy: hashing it translates


#: The fixed refusals of a step beyond its role and state, for the API schema
#: (casework.api.schema); another app's steps are declared from that app (`declare`).
REASONS: dict[tuple, tuple[Reason, ...]] = {
    _key(RECORD_STEPS["approve_pre_notice"]): (OWN_PROPOSAL,),
    _key(RECORD_STEPS["determine"]): (OWN_PROPOSAL,),
    _key(RECTIFICATION_STEPS["issue"]): (OWN_ORDER,),
    _key(ACCOUNTABILITY_STEPS["decide"]): (OWN_CASE,),
    _key(ACCOUNTABILITY_STEPS["appeal"]): (NOT_THE_SANCTIONED,),
}


def declare(step: Step, *reasons: Reason) -> None:
    REASONS[_key(step)] = (*REASONS.get(_key(step), ()), *reasons)


def reasons_for(step: Step) -> tuple[Reason, ...]:
    return REASONS.get(_key(step), ())
