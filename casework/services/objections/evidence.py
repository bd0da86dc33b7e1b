"""An objection's grounds and evidence (DOMAIN §6.2): which uploads may back it, and when
it repeats an earlier objection ("same grounds, no new evidence" → not accepted).

Uploads the subject made for the record before filing are owned by the record
(casework.services.attachments); filing or supplementing re-owns them to the objection.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from ...errors import DomainError
from ...models import Attachment, Objection, Record


def grounds_fingerprint(ground: str, statement: str) -> str:
    """The ground and the statement, blind to spacing, width and case."""
    text = "".join(unicodedata.normalize("NFKC", statement).casefold().split())
    return hashlib.sha256(f"{ground}|{text}".encode()).hexdigest()


def attachments_of(objection: Objection):
    ct = ContentType.objects.get_for_model(Objection)
    return Attachment.objects.filter(owner_type=ct, owner_id=objection.pk)


def claimable(acting_user, record: Record, ids: Iterable[int], objection: Objection | None = None):
    """The user's own uploads for this record, not yet part of another sub-process object:
    owned by the record itself (uploaded before the objection existed) or by `objection`."""
    ids = list(dict.fromkeys(ids or []))
    owners = Q(owner_type=ContentType.objects.get_for_model(Record), owner_id=record.pk)
    if objection is not None:
        owners |= Q(owner_type=ContentType.objects.get_for_model(Objection), owner_id=objection.pk)
    found = list(
        Attachment.objects.select_for_update().filter(
            owners, pk__in=ids, record=record, uploaded_by=acting_user
        )
    )
    if len(found) != len(ids):
        raise DomainError(
            _("附件须是您为该失信记录上传、且未用于其他事项的文件。"),
            field="attachment_ids",
            code="attachment",
        )
    return found


def attach(attachments: list[Attachment], objection: Objection) -> None:
    ct = ContentType.objects.get_for_model(Objection)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(owner_type=ct, owner_id=objection.pk)


def is_repeat(record: Record, fingerprint: str, attachments: list[Attachment]) -> bool:
    """Same grounds as an earlier objection on the record, and no document that no earlier
    objection on it presented (DOMAIN §6.2 "repeat objection")."""
    earlier = Objection.objects.filter(record=record)
    if not earlier.filter(fingerprint=fingerprint).exists():
        return False
    seen = set(
        Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(Objection), owner_id__in=earlier.values("pk")
        ).values_list("sha256", flat=True)
    )
    return all(a.sha256 in seen for a in attachments)
