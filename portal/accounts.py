"""The signed-in user's own account: changing the password (forced when it has expired,
casework.passwords) and their API tokens (list, revoke: casework.services.tokens)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import NotFoundError
from casework.models import ApiToken
from casework.passwords import expired_message, expires_at, password_expired, policy, record_change
from casework.services.tokens import revoke_token


class PasswordChange(auth_views.PasswordChangeView):
    """Django's: checks the old password and the rules, keeps this session (other sessions
    end, their hash no longer matching); audited with the client's address."""

    template_name = "portal/accounts/password_change.html"
    success_url = reverse_lazy("work-start")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["expired"] = password_expired(user)
        context["expired_message"] = expired_message() if context["expired"] else ""
        context["expires_at"] = expires_at(user)
        context["history"] = int(policy()["HISTORY"])
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, then update_session_auth_hash
        record_change(self.request, form.user)
        messages.success(self.request, _("密码已修改。您的 API 令牌已全部撤销，其他设备上的登录已失效。"))
        return response


@login_required
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(request, "portal/accounts/tokens.html", {"tokens": tokens, "now": timezone.now()})


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        revoke_token(acting_user=request.user, token_id=pk, reason=_("用户撤销"), request=request)
    except NotFoundError as error:
        raise Http404(str(error.message)) from None
    messages.success(request, _("API 令牌已撤销。"))
    return redirect("api-tokens")
