"""/api/ endpoints of the work state: inbox, queue, processes, claiming a task.

Every read starts from workflows.inbox, so the record's visibility applies: a process or
task the user may not see answers 404, by id as in lists. Doing a task is calling the
casework endpoint of its step (`subject` names the object); the flow follows by itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from casework.api.serializers import ErrorSerializer

from . import inbox, services
from .flows import FLOW_BY_KIND
from .models import CaseProcess
from .serializers import ProcessDetailSerializer, ProcessSerializer, TaskSerializer

ERRORS = {code: ErrorSerializer for code in (403, 404, 409)}


class TaskListApi(generics.ListAPIView):
    serializer_class = TaskSerializer
    tasks: Callable  # (user) -> the user's tasks of this list, by due date

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, maybe no tables
            return Task.objects.none()
        return self.tasks(self.request.user)


@extend_schema(tags=["workflow"], summary=_("我的待办：已分配给我的任务，按办理期限先后排列"))
class InboxApi(TaskListApi):
    tasks = staticmethod(inbox.inbox)


@extend_schema(tags=["workflow"], summary=_("待领取任务：我可以领取的任务，按办理期限先后排列"))
class QueueApi(TaskListApi):
    tasks = staticmethod(inbox.queue)


@extend_schema(
    tags=["workflow"],
    summary=_("我能看到的办理流程"),
    parameters=[
        OpenApiParameter("flow", str, enum=sorted(FLOW_BY_KIND), description=_("流程类型")),
        OpenApiParameter("status", str, enum=["NEW", "DONE", "CANCELED"], description=_("流程状态")),
    ],
)
class ProcessListApi(generics.ListAPIView):
    serializer_class = ProcessSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, maybe no tables
            return CaseProcess.objects.none()
        processes = inbox.visible_processes(self.request.user)
        params = self.request.query_params
        if "flow" in params:
            flow = FLOW_BY_KIND.get(params["flow"])
            processes = processes.filter(flow_class=flow) if flow else processes.none()
        if "status" in params:
            processes = processes.filter(status=params["status"])
        return processes


@extend_schema(tags=["workflow"], responses={200: ProcessDetailSerializer, 404: ErrorSerializer})
class ProcessDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        process = inbox.process_get(request.user, pk)
        context = {"tasks": inbox.process_tasks(process)}
        return Response(ProcessDetailSerializer(process, context=context).data)


@extend_schema(tags=["workflow"], responses={200: TaskSerializer, 404: ErrorSerializer})
class TaskDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return Response(TaskSerializer(inbox.task_get(request.user, pk)).data)


@extend_schema(tags=["workflow"], request=None, responses={200: TaskSerializer, **ERRORS})
class TaskClaimApi(APIView):
    """Take a task from the queue into my inbox."""

    def post(self, request: Request, pk: int) -> Response:
        return Response(TaskSerializer(services.task_claim(acting_user=request.user, task_id=pk)).data)


@extend_schema(tags=["workflow"], request=None, responses={200: TaskSerializer, **ERRORS})
class TaskReleaseApi(APIView):
    """Give a task I claimed back to the queue."""

    def post(self, request: Request, pk: int) -> Response:
        return Response(TaskSerializer(services.task_release(acting_user=request.user, task_id=pk)).data)


urlpatterns = [
    path("inbox/", InboxApi.as_view(), name="workflow-inbox"),
    path("queue/", QueueApi.as_view(), name="workflow-queue"),
    path("processes/", ProcessListApi.as_view(), name="workflow-process-list"),
    path("processes/<int:pk>/", ProcessDetailApi.as_view(), name="workflow-process-detail"),
    path("tasks/<int:pk>/", TaskDetailApi.as_view(), name="workflow-task-detail"),
    path("tasks/<int:pk>/claim/", TaskClaimApi.as_view(), name="workflow-task-claim"),
    path("tasks/<int:pk>/release/", TaskReleaseApi.as_view(), name="workflow-task-release"),
]
