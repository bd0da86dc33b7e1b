"""Attachments (附件): who may add a file to which object, and storing it.

A file belongs to one record and to an owner on that record (the record itself, an
objection, a rectification item…). Adding one needs the record to be visible to the user
and the user to hold one of the owner's upload roles; subject-side roles act only for
their own subject (casework.permissions.acting_role). The bytes are checked and kept by
casework.uploads; the row, the owner's own bookkeeping and the audit entry are written
in one transaction, and the file is given its final name in that same transaction.

Each file has a visibility class (need-to-know): what the commission's staff add is
INTERNAL unless they share it, as is anything added while the record is a lead under
verification; what the subject's side (or HR) adds is SUBJECT. Only the commission's
staff choose or change a class (`attachment_set_visibility`, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit, queries, uploads
from ..action_labels import AuditAction
from ..errors import DomainError, NotFoundError, PermissionDeniedError
from ..guards import Refusal, refuse
from ..kinds import all_kinds
from ..language import official_language
from ..lifecycle import (
    ITEM_STEPS,
    RECTIFICATION_STEPS,
    RecordState,
    RectificationState,
    Step,
)
from ..models import (
    Attachment,
    AttachmentVisibility,
    Record,
    Rectification,
    RectificationItem,
)
from ..permissions import acting_role, role_refusal, roles_of
from ..roles import Role
from . import reactions
from .records.steps import RECORD
from .validation import require_text

#: Item and rectification states in which the unit may still change its evidence.
EVIDENCE_ITEM_STATES = frozenset(ITEM_STEPS["submit"].sources)
EVIDENCE_RECTIFICATION_STATES = frozenset(RECTIFICATION_STEPS["submit"].sources)


def _noop(owner, acting_user, role, attachment) -> None:
    return None


@dataclass(frozen=True)
class OwnerPolicy:
    """Who may attach files to one kind of owner, and what attaching one does to it.

    `guard(owner)` is the refusal while the owner does not take files (or None: the service
    raises it, the portal asks it before offering an upload); `effect(owner, acting_user,
    role, attachment)` runs in the upload's transaction with the owner locked.
    """

    roles: tuple[str, ...]
    record_path: str  # from the owner to its record; "" for the record itself
    guard: Callable[[models.Model], Refusal | None] = lambda owner: None
    effect: Callable[..., None] = _noop
    lock_first: Callable[[int], None] = lambda pk: None  # rows to lock before the owner

    @property
    def step(self) -> Step:
        return Step("attach", gettext_lazy("上传附件"), (), None, frozenset(self.roles), "§2")

    def record_of(self, owner) -> Record:
        return reduce(getattr, self.record_path.split("__"), owner) if self.record_path else owner


# ── rectification evidence: any change invalidates an earlier head sign-off (scenario 12) ──


def _refuse_state(label: str, state_label: str) -> DomainError:
    return DomainError(
        _("%(owner)s当前状态为“%(state)s”，不能上传整改材料。") % {"owner": label, "state": state_label},
        field="state",
        code="illegal_state",
    )


def _item_takes_evidence(item: RectificationItem) -> Refusal | None:
    if item.state not in EVIDENCE_ITEM_STATES:
        return _refuse_state(_("整改事项"), item.get_state_display())
    return _rectification_takes_evidence(item.rectification)


def _rectification_takes_evidence(rectification: Rectification) -> Refusal | None:
    if rectification.state not in EVIDENCE_RECTIFICATION_STATES:
        return _refuse_state(_("整改"), RectificationState(rectification.state).label)
    return None


def _evidence_changed(owner, acting_user, role, attachment: Attachment) -> None:
    rectification = owner if isinstance(owner, Rectification) else owner.rectification
    before, now = rectification.evidence_changed_at, timezone.now()
    Rectification.objects.filter(pk=rectification.pk).update(evidence_changed_at=now)
    rectification.evidence_changed_at = now
    with official_language():
        reason = _("上传整改材料“%(name)s”") % {"name": attachment.original_name}
    audit.append(
        audit.Acting(acting_user, role),
        obj=rectification,
        record=rectification.record,
        action=AuditAction.RECTIFICATION_EVIDENCE_CHANGED,
        reason=reason,
        diff={"evidence_changed_at": [before, now]},
    )
    # Not an FSM step, but it decides whose turn it is (the head must sign again).
    reactions.note(rectification, "evidence_changed", acting_user=acting_user, role=role)


def _lock_rectification_of_item(item_pk: int) -> None:
    # Same order as rectification_submit (the rectification, then its items): no deadlock.
    list(Rectification.objects.select_for_update().filter(items__pk=item_pk).values_list("pk"))


#: What attaching a file does beyond storing it, per owner kind: the unit's 情况说明 /
#: 整改报告 and each item's evidence (DOMAIN §6.3). Who may attach, and the way to the
#: record, are the kinds' declarations (casework.kinds).
OWNER_HOOKS: dict[str, tuple[Callable, ...]] = {
    "rectification": (_rectification_takes_evidence, _evidence_changed),
    "item": (_item_takes_evidence, _evidence_changed, _lock_rectification_of_item),
}


def _policies() -> dict[type[models.Model], OwnerPolicy]:
    return {
        kind.model: OwnerPolicy(kind.attach_roles, kind.record_path, *OWNER_HOOKS.get(kind.name, ()))
        for kind in all_kinds()
        if kind.attach_roles
    }


POLICIES = _policies()


def policy_for(owner) -> OwnerPolicy:
    policy = POLICIES.get(type(owner))
    if policy is None or owner.pk is None:
        raise DomainError(_("不能为该对象上传附件。"), field="owner", code="owner")
    return policy


# ── the use case ───────────────────────────────────────────────────────────────────


def _authorise(acting_user, record_id: int, owner, policy: OwnerPolicy, *, lock: bool):
    """The visible record, the owner (locked when asked), the role: or 404/403/400."""
    record = RECORD.get(acting_user, record_id, lock=False)
    if lock:
        policy.lock_first(owner.pk)
        owner = type(owner).objects.select_for_update(of=("self",)).get(pk=owner.pk)
    if policy.record_of(owner).pk != record.pk:
        raise NotFoundError(_("附件所属对象不存在或不属于该失信记录。"), field="owner", code="not_found")
    role = acting_role(acting_user, record, policy.step)
    refuse(policy.guard(owner))
    return owner, record, role


def _purpose(purpose: str) -> str:
    purpose = require_text(purpose, "purpose", _("请说明附件用途。"))
    if len(purpose) > Attachment._meta.get_field("purpose").max_length:
        raise DomainError(_("附件用途过长。"), field="purpose", code="max_length")
    return purpose


#: Who may class a file: the commission's staff (the roles that see every file).
VISIBILITY_ROLES = frozenset({Role.OFFICER, Role.APPROVER})
VISIBILITY_STEP = Step(
    "attachment_visibility", gettext_lazy("更改附件可见范围"), (), None, VISIBILITY_ROLES, "§2"
)
#: While the record is a lead being verified everything on it is investigation material.
INVESTIGATION_STATES = frozenset({RecordState.LEAD, RecordState.VERIFYING})


def _visibility(value) -> AttachmentVisibility:
    if value not in AttachmentVisibility.values:
        raise DomainError(
            _("可见范围“%(value)s”无效，请选择：内部、向当事方公开或可向社会公开。") % {"value": value},
            field="visibility",
            code="invalid_choice",
        )
    return AttachmentVisibility(value)


def default_visibility(record: Record, role: str) -> AttachmentVisibility:
    """INTERNAL for what the commission's staff add, and for anything added to a lead under
    verification; SUBJECT for the subject's own files (evidence, objection grounds, repair
    materials) and HR's."""
    if role in VISIBILITY_ROLES or record.state in INVESTIGATION_STATES:
        return AttachmentVisibility.INTERNAL
    return AttachmentVisibility.SUBJECT


def _chosen_visibility(acting_user, visibility) -> AttachmentVisibility | None:
    """The class asked for on upload (None: the default), refused to anyone but staff."""
    if visibility in (None, ""):
        return None
    chosen = _visibility(visibility)
    if not roles_of(acting_user) & VISIBILITY_ROLES:
        raise PermissionDeniedError(
            _("只有监委工作人员可以设定附件的可见范围。"), field="visibility", code="permission_denied"
        )
    return chosen


def attachment_upload(
    *,
    acting_user,
    record_id: int,
    owner: models.Model,
    purpose: str,
    uploaded_file,
    visibility: str | None = None,
    ip_address: str | None = None,
) -> Attachment:
    """Check who may add what before a byte is read, then the bytes (casework.uploads),
    then store row, effects and audit entry in one transaction; nothing stays on refusal.
    `visibility` (staff only) overrides the class the file would get by default."""
    policy, purpose = policy_for(owner), _purpose(purpose)
    _authorise(acting_user, record_id, owner, policy, lock=False)
    chosen = _chosen_visibility(acting_user, visibility)
    with uploads.received(uploaded_file) as incoming, transaction.atomic(durable=True):
        owner, record, role = _authorise(acting_user, record_id, owner, policy, lock=True)
        attachment = Attachment.objects.create(
            record=record,
            owner_type=ContentType.objects.get_for_model(owner),
            owner_id=owner.pk,
            purpose=purpose,
            original_name=incoming.original_name,
            stored_name=incoming.stored_name,
            content_type=incoming.kind.content_type,
            size=incoming.size,
            sha256=incoming.sha256,
            visibility=chosen or default_visibility(record, role),
            uploaded_by=acting_user,
        )
        policy.effect(owner, acting_user, role, attachment)
        _audit_upload(attachment, owner, record, acting_user, role, ip_address, incoming.original_sha256)
        incoming.place()
    return attachment


def _audit_upload(
    attachment: Attachment, owner, record: Record, acting_user, role, ip_address, original_sha256: str = ""
) -> None:
    fields = ("purpose", "original_name", "stored_name", "content_type", "size", "sha256", "visibility")
    after = {name: getattr(attachment, name) for name in fields}
    after["owner"] = f"{owner._meta.model_name}:{owner.pk}"
    if original_sha256:  # a clean copy was stored: the upload's own hash, for the record
        after["original_sha256"] = original_sha256
    audit.append(
        audit.Acting(acting_user, role, ip_address),
        obj=attachment,
        record=record,
        action=AuditAction.ATTACHMENT_UPLOAD,
        reason=attachment.original_name,
        diff=audit.field_diff({}, after),
    )


def may_set_visibility(user, record: Record) -> bool:
    """Whether `user` may class the files of `record`'s case: the guard of
    `attachment_set_visibility`, for a page deciding whether to offer the form."""
    return role_refusal(user, record, VISIBILITY_STEP) is None


def attachment_set_visibility(
    *,
    acting_user,
    attachment_id: int,
    visibility: str,
    reason: str,
    ip_address: str | None = None,
) -> Attachment:
    """Share a file with the subject (or the public), or take it back to INTERNAL: the
    commission's staff only, with a reason, audited. 404 for a file the user may not see."""
    chosen = _visibility(visibility)
    reason = require_text(reason, "reason", _("请说明更改附件可见范围的理由。"))
    with transaction.atomic(durable=True):
        attachment = (
            queries.visible_attachments(acting_user)
            .select_for_update(of=("self",))
            .filter(pk=attachment_id)
            .first()
        )
        if attachment is None:
            raise NotFoundError(_("附件不存在或您无权查看。"), code="not_found")
        record = Record.objects.get(pk=attachment.record_id)
        role = acting_role(acting_user, record, VISIBILITY_STEP)
        before = attachment.visibility
        if before == chosen:
            return attachment
        attachment.visibility = chosen
        attachment.save(update_fields=["visibility"])
        audit.append(
            audit.Acting(acting_user, role, ip_address),
            obj=attachment,
            record=record,
            action=AuditAction.ATTACHMENT_VISIBILITY,
            reason=reason,
            diff={"visibility": [before, chosen.value]},
        )
    return attachment
