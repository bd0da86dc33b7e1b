"""Operations (issue 13, part ops2): Celery workers and beat log like the web.

Celery replaces the root logger's handlers with its own plain-text ones unless told not to;
kept off, its lines (a task received, succeeded, failed with its traceback) go through
LOGGING (config/settings/logging.py): JSON lines on stdout and in the log file, the task's id
and name on each line logged inside a task (portal.observability.RequestIdFilter).
"""

CELERY_WORKER_HIJACK_ROOT_LOGGER = False
