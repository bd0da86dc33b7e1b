"""Celery tasks of the casework app (autodiscover_tasks() imports only `<app>/tasks.py`)."""

from celery import shared_task

from . import checkpoints


@shared_task(soft_time_limit=240, time_limit=270)
def checkpoint_audit() -> int:
    """Sign the audit chain's head into the checkpoint file: run by beat every
    CHENGXIN_AUDIT_CHECKPOINT_INTERVAL seconds. Returns the seq signed. A chain that no longer
    agrees with the last checkpoint fails the task (CheckpointRefused) and is not signed."""
    return checkpoints.write().seq
