"""Saving an organisation or a civil servant whose identifier fails the check
(casework.identifiers): the override's who, when and why go on the row, and the save is
audited in the same transaction."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from .. import audit
from ..action_labels import AuditAction
from ..errors import PermissionDeniedError
from ..guards import Refusal, refuse
from ..identifiers import Identifier
from ..permissions import has_role
from ..roles import Role


def override_refusal(acting_user, identifier: Identifier) -> Refusal | None:
    """Only the identifier's administrator vouches for a value that fails the check."""
    if has_role(acting_user, identifier.override_role):
        return None
    message = _("只有%(role)s可以保存未通过校验的%(label)s。")
    role = Role(identifier.override_role).label
    return PermissionDeniedError(
        message % {"role": role, "label": identifier.label}, code="permission_denied"
    )


@transaction.atomic
def identifier_override_save(
    *, acting_user, obj: models.Model, identifier: Identifier, ip_address: str | None = None
) -> None:
    """Save `obj`, whose `identifier.grant` the acting user's form already applied."""
    refuse(override_refusal(acting_user, identifier))
    obj.save()
    value = getattr(obj, identifier.field)
    audit.append(
        audit.Acting(acting_user, identifier.override_role, ip_address),
        obj=obj,
        action=AuditAction.IDENTIFIER_OVERRIDE,
        reason=getattr(obj, identifier.attr("reason")),
        diff={identifier.field: identifier.shown(value)},
    )
