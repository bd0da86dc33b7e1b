"""Read paths, already scoped to the user (STYLE: selectors).

Every list and detail in the API and the admin starts here, so the visibility rules of
casework.permissions apply everywhere the same way. A row the user may not see does not
exist for them: `*_get` raises NotFoundError (404), never a permission error.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import NotFoundError
from .models import AuditEntry, Deadline, Organisation, Person, Record
from .permissions import visible_organisations, visible_people, visible_records


def record_list(*, user) -> QuerySet[Record]:
    return visible_records(user).select_related("subject_organisation", "subject_person")


def record_get(*, user, record_id: int) -> Record:
    qs = record_list(user=user).select_related("determining_unit").prefetch_related("measures", "deadlines")
    try:
        return qs.get(pk=record_id)
    except (Record.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("失信记录不存在或您无权查看。"), code="not_found") from None


def record_audit_entries(*, user, record_id: int) -> QuerySet[AuditEntry]:
    """The audit trail of one record, oldest first; 404 when the record is not visible."""
    record = record_get(user=user, record_id=record_id)
    return AuditEntry.objects.filter(record=record).order_by("seq")


def audit_entry_list(*, user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(record__in=visible_records(user)).select_related("record")


def deadline_list(*, user) -> QuerySet[Deadline]:
    return Deadline.objects.filter(record__in=visible_records(user)).select_related("record")


def person_list(*, user) -> QuerySet[Person]:
    return visible_people(user).select_related("unit")


def person_get(*, user, person_id: int) -> Person:
    try:
        return person_list(user=user).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("公务员不存在或您无权查看。"), code="not_found") from None


def organisation_list(*, user) -> QuerySet[Organisation]:
    return visible_organisations(user).select_related("parent").prefetch_related("names")


def organisation_get(*, user, organisation_id: int) -> Organisation:
    try:
        return organisation_list(user=user).get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("单位不存在或您无权查看。"), code="not_found") from None
