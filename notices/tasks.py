"""Celery tasks of the notices app: rendering issued notices to PDF.

`render_notice` is queued on commit of the issuing transaction (`delay_on_commit`) and is
idempotent: it does nothing for a notice whose PDF is stored, and a second delivery that
renders at the same time loses the conditional write (see Notice.objects.store_pdf).
The time limits bound a pathological document; they are enforced by the prefork pool
(give PDF workers `--max-tasks-per-child` too: WeasyPrint's memory is freed by the GC late).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

#: A 2-page notice renders in ~0.3 s; 30 s means something is wrong with the document.
SOFT_TIME_LIMIT = 30
TIME_LIMIT = 45


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    max_retries=3,
    default_retry_delay=60,
)
def render_notice(self, notice_id: int) -> bool:
    """Render and store the PDF of issued notice `notice_id`; True when this run stored it."""
    from .services import notice_store_pdf

    try:
        return notice_store_pdf(notice_id=notice_id)
    except SoftTimeLimitExceeded as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def render_pending(older_than_seconds: int = 300) -> int:
    """Queue again the issued notices still without a PDF (a lost or failed task): a sweep
    for beat. Returns how many were queued."""
    from .models import Notice

    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = Notice.objects.filter(number__isnull=False, sha256="", issued_at__lt=cutoff)
    ids = list(pending.values_list("pk", flat=True))
    for notice_id in ids:
        render_notice.delay(notice_id)
    return len(ids)
