"""Production operations (issue 13 §9): the cache the web workers share, and Celery's logs in
the same JSON lines as the web's.

The rate limit counted across gunicorn workers in Redis is shown end to end by
scripts/prod_smoke.sh (two workers, the 61st request of a minute refused)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

from .test_settings_deploy import PUBLIC, manage

ROOT = Path(__file__).resolve().parent.parent
CACHES_OF = "from django.conf import settings; import json; print(json.dumps(settings.CACHES['default']))"


def production_shell(tmp_path, **env):
    return manage(
        tmp_path,
        "shell",
        "-c",
        CACHES_OF,
        SECRET_KEY="x" * 10 + uuid.uuid4().hex * 2,
        CHENGXIN_PUBLIC_BASE_URL=PUBLIC,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/1",
        **env,
    )


def test_production_caches_in_redis(tmp_path):
    run = production_shell(tmp_path, CACHE_URL="redis://127.0.0.1:6379/2")
    assert run.returncode == 0, run.stderr
    cache = json.loads(run.stdout.strip().splitlines()[-1])
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/2"


def test_production_reads_redis_url_when_cache_url_is_unset(tmp_path):
    run = production_shell(tmp_path, CACHE_URL="", REDIS_URL="redis://127.0.0.1:6379/3")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1])["LOCATION"] == "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    "url", ["", "locmem://", "redis://127.0.0.1:6379/1"], ids=["unset", "not-redis", "broker"]
)
def test_production_refuses_a_cache_that_is_not_a_redis_database_of_its_own(tmp_path, url):
    run = production_shell(tmp_path, CACHE_URL=url)
    assert run.returncode != 0
    assert "CACHE_URL" in run.stderr


def test_axes_counts_in_the_database_every_worker_shares():
    """The lockout's counters need no cache: axes' handler is its database one."""
    from axes.handlers.proxy import AxesProxyHandler

    assert type(AxesProxyHandler.get_implementation(force=True)).__name__ == "AxesDatabaseHandler"


@pytest.mark.django_db
def test_the_public_pages_stay_up_when_the_shared_cache_is_down(client, settings, caplog):
    """The rate limit fails open: a Redis outage must not take the public disclosure down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CHENGXIN_RATE_LIMIT = {**settings.CHENGXIN_RATE_LIMIT, "REQUESTS": 1}
    caches._settings = None  # the handler reads CACHES again
    try:
        for _ in range(3):
            assert client.get("/public/records/").status_code == 200
    finally:
        caches.close_all()
    assert "rate limit not counted, the cache is unavailable" in caplog.text


# ── Celery's logs ───────────────────────────────────────────────────────────────────────


def test_a_worker_logs_json_lines_with_the_task_it_ran(tmp_path):
    """A real `celery worker` (the filesystem broker of a folder of its own): after its
    start-up banner every line is a JSON object, and the line of a task's success names the
    task by id and name, as the web's lines name their request."""
    queue = f"ops2-logs-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "False",
        # worker_ready's recovery task goes to the default queue, which this worker does not read
        "CELERY_TASK_DEFAULT_QUEUE": f"{queue}-default",
        "CHENGXIN_VAR_DIR": str(tmp_path / "var"),
        "CHENGXIN_LOG_FILE": "",
    }
    log = tmp_path / "worker.log"
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=info"]
    cmd += [f"--queues={queue}", f"--hostname={queue}@%h", "--without-mingle", "--without-gossip"]
    with log.open("wb") as out:
        worker = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        send = f"from config.celery import app; app.send_task('workflows.tasks.ping', queue={queue!r})"
        subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "succeeded" not in log.read_text(errors="replace"):
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    text = log.read_text(errors="replace")
    logged = text[text.index("[tasks]") :].split("\n\n", 1)[1]  # after the banner's task list
    lines = [
        json.loads(line) for line in logged.splitlines() if line.strip() and not line.startswith("worker:")
    ]
    assert lines, text
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    [done] = [line for line in lines if "succeeded" in line["message"]]
    assert done["logger"] == "celery.app.trace" and done["level"] == "INFO"
    assert done["task_name"] == "workflows.tasks.ping" and done["task_id"] in done["message"]
    assert any(line["message"].endswith("ready.") for line in lines)
