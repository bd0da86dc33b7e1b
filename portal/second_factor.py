"""The second factor's pages: "输入动态验证码" after the password, the enrolment of an
authenticator app (its secret as text and as a QR image), the recovery codes shown once; and
the middleware that lets a user who owes the factor open nothing else (casework.second_factor).

Until the session has given it, every page but these, the sign-in and sign-out pages (the
site's and the admin's) and the static files sends the user here; a request to the API with
the session gets a 403 in JSON. The admin is one of those pages: with enforcement on, nobody
reaches /admin/ without the factor.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casework import second_factor
from casework.api.middleware import is_api


class RequireSecondFactor:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        """What a user who owes the factor may still open (prefixes)."""
        names = ["login", "logout", "admin:login", "admin:logout", "second-factor", "set_language"]
        return (*(reverse(name) for name in names), f"/{settings.STATIC_URL.lstrip('/')}")

    def __call__(self, request):
        if second_factor.must_verify(request) and not request.path_info.startswith(self.open_paths):
            if is_api(request):
                body = {
                    "detail": _("请先完成两步验证（动态验证码）后再使用。"),
                    "code": "second_factor_required",
                    "field": None,
                }
                return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
            return HttpResponseRedirect(f"{reverse('second-factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写动态验证码。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?next={quote(_next(request))}"


@login_required
@require_http_methods(["GET", "POST"])
def verify_page(request):
    """输入动态验证码: a code from the app, or a recovery code. A verifier that needs nothing
    typed (a client certificate) is asked on the way in."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next(request))
    if not second_factor.is_enrolled(user):
        return HttpResponseRedirect(_with_next("second-factor-enrol", request))
    form = CodeForm(request.POST or None)
    token = form.data.get("token", "") if request.method == "POST" else ""
    try:
        device = second_factor.verify(request, user, token, via="page")
    except second_factor.Throttled as refused:
        form.is_valid()
        form.add_error("token", str(refused))
        device = None
    if device is not None:
        second_factor.sign_in(request, device)
        return HttpResponseRedirect(_next(request))
    if request.method == "POST" and form.is_valid() and not form.has_error("token"):
        form.add_error("token", _("动态验证码不正确，请重新输入身份验证器上显示的 6 位数字或一个恢复码。"))
    return render(request, "portal/second_factor/verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def enrol_page(request):
    """Bind an authenticator app: its secret as text and as a QR code, confirmed by a code
    from it; then the recovery codes, shown this once."""
    if second_factor.is_enrolled(request.user):
        return HttpResponseRedirect(_with_next("second-factor", request))
    device = second_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm(request, device, form.cleaned_data["token"])
        if codes is not None:
            return _recovery_codes(request, codes)
        form.add_error("token", _("动态验证码不正确，请核对手机时间后重新输入身份验证器上显示的 6 位数字。"))
    context = {
        "form": form,
        "next": _next(request),
        "secret": b32encode(device.bin_key).decode(),
        "uri": device.config_url,
    }
    return render(request, "portal/second_factor/enrol.html", context)


@login_required
def enrol_qr(request):
    """The enrolment's otpauth:// address as an SVG QR image (no script in it)."""
    if second_factor.is_enrolled(request.user):
        raise Http404
    device = second_factor.pending_device(request.user)
    response = HttpResponse(content_type="image/svg+xml")
    segno.make(device.config_url, error="m").save(response, kind="svg", scale=5, border=4)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_page(request):
    """New recovery codes (the old ones stop working), for a user who has given the factor."""
    if not request.user.is_verified():
        return HttpResponseRedirect(_with_next("second-factor", request))
    if request.method == "POST":
        return _recovery_codes(request, second_factor.issue_recovery_codes(request, request.user))
    return render(request, "portal/second_factor/recovery_codes.html", {"next": _next(request)})


def _recovery_codes(request, codes: list[str]):
    return render(
        request, "portal/second_factor/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )
