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

from django.utils.translation import gettext as _

from .errors import DomainError, PermissionDeniedError

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


def separated(message, holder_id, acting_user) -> Refusal | None:
    """Separation of duties: the user who did the earlier part (`holder_id`) may not do this one."""
    if holder_id is None or acting_user is None or holder_id != acting_user.pk:
        return None
    return PermissionDeniedError(message, code="separation_of_duties")


# ── separation of duties: nobody approves their own work ──────────────────────────


def own_proposal(acting_user, record) -> Refusal | None:
    """T5 and T7: the approver approves and determines another officer's proposal."""
    return separated(_("拟认定人不能审批自己提出的认定。"), record.proposed_by_id, acting_user)


def own_rectification_draft(acting_user, rectification) -> Refusal | None:
    """The 整改通知书 is issued by someone other than its drafter."""
    return separated(_("拟稿人不能签发自己拟定的整改通知。"), rectification.drafted_by_id, acting_user)


def own_case(acting_user, case) -> Refusal | None:
    """The collective decision of an accountability case is not approved by who opened it."""
    return separated(_("立案人不能审批本案的处理决定。"), case.initiated_by_id, acting_user)
