"""Beat runs the deadline sweeps: the schedule reaches django-celery-beat's tables, and (must-show 2
of issue #3) a real worker fed by a real beat escalates an overdue rectification item.

The real-process test runs in the PostgreSQL + Redis run of .ci/run (CELERY_BROKER_URL=redis://…):
`celery -A config worker` and `celery -A config beat -S …DatabaseScheduler` as subprocesses, no eager
mode, on the test's own database (committed data: a transactional test) and on a queue of their own,
so a worker already running on the same Redis cannot take the sweeps. The subprocesses get the legal
date and a two-second sweep interval through the environment (CHENGXIN_TODAY, CHENGXIN_SWEEP_INTERVAL).
"""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from casework.lifecycle import ItemState, RectificationState
from casework.models import Accountability, RectificationItem
from config.celery import app as celery_app
from workflows import sweeps

from .factories import OrganisationFactory, UserFactory
from .sweep_cases import served_rectification

ROOT = Path(__file__).resolve().parent.parent
BROKER = django_settings.CELERY_BROKER_URL
ESCALATION_TIMEOUT = 60


# ── the schedule in beat's tables ───────────────────────────────────────────────────────


# Transactional: the scheduler closes "old" connections (close_old_connections), and inside a
# test's wrapping transaction that closes the test's own connection.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_installs_every_sweep_in_its_database_schedule():
    """What `make run` and a deployment get with no extra step: DatabaseScheduler copies
    CELERY_BEAT_SCHEDULE into its tables when beat starts."""
    scheduler = DatabaseScheduler(app=celery_app)
    try:
        tasks = PeriodicTask.objects.filter(task__startswith="workflows.tasks.sweep_")
        assert {t.task for t in tasks} == {f"workflows.tasks.sweep_{name}" for name in sweeps.SWEEPS}
        assert all(t.enabled and t.expire_seconds == django_settings.CHENGXIN_SWEEP_INTERVAL for t in tasks)
        every = tasks.filter(interval__isnull=False)
        assert {t.interval.every * {"seconds": 1, "minutes": 60}[t.interval.period] for t in every} == {
            django_settings.CHENGXIN_SWEEP_INTERVAL
        }
        midnight = CrontabSchedule.objects.filter(periodictask__in=tasks).distinct()
        assert [(c.minute, c.hour, str(c.timezone)) for c in midnight] == [("5", "0", "Asia/Shanghai")]
    finally:
        scheduler._finalize.cancel()  # nothing to write back at exit


# ── must-show 2: a real worker and a real beat ──────────────────────────────────────────


def _database_url() -> str:
    """The test database (pytest-django's `test_…`), for the subprocesses."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(name: str, args: list[str], env: dict, logs: Path) -> tuple[subprocess.Popen, Path]:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def celery_processes(tmp_path):
    """`start()` runs `celery worker` and `celery beat` on the test database and a fresh queue,
    with the legal date 2026-10-23 and a 2-second sweep interval, and returns their log paths;
    both are stopped when the test ends, before the database is flushed."""
    import redis

    queue = f"chengxin-beat-test-{uuid.uuid4().hex[:12]}"
    started: list[subprocess.Popen] = []

    def start() -> list[Path]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CHENGXIN_TODAY": "2026-10-23",
            "CHENGXIN_SWEEP_INTERVAL": "2",
            "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
        }
        worker = [
            *("worker", "--pool=solo", "--loglevel=info", f"--queues={queue}", f"--hostname={queue}@%h"),
            *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        ]
        beat = ["beat", "--loglevel=info", "-S", "django_celery_beat.schedulers:DatabaseScheduler"]
        logs = []
        for name, args in (("worker", worker), ("beat", beat)):
            process, log = _start(name, args, env, tmp_path)
            started.append(process)
            logs.append(log)
        return logs

    try:
        yield start
    finally:
        for process in started:
            _stop(process)
        with redis.Redis.from_url(BROKER) as broker:
            broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def _wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _urged_items(settings):
    """Scenario 9 up to the reminder: items due 2026-10-08, urged on 2026-10-09 (by the same
    sweep, run in process) with a new deadline 2026-10-22."""
    officer, approver = UserFactory(roles=["officer"]), UserFactory(roles=["approver"])
    settings.CHENGXIN_TODAY = "2026-09-01"
    order = served_rectification(officer=officer, approver=approver, unit=OrganisationFactory(), items=2)
    assert sweeps.run("rectification", dt.date(2026, 10, 9))["items_overdue"] == 2
    return order


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not BROKER.startswith("redis://"),
    reason=f"needs a Redis broker (CELERY_BROKER_URL=redis://...); this run's broker is {BROKER.split(':')[0]}",
)
def test_a_real_worker_fed_by_beat_escalates_an_overdue_rectification_item(celery_processes, settings):
    """Scenario 9, second overdue, with no eager mode: on 2026-10-23 the reminder deadline
    (2026-10-22) has passed; beat sends the rectification sweep, the worker runs it, and the
    items, their order and a new accountability case are in the (committed) database."""
    order = _urged_items(settings)
    items = RectificationItem.objects.filter(rectification=order)
    assert set(items.values_list("state", flat=True)) == {ItemState.URGED}

    worker_log, beat_log = celery_processes()
    escalated = _wait_until(
        lambda: set(items.values_list("state", flat=True)) == {ItemState.ESCALATED}, ESCALATION_TIMEOUT
    )

    def read_logs() -> str:
        return "\n".join(log.read_text(errors="replace") for log in (worker_log, beat_log))

    # The worker logs the task's success after its transaction commits: on a busy machine the
    # test can see the escalated rows before that line is written.
    succeeded = re.compile(r"Task workflows\.tasks\.sweep_rectification\[[0-9a-f-]+\] succeeded")
    logged = _wait_until(lambda: succeeded.search(read_logs()) is not None, 30)
    logs = read_logs()
    assert escalated, f"not escalated within {ESCALATION_TIMEOUT} s:\n{logs}"
    assert "Sending due task sweep rectification (workflows.tasks.sweep_rectification)" in logs
    assert logged, f"the worker did not log the sweep's success:\n{logs}"
    order.refresh_from_db()
    assert order.state == RectificationState.ESCALATED
    assert Accountability.objects.filter(rectification=order).count() == 1
