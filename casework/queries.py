"""Read paths, already scoped to the user (STYLE: selectors).

Every list and detail in the API and the admin starts here, so the visibility rules of
casework.permissions apply everywhere the same way. A row the user may not see does not
exist for them: `*_get` raises NotFoundError (404), never a permission error.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from .errors import NotFoundError, PermissionDeniedError
from .kinds import CASEWORK_KINDS
from .lifecycle import (
    ACCOUNTABILITY_HR_VISIBLE,
    ACCOUNTABILITY_SUBJECT_VISIBLE,
    RECTIFICATION_UNSERVED,
    RecordState,
)
from .models import (
    Accountability,
    Appeal,
    Attachment,
    AttachmentVisibility,
    AuditEntry,
    ConflictDeclaration,
    Deadline,
    ExtensionRequest,
    Measure,
    Objection,
    Organisation,
    Person,
    Record,
    Rectification,
    RectificationItem,
    RepairApplication,
    Sanction,
    SyncEvent,
    User,
)
from .permissions import (
    SEE_ALL_ROLES,
    UNIT_ROLES,
    conflicts_generation,
    declared_conflicts,
    record_scope,
    roles_of,
    visible_organisations,
    visible_people,
    visible_records,
)
from .roles import Role, permission_codename


def record_list(*, user) -> QuerySet[Record]:
    return visible_records(user).select_related("subject_organisation", "subject_person")


def record_get(*, user, record_id: int) -> Record:
    deadlines = Prefetch("deadlines", queryset=visible_deadlines(user))
    qs = record_list(user=user).select_related("determining_unit", "assigned_officer", "disclosure_rule")
    qs = qs.prefetch_related("measures", deadlines)
    try:
        return qs.get(pk=record_id)
    except (Record.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("失信记录不存在或您无权查看。"), code="not_found") from None


def record_audit_entries(*, user, record_id: int) -> QuerySet[AuditEntry]:
    """The audit trail of one record, oldest first; 404 when the record is not visible."""
    record = record_get(user=user, record_id=record_id)
    return visible_audit_entries(user).filter(record=record).order_by("seq")


def audit_entry_list(*, user) -> QuerySet[AuditEntry]:
    return visible_audit_entries(user).select_related("record")


def deadline_list(*, user) -> QuerySet[Deadline]:
    return visible_deadlines(user).select_related("record")


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


# ── objections (异议, DOMAIN §6.2): visible exactly when their record is ──────────────


def objection_list(*, user) -> QuerySet[Objection]:
    return Objection.objects.filter(record_scope(user, "record__")).select_related(
        "record", "filed_by", "decided_by"
    )


def objection_list_for_record(*, user, record_id: int) -> QuerySet[Objection]:
    record = record_get(user=user, record_id=record_id)
    return objection_list(user=user).filter(record=record)


def objection_get(*, user, objection_id: int) -> Objection:
    try:
        return objection_list(user=user).get(pk=objection_id)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("异议不存在或您无权查看。"), code="not_found") from None


# ── accountability (责任追究/问责/处分, DOMAIN §6.4) ────────────────────────────────────
# A case is seen by the commission's staff when its record is, by HR from the decision on,
# and by the persons and the unit concerned from the hearing on (S14 Art 43: they are told
# the facts before the decision; before that the case is an internal investigation). A
# civil servant sees only their own decisions in a case against several persons.

_CASE_PERSONS = Accountability.persons.through.objects


def _cases_of_person(person_ids) -> Q:
    return Q(pk__in=_CASE_PERSONS.filter(person__in=person_ids).values("accountability"))


def _accountability_scopes(user) -> tuple[Q, Q]:
    """(cases where the user sees every decision, cases where they see only their own)."""
    roles = roles_of(user)
    whole, own = Q(pk__in=[]), Q(pk__in=[])
    if roles & SEE_ALL_ROLES:
        whole |= record_scope(user, "record__")
    if roles & {Role.OFFICER, Role.APPROVER}:
        whole |= Q(record__isnull=True)
    if Role.HR_ADMIN in roles:
        whole |= Q(state__in=ACCOUNTABILITY_HR_VISIBLE) & Q(pk__in=_CASE_PERSONS.values("accountability"))
    if roles & UNIT_ROLES and user.organisation_id:
        whole |= Q(state__in=ACCOUNTABILITY_SUBJECT_VISIBLE, unit_id=user.organisation_id)
    if Role.CIVIL_SERVANT in roles and user.person_id:
        own |= Q(state__in=ACCOUNTABILITY_SUBJECT_VISIBLE) & _cases_of_person([user.person_id])
    return whole, own


def _conflicted_cases(user) -> Q:
    """回避 (S14 Art 47) hides a case about a person or unit the user declared a conflict with."""
    conflicts = ConflictDeclaration.objects.filter(user=user)
    return _cases_of_person(conflicts.filter(person__isnull=False).values("person")) | Q(
        unit__in=conflicts.filter(organisation__isnull=False).values("organisation")
    )


def _visible_cases(user, scope: Q) -> QuerySet[Accountability]:
    if not roles_of(user):
        return Accountability.objects.none()
    cases = Accountability.objects.filter(scope)
    return cases.exclude(_conflicted_cases(user)) if declared_conflicts(user) else cases


def visible_accountabilities(user) -> QuerySet[Accountability]:
    whole, own = _accountability_scopes(user)
    return _visible_cases(user, whole | own)


def sanction_list(*, user) -> QuerySet[Sanction]:
    whole, own = _accountability_scopes(user)
    mine = Q(accountability__in=_visible_cases(user, own), person_id=user.person_id)
    return Sanction.objects.filter(Q(accountability__in=_visible_cases(user, whole)) | mine).select_related(
        "person", "accountability"
    )


def sanction_get(*, user, sanction_id: int) -> Sanction:
    try:
        return sanction_list(user=user).get(pk=sanction_id)
    except (Sanction.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("处分/问责决定不存在或您无权查看。"), code="not_found") from None


def visible_appeals(user) -> QuerySet[Appeal]:
    return Appeal.objects.filter(sanction__in=sanction_list(user=user))


def appeal_get(*, user, appeal_id: int) -> Appeal:
    qs = visible_appeals(user).select_related("sanction")
    try:
        return qs.get(pk=appeal_id)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("复审/复核/申诉不存在或您无权查看。"), code="not_found") from None


def accountability_list(*, user) -> QuerySet[Accountability]:
    return visible_accountabilities(user).select_related("record", "unit")


def accountability_get(*, user, accountability_id: int) -> Accountability:
    """One case with what this user may see of it: `visible_sanctions` (their appeals
    prefetched) and `visible_persons`."""
    sanctions = sanction_list(user=user).prefetch_related("appeals")
    qs = accountability_list(user=user).prefetch_related(
        Prefetch("sanctions", queryset=sanctions, to_attr="visible_sanctions"),
        Prefetch("persons", queryset=visible_people(user), to_attr="visible_persons"),
    )
    try:
        return qs.get(pk=accountability_id)
    except (Accountability.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("责任追究案件不存在或您无权查看。"), code="not_found") from None


def record_accountabilities(*, user, record: Record) -> QuerySet[Accountability]:
    """The cases on a record the caller already fetched (record_get), each as
    accountability_get gives it, in three queries for all of them."""
    sanctions = sanction_list(user=user).prefetch_related("appeals")
    return (
        accountability_list(user=user)
        .filter(record=record)
        .prefetch_related(
            Prefetch("sanctions", queryset=sanctions, to_attr="visible_sanctions"),
            Prefetch("persons", queryset=visible_people(user), to_attr="visible_persons"),
        )
        .order_by("pk")
    )


def accountability_deadlines(case: Accountability) -> QuerySet[Deadline]:
    """The time limits running on a case the caller already fetched through the queries
    above: its appeal window and HR execution limit, and its appeals' decision limits."""
    appeals = Appeal.objects.filter(sanction__accountability=case).values("pk")
    return Deadline.objects.filter(
        Q(owner_type=ContentType.objects.get_for_model(Accountability), owner_id=case.pk)
        | Q(owner_type=ContentType.objects.get_for_model(Appeal), owner_id__in=appeals)
    ).order_by("due_on", "id")


# ── credit repair (信用修复, DOMAIN §6.5) and public display (§6.6) ──────────────────


def public_records() -> QuerySet[Record]:
    """What the public site (信用东莞) shows: effective records on display. Not scoped to a
    user: the public view is the same for everyone."""
    return Record.objects.filter(state=RecordState.EFFECTIVE, public=True).select_related(
        "subject_organisation", "subject_person"
    )


def repair_list(*, user) -> QuerySet[RepairApplication]:
    return RepairApplication.objects.filter(record_scope(user, "record__")).select_related(
        "record", "applicant", "commitment_signed_by", "decided_by"
    )


def repair_list_for_record(*, user, record_id: int) -> QuerySet[RepairApplication]:
    record = record_get(user=user, record_id=record_id)
    return repair_list(user=user).filter(record=record)


def repair_get(*, user, application_id: int) -> RepairApplication:
    try:
        return repair_list(user=user).get(pk=application_id)
    except (RepairApplication.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("信用修复申请不存在或您无权查看。"), code="not_found") from None


# ── rectification (整改, DOMAIN §6.3) and attachments ───────────────────────────────


def _rectification_scope(user, path: str = "") -> Q:
    """The orders this user may see, as a condition on `path` (joins, not nested `IN`)."""
    scope = record_scope(user, f"{path}record__")
    if roles_of(user) & SEE_ALL_ROLES:
        return scope
    return scope & ~Q(**{f"{path}state__in": RECTIFICATION_UNSERVED})


def visible_rectifications(user) -> QuerySet[Rectification]:
    return Rectification.objects.filter(_rectification_scope(user))


def visible_rectification_items(user) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(_rectification_scope(user, "rectification__"))


def rectification_list(*, user, record_id: int | None = None) -> QuerySet[Rectification]:
    qs = visible_rectifications(user).select_related("record__subject_organisation")
    if record_id is not None:
        qs = qs.filter(record=record_get(user=user, record_id=record_id))
    return qs.order_by("-created_at", "-id")


def rectification_get(*, user, rectification_id: int) -> Rectification:
    """One order with its items, their reviews and extension requests, and (as
    `owned_deadlines` / `owned_attachments` on the order and each item) what they own."""
    items = RectificationItem.objects.order_by("number").prefetch_related("reviews__reviewer", "extensions")
    qs = visible_rectifications(user).select_related(
        "record__subject_organisation", "drafted_by", "issued_by", "head_signed_by"
    )
    try:
        rectification = qs.prefetch_related(Prefetch("items", queryset=items)).get(pk=rectification_id)
    except (Rectification.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("整改不存在或您无权查看。"), code="not_found") from None
    _attach_owned(rectification, user)
    return rectification


def record_rectifications(*, user, record: Record) -> QuerySet[Rectification]:
    """The orders on a record the caller already fetched (record_get), newest first, with
    their items and the items' extension requests: three queries for all of them."""
    items = RectificationItem.objects.order_by("number").prefetch_related("extensions")
    return (
        visible_rectifications(user)
        .filter(record=record)
        .select_related("record__subject_organisation", "drafted_by", "issued_by", "head_signed_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-created_at", "-id")
    )


def _attach_owned(rectification: Rectification, user) -> None:
    """Deadlines and attachments point at their owner generically: two queries for all
    (the files, those `user` may have: visible_attachments)."""
    owners = [rectification, *rectification.items.all()]
    owned = Q(pk__in=[])
    for owner in owners:
        owned |= Q(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    deadlines = Deadline.objects.filter(owned).order_by("id")
    attachments = (
        visible_attachments(user).filter(owned).select_related("uploaded_by").order_by("uploaded_at", "id")
    )
    for owner in owners:
        key = (ContentType.objects.get_for_model(owner).pk, owner.pk)
        owner.owned_deadlines = [d for d in deadlines if (d.owner_type_id, d.owner_id) == key]
        owner.owned_attachments = [a for a in attachments if (a.owner_type_id, a.owner_id) == key]


def visible_extension_requests(user) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(_rectification_scope(user, "item__rectification__"))


def extension_request_get(*, user, request_id: int) -> ExtensionRequest:
    qs = visible_extension_requests(user)
    try:
        return qs.select_related("item", "requested_by", "decided_by").get(pk=request_id)
    except (ExtensionRequest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("延期申请不存在或您无权查看。"), code="not_found") from None


def rectification_item_get(*, user, item_id: int) -> RectificationItem:
    try:
        return visible_rectification_items(user).select_related("rectification").get(pk=item_id)
    except (RectificationItem.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("整改事项不存在或您无权查看。"), code="not_found") from None


def attachment_list(*, user, record_id: int) -> QuerySet[Attachment]:
    return record_attachments(user=user, record=record_get(user=user, record_id=record_id))


def record_attachments(*, user, record: Record) -> QuerySet[Attachment]:
    """attachment_list of a record the caller already fetched (record_get)."""
    return visible_attachments(user).filter(record=record).select_related("uploaded_by", "owner_type")


def attachment_get(*, user, attachment_id: int) -> Attachment:
    """An attachment is served to exactly the users who may see what it belongs to."""
    try:
        return visible_attachments(user).get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("附件不存在或您无权查看。"), code="not_found") from None


# ── what points at a case object: attachments, deadlines, audit entries ────────────
# Each belongs to one object of a record and is visible when that object is, by the
# object's own rule above: the record's rule alone would show its subject the file of a
# case still under investigation, or the drafting of an order not yet served.


def visible_objects(user) -> dict[type[Model], QuerySet]:
    """For each kind of case object that others point at (casework's own kinds, each by its
    declared rule: casework.kinds): those of them `user` may see."""
    if not roles_of(user):  # anonymous (the schema generator too), or no role: nothing
        return {}
    # Built once per user object (a request's), like its roles and declarations: a page asks
    # for several kinds of rows about visible objects (/unit/: deadlines thrice, notices
    # twice), and each build of the nine scoped queries costs more than their SQL. The
    # queries are lazy and only ever nested in others' filters, so sharing them is safe;
    # what they are built from (the declarations, the user's unit and person) keys the cache.
    key = (conflicts_generation(), user.organisation_id, user.person_id)
    cached = getattr(user, "_chengxin_visible_objects", None)
    if cached is None or cached[0] != key:
        cached = (key, {kind.model: kind.visible(user) for kind in CASEWORK_KINDS})
        user._chengxin_visible_objects = cached
    return dict(cached[1])


def _about_visible(objects: dict, type_field: str, id_field: str, *, text_ids: bool = False) -> Q:
    """Rows naming (by `type_field`, `id_field`) one of `objects`; any other kind of object
    (a notice, a deadline rule…) is left out: the caller decides who sees those.

    Each kind is an `EXISTS` on its primary key, which PostgreSQL may answer row by row
    through the index or hash once; a text id (the audit trail's) is compared as text, as
    casting it to a number could fail on another kind's id."""
    condition = Q(pk__in=[])
    for model, visible in objects.items():
        if text_ids:
            named = Q(
                **{f"{id_field}__in": visible.annotate(text_pk=Cast("pk", CharField())).values("text_pk")}
            )
        else:
            named = Exists(visible.filter(pk=OuterRef(id_field)))
        condition |= Q(**{type_field: ContentType.objects.get_for_model(model)}) & named
    return condition


def _sees_whole_records(user) -> bool:
    """The commission's roles see everything on the records they see (notices included)."""
    return bool(roles_of(user) & SEE_ALL_ROLES)


#: The classes of file shared outside the commission (need-to-know): an INTERNAL one, an
#: investigation file, never reaches the subject whatever the state of its record.
SHARED_ATTACHMENTS = (AttachmentVisibility.SUBJECT, AttachmentVisibility.PUBLIC)


def visible_attachments(user) -> QuerySet[Attachment]:
    """The one rule for every list, page, API and download of files: the commission's
    staff see all on the records they see; anyone else a file about an object they see,
    and only when it is shared with the subject (a file the commission re-classed INTERNAL
    is gone for its uploader too: the class, not the uploader, decides)."""
    qs = Attachment.objects.filter(record_scope(user, "record__"))
    if _sees_whole_records(user):
        return qs
    return qs.filter(visibility__in=SHARED_ATTACHMENTS).filter(
        _about_visible(visible_objects(user), "owner_type", "owner_id")
    )


def visible_deadlines(user) -> QuerySet[Deadline]:
    qs = Deadline.objects.filter(record_scope(user, "record__"))
    if _sees_whole_records(user):
        return qs
    return qs.filter(_about_visible(visible_objects(user), "owner_type", "owner_id"))


def visible_audit_entries(user) -> QuerySet[AuditEntry]:
    """Entries about what the user may see; outside the commission, entries about objects of
    other apps (notices: their drafts are internal) are not shown in a record's trail."""
    qs = AuditEntry.objects.filter(record_scope(user, "record__"))
    if _sees_whole_records(user):
        return qs
    objects = {
        **visible_objects(user),
        Attachment: visible_attachments(user),
        Deadline: visible_deadlines(user),
    }
    return qs.filter(_about_visible(objects, "content_type", "object_id", text_ids=True))


# ── catalogues a client reads to fill in a step ─────────────────────────────────────

#: Who may be named in a step, by what the name is for: the case officer a record is
#: handed to, the investigators of an accountability case (S14 Art 42: case officers), the
#: approver work is handed to.
NAMEABLE_ROLES = {"officer": Role.OFFICER, "investigator": Role.OFFICER, "approver": Role.APPROVER}


def _require_commission(user) -> None:
    if not roles_of(user) & SEE_ALL_ROLES:
        raise PermissionDeniedError(_("只有监委工作人员可以查看。"), code="permission_denied")


def measure_list(*, user) -> QuerySet[Measure]:
    """The 惩戒措施清单 in force: public law, for every signed-in user with a role."""
    if not roles_of(user):
        return Measure.objects.none()
    return Measure.objects.filter(is_active=True).order_by("code")


def nameable_users(*, user, role: str, record_id: int | None = None) -> QuerySet[User]:
    """Active users holding the role behind `role` (NAMEABLE_ROLES) through their groups or
    their own permissions (a superuser is not named for holding every permission); with
    `record_id`, those who declared 回避 for its subject are left out. Commission only."""
    _require_commission(user)
    codename = permission_codename(NAMEABLE_ROLES[role])
    holds = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label="casework")
    holds |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label="casework")
    qs = User.objects.filter(holds, is_active=True)
    if record_id is not None:
        record = record_get(user=user, record_id=record_id)
        conflicted = ConflictDeclaration.objects.filter(
            Q(organisation_id=record.subject_organisation_id, organisation__isnull=False)
            | Q(person_id=record.subject_person_id, person__isnull=False)
        )
        qs = qs.exclude(pk__in=conflicted.values("user_id"))
    ids = qs.values("pk")
    return User.objects.filter(pk__in=ids).select_related("organisation").order_by("organisation_id", "pk")


def sync_event_list(*, user) -> QuerySet[SyncEvent]:
    """The outbox towards the provincial platform, for the records the user sees. Commission only."""
    _require_commission(user)
    return SyncEvent.objects.filter(record_scope(user, "record__")).select_related("record")
