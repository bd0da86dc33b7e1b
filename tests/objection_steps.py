"""Drive an objection through its steps with the real services, for tests that need one in a given state."""

import datetime as dt
import hashlib
import uuid

from casework.models import Attachment, AttachmentVisibility
from casework.services import objections as svc

STATEMENT = "该记录所称拖欠款项已于 2025 年 12 月全部支付，不符合列入条件。"


def upload(record, user, content: str = "付款凭证", name: str = "付款凭证.pdf") -> Attachment:
    """An upload the user made for the record, as the attachment service leaves it (owned by the record)."""
    return Attachment.objects.create(
        record=record,
        owner=record,
        purpose="objection",
        original_name=name,
        stored_name=uuid.uuid4().hex,
        content_type="application/pdf",
        size=len(content.encode()),
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        visibility=AttachmentVisibility.SUBJECT,  # the subject's own file (the service's default)
        uploaded_by=user,
    )


def filed(*, subject, record, received_on=None, statement=STATEMENT, ground="CONDITIONS", attachments=()):
    return svc.objection_file(
        acting_user=subject,
        record_id=record.pk,
        ground=ground,
        statement=statement,
        attachment_ids=[a.pk for a in attachments],
        received_on=received_on,
    )


def accepted(*, subject, officer, record, received_on=None, accepted_on=None, **kwargs):
    objection = filed(subject=subject, record=record, received_on=received_on, **kwargs)
    return svc.objection_accept(acting_user=officer, objection_id=objection.pk, accepted_on=accepted_on)


def verifying(*, subject, officer, record, **kwargs):
    objection = accepted(subject=subject, officer=officer, record=record, **kwargs)
    return svc.objection_start_verification(acting_user=officer, objection_id=objection.pk)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
