"""Reading a civil servant's ID number in full (个人信息保护法): every read has its reason.

Pages, lists and the API show the masked number (`Person.masked_id_number`). The full number
is read here only: by a role of settings.CHENGXIN["ID_NUMBER_ROLES"], for a person that user
may see (casework.queries.person_get), with a reason of at least `REASON_MIN_LENGTH`
characters; the read is on the audit trail with the reason and the client address. An
export or a system transfer that carries full numbers calls `audit_bulk_read` with its
purpose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import action_labels, audit, queries
from ..errors import DomainError, PermissionDeniedError
from ..permissions import has_role, may_see_id_numbers

REASON_MIN_LENGTH = 4


class PiiAction(models.TextChoices):
    """The stored actions of personal-information reads (hashed into the chain: never renamed)."""

    ID_NUMBER_READ = "pii.id_number_read", gettext_lazy("查看完整身份证号码")
    RETENTION_SWEEP = "pii.retention_sweep", gettext_lazy("个人信息保存期限清理")


action_labels.register(dict(PiiAction.choices))


def reason_refusal(reason: str) -> DomainError | None:
    if len((reason or "").strip()) < REASON_MIN_LENGTH:
        message = _("请填写“查看理由”，至少 %(n)s 个字，说明为何需要完整身份证号码。")
        return DomainError(message % {"n": REASON_MIN_LENGTH}, field="reason", code="reason_required")
    return None


def read_refusal(user) -> DomainError | None:
    if may_see_id_numbers(user):
        return None
    return PermissionDeniedError(_("您的角色无权查看完整身份证号码。"), code="permission_denied")


def _role(user) -> str:
    return next((r for r in settings.CHENGXIN["ID_NUMBER_ROLES"] if has_role(user, r)), "")


@transaction.atomic
def read_id_number(*, acting_user, person_id: int, reason: str, ip_address: str | None = None) -> str:
    """The full number of a person the user may see, once the read is audited."""
    person = queries.person_get(user=acting_user, person_id=person_id)  # NotFoundError outside the scope
    for refusal in (read_refusal(acting_user), reason_refusal(reason)):
        if refusal is not None:
            raise refusal
    audit.append(
        audit.Acting(acting_user, _role(acting_user), ip_address),
        obj=person,
        action=PiiAction.ID_NUMBER_READ,
        reason=reason.strip(),
        diff={"id_number": person.masked_id_number},
    )
    return person.id_number


def audit_bulk_read(by: audit.Acting, *, people, reason: str) -> None:
    """An export or a transfer carrying full ID numbers: one entry per person, with its purpose.
    Runs inside the caller's transaction (audit.append_many requires one)."""
    audit.append_many(
        dict(
            actor=by.user,
            role=by.role,
            ip_address=by.ip_address,
            obj=person,
            action=PiiAction.ID_NUMBER_READ,
            reason=reason,
            diff={"id_number": person.masked_id_number},
        )
        for person in people
    )
