"""Celery tasks of the workflows app (autodiscover_tasks() imports only `<app>/tasks.py`)."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Health check: proves a message went through the broker to a worker and back. Touches nothing."""
    return "pong"
