"""Celery tasks of the exchange app (autodiscover_tasks() imports `<app>/tasks.py`)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from casework import audit


@shared_task
def run_import(batch_id: int, user_id: int | None, role: str, ip_address: str | None = None) -> dict:
    """Import a queued batch; a re-delivered task resumes after the last committed chunk."""
    from .batches import run_queued

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    batch = run_queued(batch_id, audit.Acting(user, role, ip_address))
    return {"state": batch.state, "counts": batch.counts}
