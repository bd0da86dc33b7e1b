"""`/work/people/<pk>/id-number/`: the full ID number of a civil servant, read with a reason.

GET shows the masked number and the form "查看完整身份证号码"; POST with a reason of at least
four characters shows the full number once, in that response only (the read is on the audit
trail: casework.services.pii.read_id_number). Who may not read ID numbers gets the 403 page,
a person outside the user's scope the 404 page, like a missing one.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casework import queries
from casework.errors import NotFoundError
from casework.http import client_ip
from casework.permissions import may_see_id_numbers
from casework.services import pii


class ReadReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "写明为何需要完整号码（如：核对任免文件、办理处分送达）；理由与您的账号、地址一并记入审计日志。"
        ),
        error_messages={"required": _("请填写“查看理由”。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        refusal = pii.reason_refusal(reason)
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code=refusal.code)
        return reason


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_id_number(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not may_see_id_numbers(user):
        raise PermissionDenied(_("您的角色无权查看完整身份证号码。"))
    try:
        person = queries.person_get(user=user, person_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None
    form = ReadReasonForm(request.POST or None)
    full = ""
    if request.method == "POST" and form.is_valid():
        full = pii.read_id_number(
            acting_user=user,
            person_id=person.pk,
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
    return render(request, "portal/people/id_number.html", {"person": person, "form": form, "full": full})
