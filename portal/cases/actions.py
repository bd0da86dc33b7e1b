"""What a user may do now on a case object: the buttons of the case page and the guard of the
action form.

`available_actions(user, obj)` offers a spec (portal.cases.specs) when the service's guards
let the user take it: `casework.permissions.role_refusal` (or the spec's own guard of who
may) on the object's record, the states its step leaves from, the spec's further condition,
and the step's own guard (casework.guards). A step not offered shows that guard's refusal,
the message the service gives; the service decides again when the form is sent.

`step_actions(user, obj)` adds, for the object's own page, the steps the user could take by
role and state but that a guard refuses now (separation of duties, 回避, a business
precondition), greyed out with the guard's reason. A step the user has no role for, or that
the object's state (or the portal's further condition) does not admit, is left out: it is
not the user's to take, and listing it would be noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from casework.errors import DomainError
from casework.guards import Refusal, illegal_state
from casework.permissions import (
    CONFLICT_OF_INTEREST,
    Conflicts,
    conflicts_held,
    declared_conflicts,
    role_refusal,
)

from .kinds import kind_of
from .specs import ActionSpec, spec_for, specs_for

__all__ = [
    "Action",
    "action_url",
    "available_actions",
    "page_conflicts",
    "refusal",
    "step_actions",
    "step_refusal",
]


@dataclass(frozen=True)
class Action:
    kind: str
    pk: int
    step: str
    label: str
    url: str
    creates: bool = False
    danger: bool = False
    #: Why a guard refuses the step now (its message): shown greyed out, with no url to open.
    refused: str | None = None

    @property
    def reason_id(self) -> str:
        """The id of the reason beside a greyed-out step, for aria-describedby."""
        return f"refused-{self.kind}-{self.pk}-{self.step}"


def action_url(kind: str, pk: int, step: str) -> str:
    return reverse("case-action", kwargs={"kind": kind, "pk": pk, "step": step})


def page_conflicts(user) -> Conflicts:
    """The user's 回避 declarations, read once per request (pages list many records, each
    with several steps), or those the page holds (casework.permissions.conflicts_read_once);
    the service the form calls checks them afresh."""
    held = conflicts_held(user)
    if held is not None:
        return held
    if not hasattr(user, "_chengxin_conflicts"):
        user._chengxin_conflicts = declared_conflicts(user)
    return user._chengxin_conflicts


def _who(user, obj, spec: ActionSpec) -> Refusal | None:
    if spec.who is not None:
        return spec.who(user, obj)
    return role_refusal(user, kind_of(obj).record(obj), spec.step, conflicts=page_conflicts(user))


def _state(user, obj, spec: ActionSpec) -> Refusal | None:
    if spec.state is not None:
        return spec.state(user, obj)
    kind = kind_of(obj)
    if kind.state(obj) in spec.step.sources:
        return None
    return illegal_state(kind.state_label(obj), spec.step.label)  # the service's words


def _when(obj, spec: ActionSpec) -> Refusal | None:
    if spec.when is None or spec.when(obj):
        return None
    return DomainError(_("“%(step)s”目前不可办理。") % {"step": spec.title})


def _assess(user, obj, spec: ActionSpec) -> tuple[Refusal | None, bool]:
    """The refusal the service would give `user` taking `spec` on `obj` now, in the
    services' order (its own state check, who, state, then the step's own guard), and
    whether the page shows it greyed out.

    Shown: the step's own guard, and 回避 where the state admits the step (the user holds
    the role). Hidden: what the service checks first (`first`: a state check), a user
    without the step's role, a state the step does not leave from, and the portal's
    further condition, whose "目前不可办理" is the portal's, not a guard's. The state is
    asked after a refusal of who only for 回避, so a page costs no more queries."""
    if spec.first is not None and (found := spec.first(user, obj)) is not None:
        return found, False
    who = _who(user, obj, spec)
    if who is not None and who.code != CONFLICT_OF_INTEREST:
        return who, False
    applies = _state(user, obj, spec) or _when(obj, spec)
    if applies is not None:
        return who or applies, False
    found = who or (spec.guard(user, obj) if spec.guard is not None else None)
    return found, found is not None


def step_refusal(user, obj, spec: ActionSpec) -> Refusal | None:
    """The refusal the service would give `user` taking `spec` on `obj` now, or None."""
    return _assess(user, obj, spec)[0]


def refusal(user, obj, spec: ActionSpec) -> str | None:
    """Why `user` cannot take `spec` on `obj` now (a sentence for the page), or None."""
    found = step_refusal(user, obj, spec)
    return None if found is None else str(found.message)


def _action(kind: str, obj, spec: ActionSpec, refused: Refusal | None) -> Action:
    return Action(
        kind=kind,
        pk=obj.pk,
        step=spec.slug,
        label=spec.title,
        url="" if refused is not None else action_url(kind, obj.pk, spec.slug),
        creates=spec.creates,
        danger=spec.danger,
        refused=None if refused is None else str(refused.message),
    )


def step_actions(user, obj) -> list[Action]:
    """The steps `user` may take on `obj` now and, greyed out (`refused`), those a guard
    refuses them: the steps of its state table in their order, then what creates a new
    object, then what ends or undoes something. For the object's own page only: a list of
    many objects offers what may be done (`available_actions`)."""
    kind = kind_of(obj)
    actions = []
    for spec in specs_for(kind.name):
        found, shown = _assess(user, obj, spec)
        if found is None or shown:
            actions.append(_action(kind.name, obj, spec, found))
    return sorted(actions, key=lambda a: (a.danger, a.creates))


def available_actions(user, obj) -> list[Action]:
    """The actions `user` may take on `obj` now, in the order of `step_actions`."""
    return [action for action in step_actions(user, obj) if action.refused is None]


def action_for(kind: str, step: str) -> ActionSpec | None:
    return spec_for(kind, step)
