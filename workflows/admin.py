"""viewflow registers admin pages listing every process and task to anyone with the
model's view permission (its model: "a user with flow view permission sees all", #505).
Replace them with read-only subclasses scoped like every other list (workflows.inbox)."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from .inbox import visible_q


class _ReadOnly:
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is a real 404, as on every casework admin page (casework.admin.records).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("对象不存在或您无权查看。"))
        return obj


class ScopedProcessAdmin(_ReadOnly, viewflow_admin.ProcessAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_q(request.user, "caseprocess__"))


class ScopedTaskAdmin(_ReadOnly, viewflow_admin.TaskAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_q(request.user, "process__caseprocess__"))


for model, model_admin in ((Process, ScopedProcessAdmin), (Task, ScopedTaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
