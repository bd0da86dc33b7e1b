"""Output shapes of tasks and processes; rows come from workflows.inbox, already scoped."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.models import Task

from .models import CaseProcess


def _record_brief(record) -> dict | None:
    if record is None:
        return None
    subject = record.subject_organisation or record.subject_person
    return {"id": record.pk, "reference": record.reference, "subject": str(subject.name) if subject else ""}


def _subject(process) -> dict:
    return {"type": process.flow_class.kind, "id": process.artifact_object_id}


class TaskSerializer(serializers.ModelSerializer):
    """A human task: what to do (`title`, `node`), on what (`subject`: the object whose
    service does it, `record`), by whom (`owner`) and by when (`due_on`, `overdue`)."""

    title = serializers.SerializerMethodField()
    node = serializers.SerializerMethodField()
    flow = serializers.SerializerMethodField()
    process = serializers.IntegerField(source="process_id")
    owner = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text="NEW（待领取）/ ASSIGNED（已领取）/ DONE / CANCELED"
    )
    due_on = serializers.DateField(allow_null=True, read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "node",
            "flow",
            "process",
            "status",
            "owner",
            "subject",
            "record",
            "due_on",
            "overdue",
            "created",
            "assigned",
            "finished",
        ]

    def get_title(self, task) -> str:
        return str(task.flow_task.task_title)

    def get_node(self, task) -> str:
        return task.flow_task.name

    def get_flow(self, task) -> str:
        return task.process.flow_class.kind

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_owner(self, task) -> dict | None:
        if task.owner is None:
            return None
        return {"id": task.owner.pk, "name": task.owner.get_full_name() or task.owner.get_username()}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_subject(self, task) -> dict:
        return _subject(task.process)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_record(self, task) -> dict | None:
        return _record_brief(task.process.caseprocess.record)


class ProcessTaskSerializer(TaskSerializer):
    """A task in a process's history (no due date: that belongs to the waiting work)."""

    class Meta(TaskSerializer.Meta):
        fields = ["id", "title", "node", "status", "owner", "created", "assigned", "finished"]


class ProcessSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    flow = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    subject_state = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="NEW（办理中）/ DONE（已结束）/ CANCELED")

    class Meta:
        model = CaseProcess
        fields = [
            "id",
            "title",
            "flow",
            "status",
            "subject",
            "subject_state",
            "record",
            "created",
            "finished",
        ]

    def get_title(self, process) -> str:
        return str(process.flow_class.process_title)

    def get_flow(self, process) -> str:
        return process.flow_class.kind

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_subject(self, process) -> dict:
        return _subject(process)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_subject_state(self, process) -> dict:
        """The legal state the process follows (never stored on the process)."""
        obj = process.coerced.subject
        return {"value": obj.state, "label": str(obj.get_state_display())}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_record(self, process) -> dict | None:
        return _record_brief(process.record)


class ProcessDetailSerializer(ProcessSerializer):
    tasks = serializers.SerializerMethodField()

    class Meta(ProcessSerializer.Meta):
        fields = [*ProcessSerializer.Meta.fields, "tasks"]

    @extend_schema_field(ProcessTaskSerializer(many=True))
    def get_tasks(self, process) -> list:
        return ProcessTaskSerializer(self.context["tasks"], many=True).data
