"""A session ends after CHENGXIN["SESSION"]["IDLE_MINUTES"] without a request, and
CHENGXIN["SESSION"]["ABSOLUTE_HOURS"] after its sign-in whatever happens (config/settings/mfa.py).

The session holds the wall-clock time (django.utils.timezone.now) of its sign-in and of its
last request. The last request's time is written at most once a minute, so a busy user does
not cost a session write per request; a session may therefore end up to a minute before its
idle limit, never after it. An ended session is signed out (audited as a sign-out with its
reason, casework.signin) and the next page is the sign-in page, saying why; under /api/ the
request goes on as anonymous and the API answers as it does to anyone not signed in.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LoginView
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.api.middleware import is_api
from casework.signin import LOGOUT_REASON, SignInForm

from .outages import DATABASE_ERRORS, outage

SIGNED_IN_AT = "chengxin.signed_in_at"
LAST_SEEN = "chengxin.last_seen"
#: Left in the new, anonymous session for the sign-in page to say why.
SIGNED_OUT = "chengxin.signed_out"
TOUCH_SECONDS = 60
MESSAGES = {
    "idle": _("长时间未操作，已自动退出登录，请重新登录。"),
    "absolute": _("登录时间已超过上限，已自动退出登录，请重新登录。"),
}


@receiver(user_logged_in, dispatch_uid="chengxin.sessions.signed_in")
def _signed_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = timezone.now().timestamp()
        session[SIGNED_IN_AT] = session[LAST_SEEN] = now


def expired(session, now: float) -> str | None:
    """ "idle" or "absolute" when the session has ended, else None."""
    limits = settings.CHENGXIN["SESSION"]
    if now - session.get(SIGNED_IN_AT, now) >= limits["ABSOLUTE_HOURS"] * 3600:
        return "absolute"
    if now - session.get(LAST_SEEN, now) >= limits["IDLE_MINUTES"] * 60:
        return "idle"
    return None


class SessionTimeout:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        try:
            signed_in = SESSION_KEY in session  # by session (not by an API token)
        except DATABASE_ERRORS as error:  # the session is read from the database that is gone
            return outage(request, error)
        if signed_in:
            now = timezone.now().timestamp()
            reason = expired(session, now)
            if reason:
                return self.end(request, reason)
            session.setdefault(SIGNED_IN_AT, now)
            if now - session.get(LAST_SEEN, 0) >= TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)

    def end(self, request, reason: str):
        setattr(request, LOGOUT_REASON, reason)
        logout(request)
        request.session[SIGNED_OUT] = reason
        if is_api(request):
            return self.get_response(request)
        return HttpResponseRedirect(f"{reverse('login')}?next={quote(request.get_full_path())}")


class SignInView(LoginView):
    """The site's sign-in page, saying why when the site signed the user out itself."""

    template_name = "public/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.session.pop(SIGNED_OUT, None)
        context["signed_out"] = MESSAGES.get(reason)
        return context
