"""Every download of evidence or a notice joins the audit trail (等保 level 3, issue 13 §3).

One function, `audit_download`, called by every route that hands out a stored file: the
attachments API, the commitment and assessment evidence pages, and every route serving a
notice PDF (the notices API, the case and unit pages, the assessment result notice). It
writes one entry in its own transaction, with the address `casework.http.client_ip` reads
(so behind a trusted proxy the client's, never the proxy's), and is called only once the file
is about to be served: a refusal (404, 409 "still rendering") is no download.

The public verification page (/verify/) is not a download: it shows what a notice is, never
its file, and anonymous look-ups are not audited (docs/decisions.md, "Download audit").
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from . import action_labels, audit
from .http import client_ip


class DownloadAction(models.TextChoices):
    """The stored actions of downloads (hashed into the chain: never renamed)."""

    ATTACHMENT = "attachment.download", _("下载附件")
    NOTICE = "notice.download", _("下载文书")


action_labels.register(dict(DownloadAction.choices))


def audit_download(request, obj: models.Model, action: str, *, record=None, diff: dict | None = None) -> None:
    """Append the entry of one download of `obj` by the request's user from its client."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        audit.append(
            audit.Acting(actor, "", client_ip(request)),
            obj=obj,
            action=action,
            record=record,
            diff=diff,
        )
