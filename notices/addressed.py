"""Notices to a body that are about no record: the yearly assessment's result (N24) to each
assessed unit (DOMAIN §9.1).

The step that calls for one is the approver's sign-off on what it says (the approval of the
year's results), so the notice is drafted by the system with the caller's data and approved
and issued by that approver in the caller's transaction, through the notice's own steps: it
is numbered, audited, rendered, immutable and verifiable like any other notice. Reading it
is the caller's business (its object's readers): it is never among a record's notices, which
is all `notices.queries.visible_notices` lists.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet

from casework import audit
from casework.services.steps import apply_step

from . import types
from .context import setting
from .drafts import finish_snapshot, issuer_for, new_draft
from .lifecycle import NOTICE_SUBJECT_VISIBLE
from .models import Notice
from .services import NOTICES, approving, issuing, render_on_commit, restart_render


def issue_addressed(*, by: audit.Acting, type_code: str, addressed_to, about, data: dict) -> Notice:
    """Draft, approve and issue notice `type_code` to body `addressed_to` about `about`, in
    the caller's transaction; its PDF is rendered once that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices.addressed.issue_addressed must run inside the caller's transaction")
    notice_type = types.get(type_code)
    issuer = issuer_for(by.user)
    notice = new_draft(
        notice_type,
        record=None,
        addressed_to=addressed_to,
        about=about,
        issuer=issuer,
        data=finish_snapshot({"publicity": setting("publicity"), **data}, issuer),
        by=audit.SYSTEM,
    )
    apply_step(NOTICES, notice, by, step="approve", change=approving(by.user))
    return apply_step(NOTICES, notice, by, step="issue", change=issuing(by.user), after=render_on_commit)


def retry_addressed_render(*, by: audit.Acting, notice: Notice) -> Notice:
    """Render again notice `notice` (to a body, about no record) whose rendering failed, in
    the caller's transaction: the caller has decided that `by` may (its object's guard).
    Refused (DomainError) when the notice is voided or its rendering did not fail."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "notices.addressed.retry_addressed_render must run inside the caller's transaction"
        )
    locked = Notice.objects.select_for_update().filter(pk=notice.pk, record__isnull=True).first()
    if locked is None:
        raise ValueError(f"notice {notice.pk} is not an addressed notice")
    restart_render(by, locked)
    locked.refresh_from_db()
    return locked


def addressed_notices(about) -> QuerySet[Notice]:
    """The issued notices about `about`, each to its body: the caller scopes them to its reader."""
    return Notice.objects.filter(
        record__isnull=True,
        content_type=ContentType.objects.get_for_model(about),
        object_id=about.pk,
        state__in=NOTICE_SUBJECT_VISIBLE,
    ).select_related("issuer", "addressed_to")
