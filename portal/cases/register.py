"""登记线索 (T1) as a page: the form of POST /api/records/, handed to that same endpoint, then
the new record's case page. The lead names one subject, a unit or a civil servant, each
found with a search box (portal.cases.lookups). It is the intake operator's start page;
other roles than the registrars get the 403 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from casework.api.serializers import RegisterLeadInput
from casework.api.views import RecordListCreateApi
from portal.workbench.access import REGISTER_ROLES, require_role

from .choices import choices_for, initial
from .dispatch import Endpoint, call, read
from .fields import Context, build, rows_changed
from .lookups import ORGANISATIONS, PEOPLE

ENDPOINT = Endpoint(RecordListCreateApi, RegisterLeadInput, {})
CHOICES = {**choices_for("cases"), "subject_organisation": ORGANISATIONS, "subject_person": PEOPLE}


class RegisterLeadView(LoginRequiredMixin, View):
    template_name = "portal/cases/register.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            require_role(request.user, *REGISTER_ROLES)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        ctx = Context(request.user, None, None, CHOICES)
        return self.show(request, ctx, initial("cases", "register", ctx, RegisterLeadInput))

    def post(self, request: HttpRequest) -> HttpResponse:
        ctx = Context(request.user, None, None, CHOICES)
        fields = build(RegisterLeadInput, data=request.POST, errors={}, ctx=ctx)
        if rows_changed(fields, request.POST):  # a search sent without script
            return self.render(request, fields)
        response = call(ENDPOINT, request, pk=None)
        labels = {name: str(f.label) for name, f in RegisterLeadInput().fields.items()}
        answer = read(response, set(labels), labels)
        if answer.ok:
            messages.success(request, _("线索已登记：%(ref)s。") % {"ref": response.data["reference"]})
            return redirect(reverse("case-detail", args=[response.data["id"]]))
        # Neither or both subjects: the service names the pair ("subject"), shown at the top.
        return self.show(request, ctx, request.POST, answer.by_field, answer.general, status=400)

    def show(self, request, ctx, data, errors=None, general=(), status=200) -> HttpResponse:
        fields = build(RegisterLeadInput, data=data, errors=errors or {}, ctx=ctx)
        return self.render(request, fields, general, status)

    def render(self, request, fields, general=(), status=200) -> HttpResponse:
        context = {
            "fields": fields,
            "general": list(general),
            "summary": [(f.id, f.label, m) for f in fields for m in f.errors],
        }
        return render(request, self.template_name, context, status=status)
