"""The case flows: who must do what next, for the record and each sub-process.

Each flow mirrors its object's state table (casework.lifecycle) instead of repeating it:
`route` looks at the object's CURRENT legal state and opens the one task that state
needs (`NODES`), or ends the process when the state needs nobody. A task is never done
inside viewflow: the user calls the casework service (API, admin, page or scheduler),
the service's step listener (workflows.follow) completes the waiting task in the same
transaction, and the flow comes back to `route`. So work state cannot drift from legal
state, and every caller takes the same path.

A task node is named after the step of its object's kind that completes it (a node that
takes several steps says why it is named otherwise); its title is the step's label unless
the queue words the work otherwise (nodes.step_task). Node names are stored in the database (viewflow's Task.flow_task,
"workflows/flows.<Flow>.<node>"): renaming one takes a data migration of the tasks
(workflows 0002 renamed the two `verify` nodes to `start_verification`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from casework import kinds
from casework.kinds import ObjectKind
from casework.lifecycle import (
    AccountabilityState,
    ObjectionState,
    RecordState,
    RectificationState,
    RepairState,
)
from casework.models import Appeal, RectificationItem
from casework.services.rectification import sign_off_is_current

from .models import (
    AccountabilityProcess,
    ObjectionProcess,
    RecordProcess,
    RectificationProcess,
    RepairProcess,
    subject_key,
)
from .nodes import HumanTask, case_officer, state_lock, step_task, subject_task


def at(node_name: str):
    """Switch condition: the followed object's state needs `node_name` now."""

    def condition(activation) -> bool:
        process = activation.process
        return process.flow_class.node_for(process.subject) == node_name

    return condition


def router(*node_names: str) -> nodes.Switch:
    switch = nodes.Switch()
    for name in node_names:
        switch.Case(getattr(this, name), at(name))
    return switch.Default(this.end)


class CaseFlow(Flow):
    """A flow following one kind of domain object (`object_kind`: its model, its record, who
    sees it are the kind's), with the link from the process to it (`subject_field`) and
    the state → node table. Each task is a step of the kind's lifecycle (nodes.step_task)."""

    lock_impl = state_lock
    object_kind: ObjectKind
    kind: str = ""  # the object kind's name
    model: type[models.Model]
    subject_field: str = ""
    NODES: dict[str, str] = {}
    #: Objects under the followed one whose time limits are also its tasks' (model, path
    #: from that model to the followed object).
    deadline_children: tuple[tuple[type[models.Model], str], ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "object_kind" in vars(cls):
            cls.kind, cls.model = cls.object_kind.name, cls.object_kind.model

    @classmethod
    def node_for(cls, obj) -> str | None:
        """The node whose task the object's current state needs (None: nothing, the end)."""
        return cls.NODES.get(obj.state)

    @classmethod
    def record_of(cls, obj):
        return cls.object_kind.record_of(obj)

    @classmethod
    def visible(cls, user) -> models.QuerySet:
        """The followed objects `user` may see: its process and tasks are visible with them."""
        return cls.object_kind.visible(user)

    @classmethod
    def human_tasks(cls) -> list[HumanTask]:
        return [node for node in cls.instance.nodes() if isinstance(node, HumanTask)]

    def start_process(self, activation, obj):
        process = activation.process
        if self.subject_field:
            setattr(process, self.subject_field, obj)
        process.record = self.record_of(obj)
        process.artifact = obj
        process.key = subject_key(obj)
        return process


S = RecordState


class RecordFlow(CaseFlow):
    """失信认定 (DOMAIN §5.1 T2–T8): from lead to a served decision; what follows an
    effective record runs in the sub-process flows."""

    process_class = RecordProcess
    process_title = _("失信认定")
    object_kind = kinds.RECORD
    NODES = {
        S.LEAD: "start_verification",
        S.VERIFYING: "propose",
        S.PROPOSED: "approve_pre_notice",
        S.PRE_NOTICE: "determine",
        S.DETERMINED: "serve",
    }

    @classmethod
    def node_for(cls, record) -> str | None:
        # T6: a statement made after the prior notice must be answered before re-notice.
        if record.state == S.PROPOSED and record.defence_statement and not record.defence_reply:
            return "answer_defence"
        # T5: the 事前告知书 is issued and served before anyone may determine.
        if record.state == S.PRE_NOTICE and not record.pre_notice_served_on:
            return "serve_pre_notice"
        return super().node_for(record)

    start = nodes.StartHandle(this.start_process).Next(this.route)
    route = router(
        "start_verification",
        "propose",
        "answer_defence",
        "approve_pre_notice",
        "serve_pre_notice",
        "determine",
        "serve",
    )
    start_verification = step_task(object_kind, "start_verification").Next(this.route)
    propose = step_task(object_kind, "propose", _("核查并提出拟认定"), assign=case_officer).Next(this.route)
    answer_defence = step_task(object_kind, "answer_defence", assign=case_officer).Next(this.route)
    approve_pre_notice = step_task(object_kind, "approve_pre_notice", _("审批拟认定")).Next(this.route)
    serve_pre_notice = step_task(
        object_kind, "serve_pre_notice", _("签发并送达事前告知书"), assign=case_officer
    ).Next(this.route)
    determine = step_task(object_kind, "determine", _("作出认定决定")).Next(this.route)
    serve = step_task(object_kind, "serve", assign=case_officer).Next(this.route)
    end = nodes.End()


OS = ObjectionState


class ObjectionFlow(CaseFlow):
    """异议处理 (DOMAIN §6.2)."""

    process_class = ObjectionProcess
    process_title = _("异议处理")
    object_kind = kinds.OBJECTION

    subject_field = "objection"
    NODES = {
        OS.SUBMITTED: "accept",
        OS.NEEDS_SUPPLEMENT: "supplement",
        OS.ACCEPTED: "start_verification",
        OS.VERIFYING: "decide",
        OS.EXTENDED: "decide",
        OS.DECIDED: "serve",
        OS.SERVED: "close",
    }

    start = nodes.StartHandle(this.start_process).Next(this.route)
    route = router("accept", "supplement", "start_verification", "decide", "serve", "close")
    # Also the task of the other outcomes of the acceptance (request_supplement, refuse).
    accept = step_task(object_kind, "accept", _("审查异议材料并决定是否受理")).Next(this.route)
    supplement = subject_task(object_kind, "supplement", _("补正异议材料")).Next(this.route)
    start_verification = step_task(object_kind, "start_verification", _("开始异议核查")).Next(this.route)
    decide = step_task(object_kind, "decide").Next(this.route)
    serve = step_task(object_kind, "serve", _("送达异议处理结果")).Next(this.route)
    close = step_task(object_kind, "close", _("异议办结")).Next(this.route)
    end = nodes.End()


RS = RectificationState


class RectificationFlow(CaseFlow):
    """整改 (DOMAIN §6.3), at the level of the order; each item's deadline counts
    towards the task's due date. Overdue items, reminders and escalation are the
    sweeps' (item steps); an escalated order ends here, its work goes on as accountability."""

    process_class = RectificationProcess
    process_title = _("整改")
    object_kind = kinds.RECTIFICATION

    subject_field = "rectification"
    deadline_children = ((RectificationItem, "rectification"),)
    NODES = {
        RS.DRAFT: "issue",
        RS.ISSUED: "serve",
        RS.IN_PROGRESS: "submit",
        RS.RETURNED: "submit",
        RS.SUBMITTED: "start_review",
        RS.REVIEWING: "review",
    }

    @classmethod
    def node_for(cls, rectification) -> str | None:
        # Scenario 12: evidence changed since the head's last signature → the head signs
        # first; otherwise the liaison uploads what is owed and submits.
        node = super().node_for(rectification)
        if node == "submit" and rectification.evidence_changed_at and not sign_off_is_current(rectification):
            return "sign_off"
        return node

    start = nodes.StartHandle(this.start_process).Next(this.route)
    route = router("issue", "serve", "submit", "sign_off", "start_review", "review")
    issue = step_task(object_kind, "issue", _("签发整改通知")).Next(this.route)
    serve = step_task(object_kind, "serve").Next(this.route)
    submit = subject_task(object_kind, "submit", _("上传整改材料并提交整改报告")).Next(this.route)
    sign_off = subject_task(object_kind, "sign_off", _("主要负责人审阅签字")).Next(this.route)
    start_review = step_task(object_kind, "start_review", _("接收整改报告")).Next(this.route)
    # Named after no single step but after the use case that takes several, as its service
    # (rectification_review) and the portal's form are: each item accepted or returned (the
    # item's accept, return_), then the order accepted or returned with them (accept,
    # return_items). Its roles are an item's acceptance's.
    review = step_task(kinds.ITEM, "accept", _("逐项审核整改材料")).Next(this.route)
    end = nodes.End()


AS = AccountabilityState


class AccountabilityFlow(CaseFlow):
    """责任追究 (DOMAIN §6.4). The sanction period runs in IN_PERIOD, where the task is
    its release; an appeal does not stop it (S15 Art 56)."""

    process_class = AccountabilityProcess
    process_title = _("责任追究")
    object_kind = kinds.ACCOUNTABILITY

    subject_field = "accountability"
    deadline_children = ((Appeal, "sanction__accountability"),)
    NODES = {
        AS.INITIATED: "investigate",
        AS.INVESTIGATING: "hear",
        AS.HEARING: "deliberate",
        AS.DELIBERATION: "decide",
        AS.DECIDED: "serve",
        AS.SERVED: "execute",
        AS.EXECUTING: "start_period",
        AS.IN_PERIOD: "release",
        AS.APPEALED: "decide_appeal",
        AS.RELEASED: "close",
    }

    start = nodes.StartHandle(this.start_process).Next(this.route)
    route = router(
        "investigate",
        "hear",
        "deliberate",
        "decide",
        "serve",
        "execute",
        "start_period",
        "release",
        "decide_appeal",
        "close",
    )
    investigate = step_task(object_kind, "investigate", _("立案调查")).Next(this.route)
    hear = step_task(object_kind, "hear").Next(this.route)
    deliberate = step_task(object_kind, "deliberate").Next(this.route)
    decide = step_task(object_kind, "decide", _("集体审议并作出决定")).Next(this.route)
    serve = step_task(object_kind, "serve").Next(this.route)
    execute = step_task(object_kind, "execute", _("执行处分决定")).Next(this.route)
    start_period = step_task(object_kind, "start_period", _("登记处分期开始")).Next(this.route)
    release = step_task(object_kind, "release").Next(this.route)
    decide_appeal = step_task(object_kind, "decide_appeal", _("作出复审/复核/申诉决定")).Next(this.route)
    close = step_task(object_kind, "close", _("责任追究办结")).Next(this.route)
    end = nodes.End()


PS = RepairState


class RepairFlow(CaseFlow):
    """信用修复 (DOMAIN §6.5): accept at once, decide in 3 WD (+3 once)."""

    process_class = RepairProcess
    process_title = _("信用修复")
    object_kind = kinds.REPAIR

    subject_field = "repair"
    NODES = {PS.SUBMITTED: "accept", PS.ACCEPTED: "decide", PS.EXTENDED: "decide"}

    start = nodes.StartHandle(this.start_process).Next(this.route)
    route = router("accept", "decide")
    accept = step_task(object_kind, "accept", _("受理信用修复申请")).Next(this.route)
    # Named after no single step: the approver's decision grants or refuses (an extension
    # is taken within it); both steps are the approver's, so it has grant's roles.
    decide = step_task(object_kind, "grant", _("作出信用修复决定")).Next(this.route)
    end = nodes.End()


FLOWS: tuple[type[CaseFlow], ...] = (
    RecordFlow,
    ObjectionFlow,
    RectificationFlow,
    AccountabilityFlow,
    RepairFlow,
)
FLOW_BY_MODEL = {flow.model: flow for flow in FLOWS}
FLOW_BY_KIND = {flow.kind: flow for flow in FLOWS}
