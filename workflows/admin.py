"""viewflow registers admin pages listing every process and task to anyone with the
model's view permission (its model: "a user with flow view permission sees all", #505).
Replace them with read-only subclasses scoped like every other list (workflows.inbox).

They also speak Chinese: viewflow's own labels (model and field names, statuses, its flow
class paths) have no Chinese translation, and its models are not ours to change (a changed
verbose name would be a migration of viewflow's app). So the pages show our own columns,
filters and names instead: `ChineseOptions` renames the model where the admin prints it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.http import Http404
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.fields import get_flow_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from .inbox import visible_q
from .nodes import HumanTask

APP_NAME = _("流程引擎")
PROCESS_STATUS = {
    PROCESS.NEW: _("办理中"),
    PROCESS.DONE: _("已完成"),
    PROCESS.CANCELED: _("已取消"),
}
TASK_STATUS = {
    STATUS.NEW: _("待认领"),
    STATUS.ASSIGNED: _("已认领"),
    STATUS.STARTED: _("办理中"),
    STATUS.DONE: _("已完成"),
    STATUS.CANCELED: _("已取消"),
    STATUS.ERROR: _("出错"),
    STATUS.SCHEDULED: _("已排期"),
    STATUS.REVIVED: _("已恢复"),
}
#: What a task that is not a person's work does, by viewflow's node type.
NODE_TYPES = {
    "START": _("开始"),
    "HUMAN_START": _("开始"),
    "END": _("结束"),
    "SWITCH": _("自动分派"),
    "EXCLUSIVE_GATEWAY": _("自动分派"),
    "PARALLEL_GATEWAY": _("并行分支"),
    "JOIN": _("汇合"),
    "FUNCTION": _("自动处理"),
    "JOB": _("后台处理"),
    "EVENT": _("事件"),
    "CONDITION": _("等待条件"),
}


class ChineseOptions:
    """A model's `_meta` as the admin prints it, under our names; everything else is the
    model's own."""

    def __init__(self, opts, verbose_name, verbose_name_plural):
        self._opts = opts
        self.verbose_name = verbose_name
        self.verbose_name_plural = verbose_name_plural

    def __getattr__(self, name):
        return getattr(self._opts, name)


class Named:
    """An object printed under another name; everything else is the object's own."""

    def __init__(self, obj, name: str):
        self._obj, self._name = obj, name

    def __str__(self):
        return self._name

    def __getattr__(self, name):
        return getattr(self._obj, name)


class _ChineseChangeList(ChangeList):
    def __init__(self, request, model, *args, **kwargs):
        super().__init__(request, model, *args, **kwargs)
        self.opts = self.model_admin.opts
        self.title = gettext("选择%(name)s查看") % {"name": self.opts.verbose_name}


class _ReadOnly:
    names: tuple = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.opts = ChineseOptions(model._meta, *self.names)

    def get_changelist(self, request, **kwargs):
        return _ChineseChangeList

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def object_name(self, obj) -> str:
        return str(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's heading and breadcrumb print str(obj): viewflow's is "<flow.Node/pk> - STATUS".
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None:
            name = self.object_name(obj)
            response.context_data.update(subtitle=name, original=Named(obj, name))
        return response

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is a real 404, as on every casework admin page (casework.admin.records).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("对象不存在或您无权查看。"))
        return obj


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _when(moment) -> str:
    return formats.localize(timezone.localtime(moment)) if moment else "—"


def _flow_title(flow_class) -> str:
    return str(flow_class.process_title) if flow_class is not None else "—"


def task_title(task) -> str:
    flow_task = task.flow_task
    if flow_task is None:
        return "—"
    if isinstance(flow_task, HumanTask):
        return str(flow_task.task_title)
    return str(NODE_TYPES.get(task.flow_task_type, _("流程节点")))


class _StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"
    labels: dict = {}

    def lookups(self, request, model_admin):
        return list(self.labels.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class ProcessStatusFilter(_StatusFilter):
    labels = PROCESS_STATUS


class TaskStatusFilter(_StatusFilter):
    labels = TASK_STATUS


def _flow_choices() -> list[tuple[str, str]]:
    classes = Process._default_manager.order_by("flow_class").values_list("flow_class", flat=True).distinct()
    return [(get_flow_ref(c), _flow_title(c)) for c in classes if c is not None]


class FlowFilter(admin.SimpleListFilter):
    title = _("流程类型")
    parameter_name = "flow_class"
    lookup = "flow_class"

    def lookups(self, request, model_admin):
        return _flow_choices()

    def queryset(self, request, queryset):
        return queryset.filter(**{self.lookup: self.value()}) if self.value() else queryset


class TaskFlowFilter(FlowFilter):
    parameter_name = lookup = "process__flow_class"


class RunColumns:
    """The columns a process and a task share: both are numbered, created and finished."""

    @admin.display(description=_("编号"), ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=_("创建时间"), ordering="created")
    def created_at(self, obj):
        return obj.created

    @admin.display(description=_("完成时间"), ordering="finished")
    def finished_at(self, obj):
        return obj.finished or "—"


class ProcessColumns(RunColumns):
    @admin.display(description=_("流程类型"))
    def flow(self, obj):
        return _flow_title(obj.flow_class)

    @admin.display(description=_("状态"), ordering="status")
    def state(self, obj):
        return PROCESS_STATUS.get(obj.status, obj.status)


class ScopedProcessAdmin(_ReadOnly, ProcessColumns, viewflow_admin.ProcessAdmin):
    names = (_("流程"), _("流程"))
    list_display = ["number", "created_at", "flow", "state", "participants", "summary"]
    list_display_links = ["number", "created_at", "flow"]
    list_filter = [ProcessStatusFilter, FlowFilter]
    fields = readonly_fields = ["flow", "state", "created_at", "finished_at", "summary", "tasks"]
    inlines = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_q(request.user, "caseprocess__"))

    @admin.display(description=_("经办人"))
    def participants(self, obj):
        return "、".join(sorted({_user_name(task.owner) for task in obj._participant_tasks}))

    @admin.display(description=_("任务"))
    def tasks(self, obj):
        """The process's tasks in our words (viewflow's inline prints each as "<flow.Node/pk> - STATUS")."""
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("环节"),
            _("状态"),
            _("办理人"),
            _("开始时间"),
            _("完成时间"),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    task_title(t),
                    TASK_STATUS.get(t.status, t.status),
                    _user_name(t.owner),
                    _when(t.started),
                    _when(t.finished),
                )
                for t in obj.task_set.select_related("owner").order_by("pk")
            ),
        )
        return format_html("<table>{}{}</table>", head, rows)

    @admin.display(description=_("概况"))
    def summary(self, obj):
        return f"{_flow_title(obj.flow_class)} · {PROCESS_STATUS.get(obj.status, obj.status)}"


class ScopedTaskAdmin(_ReadOnly, RunColumns, viewflow_admin.TaskAdmin):
    names = (_("任务"), _("任务"))
    list_display = [
        "number",
        "created_at",
        "process_name",
        "step",
        "state",
        "handler",
        "started_at",
        "finished_at",
    ]
    list_display_links = ["number", "created_at", "process_name"]
    list_filter = [TaskStatusFilter, TaskFlowFilter]
    fields = readonly_fields = [
        "process_name",
        "step",
        "state",
        "handler",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_q(request.user, "process__caseprocess__"))

    def object_name(self, obj) -> str:
        return f"{self.process_name(obj)} · {task_title(obj)}"

    @admin.display(description=_("流程"))
    def process_name(self, obj):
        return f"{_flow_title(obj.process.flow_class)} {obj.process_id}"

    @admin.display(description=_("环节"))
    def step(self, obj):
        return task_title(obj)

    @admin.display(description=_("状态"), ordering="status")
    def state(self, obj):
        return TASK_STATUS.get(obj.status, obj.status)

    @admin.display(description=_("办理人"))
    def handler(self, obj):
        return _user_name(obj.owner)

    @admin.display(description=_("开始时间"), ordering="started")
    def started_at(self, obj):
        return obj.started or "—"


# viewflow's app is named "Workflow"; the admin index, breadcrumbs and permission names
# print this (an app's name is no part of its migrations).
apps.get_app_config(Process._meta.app_label).verbose_name = APP_NAME

for model, model_admin in ((Process, ScopedProcessAdmin), (Task, ScopedTaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
