"""The case's timeline: its audit trail (casework.queries.record_audit_entries, already
scoped to the reader), oldest first, in words: who, in which role, did what, why, when.

The commission's own readers also see the internal details the API shows only to them (the
IP address) and the changed fields; everyone else sees the step, the states and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from casework import queries
from casework.lifecycle import (
    ACCOUNTABILITY_STEPS,
    ITEM_STEPS,
    OBJECTION_STEPS,
    RECORD_STEPS,
    RECTIFICATION_STEPS,
    REPAIR_STEPS,
)
from casework.roles import Role
from notices.lifecycle import NOTICE_STEPS

from .kinds import KIND_OF_MODEL

#: The step table of each audited model, by model name ("objection.accept" → OBJECTION_STEPS).
TABLES = {
    "record": RECORD_STEPS,
    "objection": OBJECTION_STEPS,
    "rectification": RECTIFICATION_STEPS,
    "rectificationitem": ITEM_STEPS,
    "accountability": ACCOUNTABILITY_STEPS,
    "repairapplication": REPAIR_STEPS,
    "notice": NOTICE_STEPS,
}
#: Audited actions that are not steps of a table.
ACTIONS = {
    "register_lead": _("登记线索"),
    "objection.file": _("提出异议"),
    "objection_flag_on": _("标记“异议处理中”"),
    "objection_flag_off": _("解除“异议处理中”"),
    "rectification.draft": _("拟定整改通知"),
    "rectification.explain": _("提交情况说明"),
    "rectification.evidence_changed": _("整改材料变更"),
    "extensionrequest.request": _("申请延期整改"),
    "extensionrequest.approve": _("批准延期整改"),
    "extensionrequest.reject": _("不予批准延期整改"),
    "attachment.upload": _("上传附件"),
    "repairapplication.apply": _("申请信用修复"),
    "mark_obligations_fulfilled": _("登记义务履行完毕"),
    "accountability.initiate": _("启动责任追究"),
    "accountability.flag_reexamination": _("标记需重新审查"),
    "sanction.release": _("处分期满解除"),
    "notice.draft": _("拟稿文书"),
    "notice.render": _("生成文书 PDF"),
    "deadline_overdue": _("期限已过"),
    "deadline_recompute": _("重新计算期限"),
}


@dataclass
class Entry:
    when: object
    actor: str
    role: str
    action: str
    about: str
    change: str
    reason: str
    details: list[tuple[str, str]] = field(default_factory=list)  # internal: IP, changed fields
    ip: str = ""


def action_label(action: str) -> str:
    if action in ACTIONS:
        return str(ACTIONS[action])
    model, _dot, step = action.rpartition(".")
    table = TABLES.get(model or "record", {})
    return str(table[step].label) if step in table else action


def _state_label(model, state: str) -> str:
    kind = KIND_OF_MODEL.get(model)
    if not state or kind is None:
        return state
    try:
        return str(kind.states(state).label)
    except ValueError:
        return state


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _change(entry, model) -> str:
    before, after = _state_label(model, entry.from_state), _state_label(model, entry.to_state)
    if before and after and before != after:
        return f"{before} → {after}"
    return f"→ {after}" if after and not before else ""


def _short(value) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _diff(entry, clean) -> list[tuple[str, str]]:
    diff = entry.diff if isinstance(entry.diff, dict) else {}
    rows = []
    for name, change in diff.items():
        if (
            isinstance(change, list | tuple)
            and len(change) == 2
            and any(v not in (None, "", []) for v in change)
        ):
            rows.append((name, clean(f"{_short(change[0])} → {_short(change[1])}")))
    return rows


#: Objects whose own name says more than their kind (which notice, which item, which file).
NAMED = frozenset({"notice", "rectificationitem", "attachment"})


def _about(entry, model, record, clean) -> str:
    if model is None or model is type(record):
        return ""
    kind = str(model._meta.verbose_name)
    if model._meta.model_name == "notice":
        return clean(entry.object_repr)
    if model._meta.model_name in NAMED:
        return f"{kind} {clean(entry.object_repr)}"
    return kind


def timeline(user, record, *, internal: bool, clean=str) -> list[Entry]:
    """The record's trail as this user may read it; `clean` scrubs free text they may not see."""
    entries = queries.record_audit_entries(user=user, record_id=record.pk).select_related("content_type")
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        about = _about(entry, model, record, clean)
        rows.append(
            Entry(
                when=entry.created_at,
                actor=entry.actor_name or str(_("系统")),
                role=_role_label(entry.actor_role),
                action=action_label(entry.action),
                about=about,
                change=_change(entry, model),
                reason=clean(entry.reason),
                details=_diff(entry, clean) if internal else [],
                ip=(entry.ip_address or "") if internal else "",
            )
        )
    return rows
