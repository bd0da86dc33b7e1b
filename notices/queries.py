"""Who sees which notices: one queryset per reader, applied by the API, the admin and downloads.

- Officers and approvers see every notice of the records they may see (a 回避 conflict hides
  the subject's records, and so its notices), drafts included.
- The subject (its unit's liaison or head for an organisation; the civil servant for a
  person) sees the notices issued to it, once issued: never a draft, never a voided one;
  a notice about a sub-process object only once that object is the subject's to see (an
  整改通知书 issued before the order is served is not yet). A civil servant also sees the
  decisions on themself (政务处分决定书…) of a case about their unit's record.
- Everyone else sees nothing: a notice they may not see answers 404.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from casework.errors import NotFoundError
from casework.models import Sanction
from casework.permissions import UNIT_ROLES, record_scope, roles_of
from casework.queries import visible_objects
from casework.roles import Role

from .lifecycle import NOTICE_SUBJECT_VISIBLE
from .models import Notice

STAFF_ROLES = frozenset({Role.OFFICER, Role.APPROVER})


def visible_notices(user) -> QuerySet[Notice]:
    roles = roles_of(user)
    notices = Notice.objects.select_related("issuer", "record")
    if roles & STAFF_ROLES:
        return notices.filter(record_scope(user, "record__"))
    addressed = []
    if roles & UNIT_ROLES and user.organisation_id:
        addressed.append(Q(record__subject_organisation_id=user.organisation_id))
    if Role.CIVIL_SERVANT in roles and user.person_id:
        addressed += [Q(record__subject_person_id=user.person_id), about_own_sanctions(user.person_id)]
    if not addressed:
        return notices.none()
    # One indexed query per way a notice is the user's, united: an OR across the record's
    # subject and the notice's own columns is a scan of every notice (an index serves
    # each side alone, PostgreSQL cannot combine them through the join).
    ids = [Notice.objects.filter(condition).order_by().values("pk") for condition in addressed]
    theirs = ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]
    return notices.filter(pk__in=theirs).filter(_about_visible(user), state__in=NOTICE_SUBJECT_VISIBLE)


def organisation_notices(user, organisation_id: int) -> QuerySet[Notice]:
    """`visible_notices` narrowed to the notices about one organisation's records.

    For its own unit's liaison or head this is the subject's rule on that one side alone, a
    plain join to the record rather than membership in the union above: PostgreSQL can then
    walk `notice_issued_latest` newest first and stop at the page's last row instead of
    sorting every notice of a big unit."""
    roles = roles_of(user)
    if not roles & STAFF_ROLES and roles & UNIT_ROLES and user.organisation_id == organisation_id:
        return (
            Notice.objects.select_related("issuer", "record")
            .filter(record__subject_organisation_id=organisation_id, state__in=NOTICE_SUBJECT_VISIBLE)
            .filter(_about_visible(user))
        )
    return visible_notices(user).filter(record__subject_organisation_id=organisation_id)


def about_own_sanctions(person_id: int) -> Q:
    """The decision on a person is served on them (S14 Art 46) even when the case it closes
    is about their unit's record: the notices about their own sanctions are theirs."""
    own = Sanction.objects.filter(person_id=person_id).values("pk")
    return Q(content_type=ContentType.objects.get_for_model(Sanction), object_id__in=own)


def _about_visible(user) -> Q:
    condition = Q(content_type__isnull=True)
    for model, visible in visible_objects(user).items():
        # EXISTS on the object's key: PostgreSQL probes the index for the unit's notices
        # rather than listing every object the user may see.
        condition |= Q(content_type=ContentType.objects.get_for_model(model)) & Exists(
            visible.filter(pk=OuterRef("object_id"))
        )
    return condition


def is_staff_reader(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def notice_get(*, user, notice_id) -> Notice:
    try:
        return visible_notices(user).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("文书不存在或您无权查看。"), code="not_found") from None
