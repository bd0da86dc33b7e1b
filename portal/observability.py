"""What the site writes about itself: a request id on every log line, lines an aggregator reads.

Every request gets an id (X-Request-ID, answered back in the response) held in a context
variable for as long as the request runs; the logging filter copies it onto every record,
so the lines of one request, from any module, can be picked out of a busy log. An incoming
X-Request-ID is kept only when the request came through a trusted reverse proxy
(CHENGXIN["TRUSTED_PROXIES"], as casework.http believes its X-Forwarded-For): anyone else
could make their requests' lines look like somebody else's.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

from celery import current_task

from casework.http import from_trusted_proxy

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"  # a line written outside a request (a worker, a command)

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("chengxin_request_id", default=NO_REQUEST)

# What a proxy's id may look like: printable, short, no separators a log parser splits on.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (NO_REQUEST outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a response's status after the middleware has returned: its
            # record carries the request, and the request its id.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id.get()
        if not hasattr(record, "task_id"):
            # In a Celery worker: the task the line was logged in (celery's own plain-text
            # format said so; the JSON line says it in fields).
            task = current_task._get_current_object() if current_task else None
            if task is not None and task.request.id:
                record.task_id, record.task_name = task.request.id, task.name
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message, and the traceback
    when there is one (a line of its own would be cut from its request by the aggregator)."""

    EXTRAS = ("status_code", "method", "path", "client_ip", "duration_ms", "task_id", "task_name")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": record.getMessage(),
        }
        for name in self.EXTRAS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestId:
    """Assigns the request its id before anything else runs, and names it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if incoming and _ACCEPTABLE_ID.match(incoming) and from_trusted_proxy(request):
            value = incoming
        else:
            value = uuid.uuid4().hex
        request.request_id = value
        token = request_id.set(value)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = value
            return response
        finally:
            request_id.reset(token)
