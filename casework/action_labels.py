"""The words for every action the audit trail records, for the case timeline and the admin.

A step's label is its lifecycle table's (casework.lifecycle, notices.lifecycle): the entry
of a step is "<audit prefix>.<step>" ("objection.accept"), or the bare step name for the
record ("propose"). The tables are the object kinds' (casework.kinds, every installed app's),
so a step added to a table, or a kind declared, is labelled with no further work. The few
actions that are not steps of a table are named in ACTIONS; apps above casework register
theirs (notices: NoticeAction), since casework does not import them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import all_kinds
from .lifecycle import Step


#: Audited actions that are not steps of a table, with their labels. The stored action is the
#: value: it is hashed into the audit chain, so a value never changes once written.
class AuditAction(models.TextChoices):
    REGISTER_LEAD = "register_lead", _("登记线索")
    OBJECTION_FILE = "objection.file", _("提出异议")
    OBJECTION_FLAG_ON = "objection_flag_on", _("标记“异议处理中”")
    OBJECTION_FLAG_OFF = "objection_flag_off", _("解除“异议处理中”")
    RECTIFICATION_DRAFT = "rectification.draft", _("拟定整改通知")
    RECTIFICATION_EXPLAIN = "rectification.explain", _("提交情况说明")
    RECTIFICATION_EVIDENCE_CHANGED = "rectification.evidence_changed", _("整改材料变更")
    RECTIFICATION_URGE_ITEMS = "rectification.urge_items", _("逾期催办")
    RECTIFICATION_ESCALATE_ITEMS = "rectification.escalate_items", _("逾期督办")
    EXTENSIONREQUEST_REQUEST = "extensionrequest.request", _("申请延期整改")
    EXTENSIONREQUEST_APPROVE = "extensionrequest.approve", _("批准延期整改")
    EXTENSIONREQUEST_REJECT = "extensionrequest.reject", _("不予批准延期整改")
    ATTACHMENT_UPLOAD = "attachment.upload", _("上传附件")
    ATTACHMENT_VISIBILITY = "attachment.visibility", _("更改附件可见范围")
    REPAIRAPPLICATION_APPLY = "repairapplication.apply", _("申请信用修复")
    MARK_OBLIGATIONS_FULFILLED = "mark_obligations_fulfilled", _("登记义务履行完毕")
    ACCOUNTABILITY_INITIATE = "accountability.initiate", _("启动责任追究")
    ACCOUNTABILITY_FLAG_REEXAMINATION = "accountability.flag_reexamination", _("标记需重新审查")
    SANCTION_RELEASE = "sanction.release", _("处分期满解除")
    HONOURS_CHECK = "honours.check", _("评优评先查询")
    DEADLINE_OVERDUE = "deadline_overdue", _("期限已过")
    DEADLINE_RECOMPUTE = "deadline_recompute", _("重新计算期限")
    DEADLINE_REMIND = "deadline_remind", _("提醒当事方按期办理")
    CALENDAR_LOAD = "calendar_load", _("载入节假日安排")
    RULE_CREATE = "rule_create", _("新增期限规则")
    RULE_UPDATE = "rule_update", _("修改期限规则")
    IDENTIFIER_OVERRIDE = "identifier_override", _("核实保存未通过校验的代码")
    IMPORT_CREATE = "import_create", _("批量导入新增")  # exchange.directory: organisations, civil servants
    IMPORT_UPDATE = "import_update", _("批量导入更新")
    TASK_ASSIGN = "task_assign", _("分配待办任务")  # workflows: a viewflow task handed to a user
    # exchange: the outbox towards the province and other systems
    OUTBOUND_DEAD = "outbound.dead", _("外发消息多次发送失败")
    OUTBOUND_RESEND = "outbound.resend", _("重新发送外发消息")
    OUTBOUND_OVERDUE = "outbound.overdue", _("外发消息逾期未送达")


#: Every action that is not a step, by its stored value (apps above casework add theirs).
ACTIONS: dict[str, str] = dict(AuditAction.choices)


def register(actions: Mapping[str, str]) -> None:
    """Add an app's actions that are not steps (its steps are its kinds')."""
    ACTIONS.update(actions)


@cache
def step_tables() -> dict[str, Mapping[str, Step]]:
    """The step table of every kind that has steps, by its audit prefix ("objection" for
    "objection.accept"; "" for the record, whose steps are audited bare)."""
    return {kind.audit_prefix: kind.steps for kind in all_kinds() if kind.steps}


def label_of(action: str) -> str | None:
    """The action's label, or None when nothing names it."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    prefix, _dot, step = action.rpartition(".")
    table = step_tables().get(prefix, {})
    return str(table[step].label) if step in table else None


def action_label(action: str) -> str:
    """The action's label; an action nothing names yet reads as a generic "操作" rather
    than as its code (tests/test_ui_language.py keeps this list complete)."""
    label = label_of(action)
    return label if label is not None else str(_("其他操作"))


def choices() -> list[tuple[str, str]]:
    """Every known action with its label, e.g. for a filter."""
    known = {f"{prefix}.{step}" if prefix else step for prefix, t in step_tables().items() for step in t}
    return sorted(((a, label_of(a) or a) for a in known | set(ACTIONS)), key=lambda pair: pair[1])
