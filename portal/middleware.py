"""Only the configuration roles enter the admin site; the Chinese 404 page in development too.

Liaisons, unit heads and the commission's staff are `is_staff` for historical reasons and
hold view permissions whose querysets are scoped, but their work is in the portal; the admin
is where users, the calendar, issuers and catalogues are configured. A signed-in user
without a configuration role (settings CHENGXIN["ADMIN_ROLES"], or a superuser) gets the
Chinese 403 page for every admin URL but those CHENGXIN["ADMIN_ROLE_PAGES"] opens to one of
their roles (the HR administrator's civil servants, for the identifier override); anonymous
visitors still reach the admin's sign-in.
"""

from __future__ import annotations

import logging
import time

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.renderers import BrowsableAPIRenderer

from casework import calendar
from casework.api.middleware import is_api
from casework.http import client_ip
from casework.permissions import has_role

from .workbench.access import may_configure

logger = logging.getLogger("portal.ratelimit")


class ConfigurationAdminOnly:
    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def page_of_role(user, path: str) -> bool:
        """A page a role outside the configuration roles may open (CHENGXIN["ADMIN_ROLE_PAGES"]):
        the HR administrator's civil servants, for the identifier override."""
        pages = settings.CHENGXIN.get("ADMIN_ROLE_PAGES", {})
        return any(has_role(user, role) and path.startswith(tuple(starts)) for role, starts in pages.items())

    @cached_property
    def prefix(self) -> str:
        return reverse("admin:index")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith(self.prefix) and user is not None and user.is_authenticated:
            if not may_configure(user) and not self.page_of_role(user, request.path[len(self.prefix) :]):
                raise PermissionDenied(_("管理后台仅供系统管理员和信用管理员配置系统使用。"))
        return self.get_response(request)


class ChineseNotFoundInDebug:
    """With DEBUG on (`make run`), Django answers a missing page, or an object hidden from the
    user, with its technical 404 page in English, which lists the site's URL patterns. The
    site's own Chinese 404 page is shown instead (the API keeps its JSON); a developer who
    wants Django's page sets CHENGXIN_TECHNICAL_404 = True."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(settings, "CHENGXIN_TECHNICAL_404", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith("/api/")
        ):
            return page_not_found(request, Http404())
        return response


class OneCalendarPerPage:
    """A page that is only read (GET, HEAD) reads the working-day calendar once, however many
    rows count their days left (`casework.calendar.pinned`); a POST may load a year and then
    compute with it, so it reads the calendar afresh each time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with calendar.pinned():
            return self.get_response(request)


class RefuseNullCharacters:
    """A NUL character (%00) in the address, the query string or a posted form answers 400
    before any view runs: PostgreSQL refuses U+0000 in text, so a lookup by such a value
    was a 500 there (and a 404 on SQLite). No page of the site takes one legitimately; a
    JSON body is checked by the API's fields (naming the field), a file's bytes are not
    text. Under /api/ the answer is the API's JSON error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_null(request):
            if is_api(request):
                body = {
                    "detail": _("请求中不能包含空字符（U+0000）。"),
                    "code": "null_characters",
                    "field": None,
                }
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return render(
                request,
                "400.html",
                {"message": _("网址或提交的内容中含有空字符（U+0000），无法处理。")},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def has_null(request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in request.path_info or "%00" in query or "\x00" in query:
            return True
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            return any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()
            )
        return False


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's header (settings CONTENT_SECURITY_POLICY), with one exception: DRF's
    browsable API (an API URL opened in a browser) writes style="…" attributes in its own
    template, so its pages allow inline styles. Never inline scripts: it has none."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


class PrivateNoStore:
    """`Cache-Control: private, no-store` on every response to someone with a session (signed in,
    or just signed out) and on every
    download (Content-Disposition: attachment): neither a shared proxy nor the browser's disk
    cache keeps a case page or an evidence file after the user has signed out. A view that
    set Cache-Control itself keeps its own; static files and the anonymous public pages keep
    their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        had_session = _has_session(request)
        response = self.get_response(request)
        if response.has_header("Cache-Control") or request.path.startswith(
            f"/{settings.STATIC_URL.lstrip('/')}"
        ):
            return response
        # A session before the view ran, or after it (the sign-in page's answer). Its key comes
        # from the cookie: asking for the user would read the session from the database, which
        # may be the thing that is down (portal.outages answers that with a 503).
        if had_session or _has_session(request) or _is_download(response):
            response["Cache-Control"] = "private, no-store"
        return response


def _has_session(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.session_key)


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")


class PublicRateLimit:
    """At most CHENGXIN_RATE_LIMIT["REQUESTS"] requests per "WINDOW" seconds from one client
    address to the pages anyone may open (/public/…, /verify/): scraping the public records
    or guessing verification codes is slowed down, a reader is not. Fixed windows counted in
    the cache "CACHE"; the answer past the limit is a Chinese 429 page with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "CHENGXIN_RATE_LIMIT", None)
        if limit and request.path.startswith(tuple(limit["PREFIXES"])):
            retry_after = self.retry_after(limit, client_ip(request) or "unknown")
            if retry_after:
                response = render(
                    request, "429.html", {"retry_after": retry_after, "window": limit["WINDOW"]}, status=429
                )
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)

    @staticmethod
    def retry_after(limit: dict, address: str) -> int:
        """Seconds until this address may ask again; 0 when this request is within the limit."""
        window = int(limit["WINDOW"])
        now = time.time()
        started = int(now // window) * window
        key = f"chengxin:rate:{address}:{started}"
        cache = caches[limit.get("CACHE", "default")]
        try:
            cache.add(key, 0, timeout=window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr: a new window
                cache.set(key, 1, timeout=window + 1)
                count = 1
        except Exception as exc:  # the shared cache (Redis) is down: the public pages stay up
            logger.warning("rate limit not counted, the cache is unavailable: %s", exc)
            return 0
        if count <= int(limit["REQUESTS"]):
            return 0
        return max(1, int(started + window - now) + 1)
