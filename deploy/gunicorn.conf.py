"""gunicorn's settings for Chengxin (deploy/chengxin-web.service runs
`gunicorn -c deploy/gunicorn.conf.py config.wsgi:application`); each can be overridden from the
environment (GUNICORN_BIND, GUNICORN_WORKERS, ...) or the command line.

Sync workers: each request is one database transaction of short work, and WeasyPrint renders
in the Celery worker, not here. Behind the reverse proxy (nginx), which buffers slow clients.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# 2 × cores + 1 is gunicorn's own rule of thumb; on the 2-core reference machine, 5.
workers = int(os.environ.get("GUNICORN_WORKERS", "5"))
# A worker is replaced after this many requests (± jitter, so they are not all replaced at once):
# whatever a long-running process accumulates (fragmented memory) does not build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# A request still running after this many seconds is killed (and logged by gunicorn): the
# heaviest pages (exports of a million records) finish well within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Access log and gunicorn's own messages to stdout/stderr: journald keeps them; the
# application's JSON lines (config/settings/logging.py) go to stdout and to the log file.
accesslog = "-"
errorlog = "-"
# The request id (X-Request-ID, answered by portal.observability) in each access line.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
)
# Only the proxy on this machine connects; X-Forwarded-* are believed from it alone
# (the application's own CHENGXIN_TRUSTED_PROXIES decides what the audit trail records).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the application once before forking: a broken setting fails the start, not each worker.
preload_app = True
