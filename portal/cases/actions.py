"""What a user may do now on a case object: the buttons of the case page and the guard of the
action form.

`available_actions(user, obj)` offers a spec (portal.cases.specs) when the service's guards
let the user take it: `casework.permissions.role_refusal` (or the spec's own guard of who
may) on the object's record, the states its step leaves from, the spec's further condition,
and the step's own guard (casework.guards). A step not offered shows that guard's refusal,
the message the service gives; the service decides again when the form is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from casework.errors import DomainError
from casework.guards import Refusal, illegal_state
from casework.permissions import Conflicts, declared_conflicts, role_refusal

from .kinds import kind_of
from .specs import ActionSpec, spec_for, specs_for

__all__ = ["Action", "action_url", "available_actions", "refusal", "step_refusal"]


@dataclass(frozen=True)
class Action:
    kind: str
    pk: int
    step: str
    label: str
    url: str
    creates: bool = False
    danger: bool = False


def action_url(kind: str, pk: int, step: str) -> str:
    return reverse("case-action", kwargs={"kind": kind, "pk": pk, "step": step})


def _conflicts(user) -> Conflicts:
    """The user's 回避 declarations, read once per request (pages list many records, each
    with several steps); the service the form calls checks them afresh."""
    if not hasattr(user, "_chengxin_conflicts"):
        user._chengxin_conflicts = declared_conflicts(user)
    return user._chengxin_conflicts


def _who(user, obj, spec: ActionSpec) -> Refusal | None:
    if spec.who is not None:
        return spec.who(user, obj)
    return role_refusal(user, kind_of(obj).record(obj), spec.step, conflicts=_conflicts(user))


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


def step_refusal(user, obj, spec: ActionSpec) -> Refusal | None:
    """The refusal the service would give `user` taking `spec` on `obj` now, in the
    services' order (who, state, then the step's own guard), or None."""
    found = spec.first(user, obj) if spec.first is not None else None
    found = found or _who(user, obj, spec) or _state(user, obj, spec) or _when(obj, spec)
    if found is None and spec.guard is not None:
        found = spec.guard(user, obj)
    return found


def refusal(user, obj, spec: ActionSpec) -> str | None:
    """Why `user` cannot take `spec` on `obj` now (a sentence for the page), or None."""
    found = step_refusal(user, obj, spec)
    return None if found is None else str(found.message)


def available_actions(user, obj) -> list[Action]:
    """The actions `user` may take on `obj` now: the steps of its state table in their
    order, then what creates a new object, then what ends or undoes something."""
    kind = kind_of(obj)
    actions = [
        Action(
            kind=kind.name,
            pk=obj.pk,
            step=spec.slug,
            label=spec.title,
            url=action_url(kind.name, obj.pk, spec.slug),
            creates=spec.creates,
            danger=spec.danger,
        )
        for spec in specs_for(kind.name)
        if refusal(user, obj, spec) is None
    ]
    return sorted(actions, key=lambda a: (a.danger, a.creates))


def action_for(kind: str, step: str) -> ActionSpec | None:
    return spec_for(kind, step)
