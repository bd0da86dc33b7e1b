"""Celery tasks of the notices app: rendering issued notices to PDF.

`render_notice` is queued on commit of the issuing transaction (`delay_on_commit`), and
again by the `render_pending` sweep while the PDF is missing, within a bounded number of
attempts (notices.services.notice_store_pdf). It is idempotent: it does nothing for a
notice whose PDF is stored, and a second delivery that renders at the same time loses the conditional write (see Notice.objects.store_pdf).
The time limits bound a pathological document; they are enforced by the prefork pool
(give PDF workers `--max-tasks-per-child` too: WeasyPrint's memory is freed by the GC late).

A worker killed mid-render (SIGKILL, OOM, the machine gone) acknowledges nothing and records
nothing but the attempt's lease (`render_started_at`, `render_worker`). Two ways back, so the
notice is rendered within a minute: a worker starting under the same node name (systemd
restarting the unit) queues again what its previous life held (`recover_renders`, on
`worker_ready`); and `render_pending` takes any lease older than the task's hard limit.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.signals import worker_ready
from django.db.models import Q
from django.utils import timezone

#: A 2-page notice renders in ~0.3 s; 30 s means something is wrong with the document.
SOFT_TIME_LIMIT = 30
TIME_LIMIT = 45
#: A rendering started longer ago than this and still without a PDF died with its worker: the
#: hard limit would have ended it (and recorded the failure) by then.
LEASE_SECONDS = TIME_LIMIT + 5


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def render_notice(notice_id: int) -> bool:
    """Render and store the PDF of issued notice `notice_id`; True when this run stored it.

    A failure (a soft time limit included) is recorded on the notice by the service, which
    counts the attempts and gives up after CHENGXIN_NOTICE_RENDER_ATTEMPTS; the next
    attempt is `render_pending`'s, at its next run.
    """
    from .services import notice_store_pdf

    return notice_store_pdf(notice_id=notice_id, worker=render_notice.request.hostname or "")


def _unfinished():
    """Issued notices still waiting for their PDF that something should still render: never a
    voided one, nor one whose rendering was given up (an officer asks for a retry)."""
    from .models import Notice, NoticeState

    return Notice.objects.filter(number__isnull=False, sha256="", render_failed_at__isnull=True).exclude(
        state=NoticeState.VOIDED
    )


@shared_task
def render_pending(older_than_seconds: int = 60) -> int:
    """Queue again the issued notices still without a PDF (a lost or failed task): a sweep
    for beat, every CHENGXIN_RENDER_SWEEP_SECONDS. A notice issued less than
    `older_than_seconds` ago is left to the task its issue queued; one whose rendering started
    less than LEASE_SECONDS ago may still be rendering (an attempt that failed has released its
    lease: it is tried again at once). Returns how many were queued."""
    now = timezone.now()
    pending = _unfinished().filter(issued_at__lt=now - dt.timedelta(seconds=older_than_seconds))
    pending = pending.filter(
        Q(render_started_at__isnull=True) | Q(render_started_at__lt=now - dt.timedelta(seconds=LEASE_SECONDS))
    )
    return _queue(pending)


@shared_task
def recover_renders(worker: str, started_before: str) -> int:
    """Queue again the renderings worker `worker` had started before it (re)started at
    `started_before` (ISO 8601) and never finished: that worker died with them. Returns how
    many were queued."""
    before = dt.datetime.fromisoformat(started_before)
    return _queue(_unfinished().filter(render_worker=worker, render_started_at__lt=before))


def _queue(notices) -> int:
    ids = list(notices.values_list("pk", flat=True))
    for notice_id in ids:
        render_notice.delay(notice_id)
    return len(ids)


@worker_ready.connect(dispatch_uid="notices.recover_renders")
def _recover_after_restart(sender=None, **kwargs) -> None:
    """A worker is up: what a worker of its name was rendering when it died is queued again
    now, not when a lease runs out. (A queued task, not a query here: the worker's consumer
    is running, and any worker of the queue may take it.)"""
    hostname = getattr(sender, "hostname", None)
    if hostname:
        recover_renders.delay(hostname, timezone.now().isoformat())
