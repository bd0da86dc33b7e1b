"""The public verification page (DOMAIN §8.3, the code on every notice): anyone, signed in or not, can look up an issued
notice by the code printed on it, and upload a PDF to learn whether it is the issued one.

The page shows what the notice is (type, number, issuer, date, SHA-256, whether it is still
valid), never whom it is about: no personal data leaves through an unauthenticated page.
Checking a file changes nothing on the server, so the form needs no CSRF token, which lets
a script check files too (`curl -F pdf=@notice.pdf …/verify/<code>`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Notice, NoticeState

app_name = "verify"


def normalise(code: str) -> str:
    """Codes are read off paper: ignore case, spaces and dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


def lookup(*, code: str | None = None, sha256: str | None = None) -> Notice | None:
    issued = Notice.objects.select_related("issuer").filter(number__isnull=False)
    if code:
        return issued.filter(verify_code=normalise(code)).first()
    if sha256:
        return issued.filter(sha256=sha256).first()
    return None


def status_of(notice: Notice) -> str:
    if notice.state == NoticeState.VOIDED:
        return _("已作废")
    if not notice.pdf_ready:
        return _("正在生成")
    return _("有效")


def facts(notice: Notice) -> dict:
    return {
        "title": notice.title,
        "number": notice.number,
        "issuer": notice.issuer.name,
        "issued_on": notice.issued_on,
        "sha256": notice.sha256,
        "status": status_of(notice),
        "valid": notice.state != NoticeState.VOIDED and notice.pdf_ready,
        "code": notice.verify_code,
    }


def uploaded_sha256(request: HttpRequest) -> tuple[str | None, str | None]:
    """(SHA-256 of the uploaded file, None) or (None, the error to show)."""
    upload = request.FILES.get("pdf")
    if upload is None:
        return None, _("请选择要核验的 PDF 文件。")
    if upload.size > settings.CHENGXIN_VERIFY_MAX_UPLOAD:
        return None, _("文件过大，无法核验。")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest(), None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_notice(request: HttpRequest, code: str) -> HttpResponse:
    notice = lookup(code=code)
    if notice is None:
        return render(request, "verify/not_found.html", {"code": normalise(code)}, status=404)
    context = {"notice": facts(notice)}
    if request.method == "POST":
        digest, error = uploaded_sha256(request)
        context.update(error=error, uploaded_sha256=digest, checked=digest is not None)
        context["match"] = bool(digest) and notice.pdf_ready and digest == notice.sha256
    return render(request, "verify/notice.html", context, status=400 if context.get("error") else 200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_index(request: HttpRequest) -> HttpResponse:
    """Enter a code (GET ?code=) or upload a PDF without one: it is looked up by its hash."""
    if request.method == "GET":
        code = normalise(request.GET.get("code", ""))
        return redirect("verify:notice", code=code) if code else render(request, "verify/index.html")
    digest, error = uploaded_sha256(request)
    notice = lookup(sha256=digest) if digest else None
    context = {"error": error, "uploaded_sha256": digest, "checked": digest is not None}
    context["notice"] = facts(notice) if notice else None
    return render(request, "verify/index.html", context, status=400 if error else 200)


urlpatterns = [
    path("", verify_index, name="index"),
    path("<str:code>", verify_notice, name="notice"),
]
