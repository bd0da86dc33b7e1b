"""Celery tasks of the notices app: rendering issued notices to PDF.

`render_notice` is queued on commit of the issuing transaction (`delay_on_commit`), and
again by the `render_pending` sweep while the PDF is missing, within a bounded number of
attempts (notices.services.notice_store_pdf). It is idempotent: it does nothing for a
notice whose PDF is stored, and a second delivery that renders at the same time loses the conditional write (see Notice.objects.store_pdf).
The time limits bound a pathological document; they are enforced by the prefork pool
(give PDF workers `--max-tasks-per-child` too: WeasyPrint's memory is freed by the GC late).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

#: A 2-page notice renders in ~0.3 s; 30 s means something is wrong with the document.
SOFT_TIME_LIMIT = 30
TIME_LIMIT = 45


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def render_notice(notice_id: int) -> bool:
    """Render and store the PDF of issued notice `notice_id`; True when this run stored it.

    A failure (a soft time limit included) is recorded on the notice by the service, which
    counts the attempts and gives up after CHENGXIN_NOTICE_RENDER_ATTEMPTS; the next
    attempt is `render_pending`'s, a minute later.
    """
    from .services import notice_store_pdf

    return notice_store_pdf(notice_id=notice_id)


@shared_task
def render_pending(older_than_seconds: int = 60) -> int:
    """Queue again the issued notices still without a PDF (a lost or failed task): a sweep
    for beat, every minute. Never a voided notice, nor one whose rendering was given up
    (`render_failed_at`: an officer asks for a retry); a notice that failed a moment ago
    waits `older_than_seconds` too. Returns how many were queued."""
    from .models import Notice, NoticeState

    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = Notice.objects.filter(
        number__isnull=False, sha256="", issued_at__lt=cutoff, render_failed_at__isnull=True
    ).exclude(state=NoticeState.VOIDED)
    ids = list(pending.values_list("pk", flat=True))
    for notice_id in ids:
        render_notice.delay(notice_id)
    return len(ids)
