"""Celery tasks of the exchange app (autodiscover_tasks() imports `<app>/tasks.py`).

`deliver_outbox` runs from beat every CHENGXIN_SWEEP_INTERVAL seconds (config/settings/celery.py):
it copies casework's new SyncEvents into the outbox, delivers every channel, raises overdue
alerts (exchange.delivery.run). Safe twice or on two workers at once (SKIP LOCKED claims,
idempotency keys)."""

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


@shared_task(soft_time_limit=240, time_limit=270)
def deliver_outbox() -> dict:
    from . import delivery

    return delivery.run()


@shared_task
def retention_sweep() -> dict:
    """Daily (config/settings/pii.py): personal data past its retention period deleted or anonymised."""
    from . import retention

    return retention.retention_sweep()
