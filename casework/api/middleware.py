"""Everything under /api/ answers JSON, errors included, and an id in a URL that no
database row can have answers 404 before any query runs.

DRF's own views already answer errors as JSON (casework.api.errors). What reaches a
client otherwise is Django's: the HTML 404 of an unknown address, the 500 page of an
uncaught exception (already logged by Django), the CSRF failure page, a 400 for a bad
Host header. Under /api/ those become the same `{"detail", "code", "field"}` body as
every other API error, with the same status. A JSON response is left as it is, and so
is the browsable API's error page when a browser asked for that.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.renderers import BrowsableAPIRenderer

from .fields import MAX_ID

API_PREFIX = "/api/"

_MESSAGES = {
    400: (_("请求无效。"), "bad_request"),
    401: (exceptions.NotAuthenticated.default_detail, "not_authenticated"),
    403: (exceptions.PermissionDenied.default_detail, "permission_denied"),
    404: (exceptions.NotFound.default_detail, "not_found"),
    406: (exceptions.NotAcceptable.default_detail, "not_acceptable"),
    413: (_("请求内容过大。"), "request_too_large"),
    429: (exceptions.Throttled.default_detail, "throttled"),
    500: (_("服务器内部错误，请稍后重试；问题持续时请联系系统管理员。"), "server_error"),
}


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(request, status: int) -> dict:
    if status == 405:
        detail, code = exceptions.MethodNotAllowed(request.method).detail, "method_not_allowed"
    else:
        detail, code = _MESSAGES.get(status, _MESSAGES[500] if status >= 500 else _MESSAGES[400])
    return {"detail": str(detail), "code": code, "field": None}


class ApiErrorsAsJson:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            return response  # a browser asked for the browsable API: its error page is an answer too
        json = JsonResponse(
            error_body(request, response.status_code),
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        for header in ("Allow", "Content-Language", "Vary", "Retry-After"):
            if header in response:
                json[header] = response[header]
        return json

    def process_view(self, request, view_func, view_args, view_kwargs):
        # `<int:pk>` takes any run of digits; one no id column can hold names no object.
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise Http404
        return None
