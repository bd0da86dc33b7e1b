"""A real Celery worker, not eager mode: a task goes through the Redis broker to a worker and back.

Runs when CELERY_BROKER_URL is redis:// (the PostgreSQL + Redis run of .ci/run). The worker listens on a
queue of its own, so a worker already running on the same Redis cannot take the task.
"""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BROKER = settings.CELERY_BROKER_URL

pytestmark = pytest.mark.skipif(
    not BROKER.startswith("redis://"),
    reason=f"needs a Redis broker (CELERY_BROKER_URL=redis://...); this run's broker is {BROKER.split(':')[0]}",
)


@pytest.fixture
def worker(tmp_path):
    """A `celery -A config worker` subprocess on a fresh queue; yields (queue, result backend, log path)."""
    queue = f"chengxin-test-{uuid.uuid4().hex[:12]}"
    backend = os.environ.get("CELERY_RESULT_BACKEND") or BROKER
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CELERY_RESULT_BACKEND": backend,
        "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
    }
    cmd = [
        *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=info"),
        *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        f"--queues={queue}",
        f"--hostname={queue}@%h",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield queue, backend, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # The queue and its exchange (kombu names both after the queue) are this test's alone.
        with redis.Redis.from_url(BROKER) as broker:
            broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def test_a_task_round_trips_through_a_real_worker(worker):
    queue, backend, log = worker
    client = Celery("chengxin-test-client", broker=BROKER, backend=backend)
    result = client.send_task("workflows.tasks.ping", queue=queue)
    try:
        answer = result.get(timeout=25)
    except Exception:
        print(log.read_text())  # shown by pytest with the failure
        raise
    finally:
        result.forget()
        client.close()
    assert answer == "pong"
