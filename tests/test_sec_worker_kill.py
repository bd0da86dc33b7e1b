"""Must-show 6 of issue 13, third part: a notice whose worker is killed mid-render is rendered
within a minute of the worker's restart.

Real processes, no eager mode (the PostgreSQL + Redis run of .ci/run): a `celery worker`
(prefork, as deployed) whose rendering is slowed down (tests/slow_render_worker.py) takes the
notice's task; once the rendering has started, the worker's whole process group gets SIGKILL
(what systemd does to a unit that will not stop, or the OOM killer to the child). A worker is
started again under the same node name, as systemd restarts the unit, with no beat: it queues
what its previous life held (notices.tasks.recover_renders, on worker_ready) and renders it.

The sweep's side (a worker that never comes back) is tested in process below: a lease older
than the task's hard limit is taken, a younger one is not.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import TestCase
from django.utils import timezone

from notices import services, tasks
from notices.models import Notice

from .notice_cases import draft, without_notices
from .test_celery_beat import _database_url

ROOT = Path(__file__).resolve().parent.parent
BROKER = django_settings.CELERY_BROKER_URL
RECOVERY_LIMIT = 60  # seconds from the restart to the stored PDF
SLOW = 120  # the killed worker's rendering would take this long


def _issued_without_rendering(monkeypatch, officer, approver, unit):
    """An issued notice whose rendering task was not queued (the test sends it itself)."""
    from . import lifecycle

    record = without_notices(
        lambda: lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    )
    notice = draft(officer=officer, record=record, type_code="N3")
    monkeypatch.setattr(tasks.render_notice, "delay_on_commit", lambda notice_id: None)
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    monkeypatch.undo()
    notice.refresh_from_db()
    assert notice.number and not notice.pdf_ready and notice.render_attempts == 0
    return notice


def _wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def workers(tmp_path):
    """`start(name, delay)` runs a prefork worker on the test database and a queue of this
    test's own, its node name the same on every start; each in a process group of its own,
    which `kill(process)` ends with SIGKILL. Every process is gone when the test ends."""
    import redis

    queue = f"chengxin-kill-test-{uuid.uuid4().hex[:12]}"
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
        "CHENGXIN_LOG_FILE": "",
    }

    def start(name: str, delay: float = 0) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        args = [
            *("worker", "--pool=prefork", "--concurrency=1", "--loglevel=info", f"--queues={queue}"),
            *(f"--hostname={queue}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat"),
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "tests" / "slow_render_worker.py"), *args],
                cwd=ROOT,
                env={**env, "CHENGXIN_TEST_RENDER_DELAY": str(delay)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the pool's children die with it
            )
        started.append(process)
        return process, log

    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    try:
        yield queue, start, kill
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        with redis.Redis.from_url(BROKER) as broker:
            broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not BROKER.startswith("redis://"),
    reason=f"needs a Redis broker (CELERY_BROKER_URL=redis://...); this run's broker is {BROKER.split(':')[0]}",
)
def test_a_notice_whose_worker_is_killed_mid_render_is_rendered_within_a_minute_of_restart(
    monkeypatch, workers, officer, approver, unit, fixed_today, issuer
):
    from celery import Celery

    queue, start, kill = workers
    notice = _issued_without_rendering(monkeypatch, officer, approver, unit)

    first, first_log = start("first", delay=SLOW)
    client = Celery("chengxin-kill-test", broker=BROKER)
    try:
        client.send_task("notices.tasks.render_notice", args=[notice.pk], queue=queue)
    finally:
        client.close()
    started = _wait_until(lambda: Notice.objects.get(pk=notice.pk).render_started_at is not None, 60)
    assert started, first_log.read_text(errors="replace")
    time.sleep(1)  # well inside the slowed rendering
    kill(first)
    notice.refresh_from_db()
    assert not notice.pdf_ready and notice.render_attempts == 1
    assert notice.render_worker.startswith(f"{queue}@")

    restarted_at = time.monotonic()
    _second, second_log = start("second")
    rendered = _wait_until(lambda: Notice.objects.get(pk=notice.pk).pdf_ready, RECOVERY_LIMIT)
    took = time.monotonic() - restarted_at
    assert rendered, (
        f"not rendered within {RECOVERY_LIMIT} s of the restart:\n{second_log.read_text(errors='replace')}"
    )
    notice.refresh_from_db()
    assert notice.render_attempts == 2 and not notice.render_failed
    assert "notices.tasks.recover_renders" in second_log.read_text(errors="replace")
    print(f"rendered {took:.1f} s after the restart")


# ── the sweep, for a worker that does not come back ──────────────────────────────────────


@pytest.mark.django_db
def test_the_sweep_takes_a_lease_older_than_the_hard_limit_and_leaves_a_younger_one(
    monkeypatch, officer, approver, unit, fixed_today, issuer
):
    notice = _issued_without_rendering(monkeypatch, officer, approver, unit)
    queued: list[int] = []
    monkeypatch.setattr(tasks.render_notice, "delay", queued.append)

    young = timezone.now() - dt.timedelta(seconds=tasks.LEASE_SECONDS - 20)
    Notice.objects.filter(pk=notice.pk).update(
        render_started_at=young, render_worker="w@host", render_attempts=1
    )
    assert tasks.render_pending(older_than_seconds=0) == 0 and queued == []  # may still be rendering

    old = timezone.now() - dt.timedelta(seconds=tasks.LEASE_SECONDS + 1)
    Notice.objects.filter(pk=notice.pk).update(render_started_at=old)
    assert tasks.render_pending(older_than_seconds=0) == 1 and queued == [notice.pk]


@pytest.mark.django_db
def test_a_restarted_worker_queues_only_what_its_name_held_before_it_started(
    monkeypatch, officer, approver, unit, fixed_today, issuer
):
    notice = _issued_without_rendering(monkeypatch, officer, approver, unit)
    queued: list[int] = []
    monkeypatch.setattr(tasks.render_notice, "delay", queued.append)
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(
        render_started_at=now - dt.timedelta(seconds=5), render_worker="a@h"
    )

    assert tasks.recover_renders("b@h", now.isoformat()) == 0  # another worker's rendering
    assert (
        tasks.recover_renders("a@h", (now - dt.timedelta(seconds=10)).isoformat()) == 0
    )  # its own, after start
    assert tasks.recover_renders("a@h", now.isoformat()) == 1 and queued == [notice.pk]
