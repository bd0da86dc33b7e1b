"""What a user may do now on a case object: the buttons of the case page and the guard of the
action form.

`available_actions(user, obj)` offers a spec (portal.cases.specs) when the object is in one
of the states its step leaves from, `casework.permissions.acting_role` lets the user take the
step on the object's record, the spec's further condition holds and so does the service's
own guard where it has one (SERVICE_GUARDS). The service decides again when the form is
sent: this only keeps buttons that cannot work off the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from casework.errors import PermissionDeniedError
from casework.permissions import Conflicts, acting_role, declared_conflicts, has_role, roles_of
from casework.roles import Role
from casework.services.records import answer_defence_refusal, submit_defence_refusal
from casework.services.validation import may_record_paper_filings

from .kinds import kind_of
from .specs import ActionSpec, spec_for, specs_for

__all__ = ["Action", "action_url", "available_actions", "refusal"]


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


def _separated(user, holder_id) -> bool:
    return holder_id is not None and holder_id == user.pk


def _own_work(user, obj, spec: ActionSpec) -> str | None:
    """Separation of duties (the services refuse these too): nobody approves their own work."""
    key = (spec.kind, spec.slug)
    if key in {("cases", "approve-pre-notice"), ("cases", "determine")} and _separated(
        user, obj.proposed_by_id
    ):
        return _("拟认定人不能审批自己提出的认定。")
    if key == ("rectifications", "issue") and _separated(user, obj.drafted_by_id):
        return _("拟稿人不能签发自己拟定的整改通知。")
    if key == ("notices", "approve") and _separated(user, obj.drafted_by_id):
        return _("拟稿人不能核准自己起草的文书。")
    if key == ("accountability", "decide") and _separated(user, obj.initiated_by_id):
        return _("立案人不能审批本案的处理决定。")
    if key == ("notices", "void") and obj.was_issued and not has_role(user, Role.APPROVER):
        return _("已签发的文书只能由审批人员作废。")
    return None


def _own_sanction(user, sanction) -> None:
    """An appeal is the sanctioned civil servant's own right (casework.services.appeals)."""
    if not (Role.CIVIL_SERVANT in roles_of(user) and user.person_id == sanction.person_id):
        raise PermissionDeniedError(_("只有受处理的公务员本人可以申请复审、复核或申诉。"))


#: Steps whose service refuses for what the object holds (or the day it is), not for its
#: state: the service's own guard (the refusal or None) for `(user, obj)`, asked before the
#: step is offered.
SERVICE_GUARDS = {
    ("cases", "answer-defence"): lambda user, record: answer_defence_refusal(record),
    ("cases", "submit-defence"): lambda user, record: submit_defence_refusal(record, acting_user=user),
}


def _service_refusal(user, obj, spec: ActionSpec) -> str | None:
    guard = SERVICE_GUARDS.get((spec.kind, spec.slug))
    refused = guard(user, obj) if guard is not None else None
    return None if refused is None else str(refused.message)


def _conflicts(user) -> Conflicts:
    """The user's 回避 declarations, read once per request (pages list many records, each
    with several steps); the service the form calls checks them afresh."""
    if not hasattr(user, "_chengxin_conflicts"):
        user._chengxin_conflicts = declared_conflicts(user)
    return user._chengxin_conflicts


def refusal(user, obj, spec: ActionSpec) -> str | None:
    """Why `user` cannot take `spec` on `obj` now (a sentence for the page), or None."""
    kind = kind_of(obj)
    if kind.state(obj) not in spec.step.sources:
        return _("当前状态“%(state)s”下不能执行“%(step)s”。") % {
            "state": kind.state_label(obj),
            "step": spec.title,
        }
    record = kind.record(obj)
    try:
        # The officer records an appeal received on paper: the step's roles decide then.
        if (spec.kind, spec.slug) == ("sanctions", "appeal") and not may_record_paper_filings(user):
            _own_sanction(user, obj)
        elif record is None:  # a case opened without a record: the role alone decides
            if not spec.step.roles & roles_of(user):
                raise PermissionDeniedError(_("您没有权限执行“%(step)s”操作。") % {"step": spec.title})
        else:
            acting_role(user, record, spec.step, conflicts=_conflicts(user))
    except PermissionDeniedError as exc:
        return str(exc.message)
    if spec.when is not None and not spec.when(obj):
        return _("“%(step)s”目前不可办理。") % {"step": spec.title}
    return _service_refusal(user, obj, spec) or _own_work(user, obj, spec)


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
