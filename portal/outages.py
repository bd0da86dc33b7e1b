"""A lost database answers 503 "try again shortly", in Chinese (JSON under /api/), never a 500.

A connection refused, dropped or closed under a request (django.db.OperationalError,
InterfaceError) says nothing about what the user did: the step they asked for either
committed or was rolled back whole, and trying again later is the right advice. It is not
a conflict ("刚被他人处理"), which only a lost compare-and-set race may claim
(casework.services.steps), and not a bug to mail the administrators about on every request
while the database is down: one warning line per request, with its request id.

The page is rendered with no request context: the context processors read the user and
the navigation from the very database that is gone.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from casework.api.middleware import is_api

logger = logging.getLogger("chengxin.outages")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable(request) -> HttpResponse:
    if is_api(request):
        response = JsonResponse(
            {"detail": _("数据库暂时无法连接，请稍后重试。"), "code": "service_unavailable", "field": None},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged above as a warning; Django would log (and mail) every such 503 again as an error.
    response._has_been_logged = True
    return response


class DatabaseUnavailable:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return outage(request, exception)


def outage(request, error) -> HttpResponse:
    """The answer to a request whose database is gone: one warning line, then the 503. A
    middleware that reads the session before the view calls it itself (portal.sessions)."""
    logger.warning("database unavailable: %s %s: %s", request.method, request.path, error)
    return unavailable(request)


def server_error(request):
    """handler500: a database error raised outside a view (a middleware reading the session
    or the user) reaches here rather than DatabaseUnavailable; it is an outage all the same."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, error)
        return unavailable(request)
    return defaults.server_error(request)
