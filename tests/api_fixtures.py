"""Helpers for the API and admin tests: signed-in clients, permissions, database snapshots."""

from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from casework.models import AuditEntry, Deadline, Record


def api(user=None, **meta) -> APIClient:
    """An APIClient signed in through a real session (no user: anonymous); META (e.g.
    HTTP_ACCEPT_LANGUAGE or HTTP_AUTHORIZATION) is sent with every request."""
    client = APIClient(**meta)
    if user is not None:
        client.force_login(user)
    return client


def grant(user, *codenames: str):
    """Give model permissions (`casework.view_record` …) and make the user staff."""
    for codename in codenames:
        app_label, name = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    user.is_staff = True
    user.save()
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


def db_state(record_id: int | None = None) -> dict:
    """Everything a refused request must leave untouched."""
    state = {
        "records": Record.objects.count(),
        "audit": AuditEntry.objects.count(),
        "deadlines": list(Deadline.objects.order_by("id").values_list("id", "status", "due_on")),
    }
    if record_id is not None:
        record = Record.objects.get(pk=record_id)
        state["record"] = model_to_dict(record)
        state["record"]["measures"] = sorted(m.pk for m in state["record"]["measures"])
        state["record"]["state"] = record.state
        state["updated_at"] = record.updated_at
    return state
