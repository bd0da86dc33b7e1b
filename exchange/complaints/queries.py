"""Reading complaints, already scoped to the reader: those who triage them and the
commission's approvers see them; no unit, civil servant or integration account does (a
complaint names the complainant, and the unit must not learn who complained)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from casework import calendar, clock
from casework.errors import NotFoundError
from casework.permissions import has_role
from casework.roles import Role
from notices.models import Notice

from ..models import Complaint
from .lifecycle import TRIAGE_ROLES, ComplaintState

READ_ROLES = TRIAGE_ROLES | {Role.APPROVER}


def visible_complaints(user) -> QuerySet[Complaint]:
    if not has_role(user, *READ_ROLES):
        return Complaint.objects.none()
    # An accepted complaint is answered when its lead's N25 is issued (notices keeps that).
    answer = Notice.objects.filter(record_id=OuterRef("lead_id"), type_code="N25", issued_on__isnull=False)
    return Complaint.objects.select_related("organisation", "lead", "merged_into").annotate(
        answer_issued_on=Subquery(answer.order_by("issued_on").values("issued_on")[:1])
    )


def complaint_get(user, pk) -> Complaint:
    try:
        return visible_complaints(user).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("投诉不存在或您无权查看。"), code="not_found") from None


def open_about_same_matter(complaint: Complaint) -> QuerySet[Complaint]:
    """The open complaints it may be merged into (并单), newest first: not yet triaged, or a
    lead already; never one merged itself (the officer judges "the same matter")."""
    others = Complaint.objects.filter(state__in=(ComplaintState.RECEIVED, ComplaintState.ACCEPTED))
    return others.exclude(pk=complaint.pk).order_by("-received_on", "-id")


def days_left(on: dt.date | None, today: dt.date | None = None) -> int | None:
    """Working days left until `on` (negative: overdue by that many), as every page counts them."""
    return None if on is None else calendar.working_days_left(on, today or clock.today())


def routing_days_left(complaint: Complaint) -> int | None:
    return days_left(complaint.routing_due) if complaint.state == ComplaintState.RECEIVED else None


def answered_on(complaint: Complaint) -> dt.date | None:
    """When the complainant was answered in writing: the channel's message (returned,
    closed, merged) or the N25 notice on the lead (a complaint read through
    `visible_complaints`)."""
    return complaint.replied_on or getattr(complaint, "answer_issued_on", None)


def feedback_days_left(complaint: Complaint) -> int | None:
    return days_left(complaint.feedback_due) if answered_on(complaint) is None else None
