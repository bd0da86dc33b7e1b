"""Bounded work: how much one request, one notice and one rendering may cost.

A notice's text is rendered to PDF by a time-limited task (notices.tasks, soft limit 30 s):
the limits below keep the largest notice anyone can draft well inside it (docs/decisions.md,
"Bounded work", has the measured figure). A rendering that still fails is tried a bounded
number of times, then shown as failed to the officers, who may ask for another try.
"""

from celery.schedules import schedule as _every

from .celery import CELERY_BEAT_SCHEDULE, CELERY_BROKER_URL

#: Characters of one text value of a notice's data (失信事实, 证据摘要 lines…): the record's own
#: limit (CHENGXIN["TEXT_MAX_LENGTH"]), since the notices' builders copy its facts and basis.
CHENGXIN_NOTICE_MAX_TEXT = 20_000
#: Characters of a notice's whole data snapshot, as JSON: what bounds the rendering time.
CHENGXIN_NOTICE_MAX_DATA = 50_000
#: Characters any free-text field of the API's input takes at all (DRF's CharField has no
#: limit): a cap on what is parsed; the services' own limits (CHENGXIN["TEXT_MAX_LENGTH"])
#: are lower and say so in their own words.
CHENGXIN_TEXT_INPUT_MAX = 50_000
#: Renderings of one issued notice started before it is marked failed (no automatic retry).
CHENGXIN_NOTICE_RENDER_ATTEMPTS = 3
#: Nesting of a JSON request body (objects and arrays); deeper is refused with a 400.
CHENGXIN_JSON_MAX_DEPTH = 32

# Django's own limit on a request body read in memory (forms, and JSON through the API's
# parser: casework.api.parsers); file uploads stream to disk under CHENGXIN_UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# A rendering task lost with its worker (killed, OOM) is queued again within a minute: a worker
# restarted under its node name queues what it held at once (notices.tasks.recover_renders), and
# this sweep, every 30 s, takes a notice issued over a minute ago whose rendering never started
# or started longer ago than the task's hard limit allows (notices.tasks.LEASE_SECONDS, 50 s).
CHENGXIN_RENDER_SWEEP_SECONDS = 30
CELERY_BEAT_SCHEDULE["render pending notices"] = {
    "task": "notices.tasks.render_pending",
    "schedule": _every(CHENGXIN_RENDER_SWEEP_SECONDS),
    "kwargs": {"older_than_seconds": 60},
    "options": {"expire_seconds": CHENGXIN_RENDER_SWEEP_SECONDS},
}

# Redis hands an unacknowledged task (acks_late; its worker machine gone) to another worker
# after the visibility timeout (an hour by default). It must exceed the longest task (the
# rendering's hard limit is 45 s; a sweep takes minutes at most); the render sweep above
# recovers a lost rendering sooner anyway. A worker whose child dies mid-task rejects it at
# once (CELERY_TASK_REJECT_ON_WORKER_LOST): it is redelivered, within the attempts above.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
