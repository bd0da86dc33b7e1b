"""登记线索 (T1) as a page: the form of POST /api/records/, handed to that same endpoint, then
the new record's case page. The lead names one subject, a unit or a civil servant."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from casework import queries
from casework.api.serializers import RegisterLeadInput
from casework.api.views import RecordListCreateApi
from casework.permissions import has_role, visible_people
from casework.roles import Role

from .choices import choices_for, initial
from .dispatch import Endpoint, call, read
from .fields import Context, build

ENDPOINT = Endpoint(RecordListCreateApi, RegisterLeadInput, {})
REGISTRARS = (Role.OFFICER, Role.INTAKE_OPERATOR)


def _units(ctx: Context):
    return queries.organisation_list(user=ctx.user).order_by("name").values_list("pk", "name")


def _people(ctx: Context):
    return [(p.pk, f"{p.name}（{p.unit.name}）") for p in visible_people(ctx.user).select_related("unit")]


CHOICES = {**choices_for("cases"), "subject_organisation": _units, "subject_person": _people}


class RegisterLeadView(LoginRequiredMixin, View):
    template_name = "portal/cases/register.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        ctx = Context(request.user, None, None, CHOICES)
        return self.show(request, ctx, initial("cases", "register", ctx, RegisterLeadInput))

    def post(self, request: HttpRequest) -> HttpResponse:
        ctx = Context(request.user, None, None, CHOICES)
        if not has_role(request.user, *REGISTRARS):
            return self.show(request, ctx, {}, status=200)
        response = call(ENDPOINT, request, pk=None)
        labels = {name: str(f.label) for name, f in RegisterLeadInput().fields.items()}
        answer = read(response, set(labels), labels)
        if answer.ok:
            messages.success(request, _("线索已登记：%(ref)s。") % {"ref": response.data["reference"]})
            return redirect(reverse("case-detail", args=[response.data["id"]]))
        # Neither or both subjects: the service names the pair ("subject"), shown at the top.
        return self.show(request, ctx, request.POST, answer.by_field, answer.general, status=400)

    def show(self, request, ctx, data, errors=None, general=(), status=200) -> HttpResponse:
        allowed = has_role(request.user, *REGISTRARS)
        fields = build(RegisterLeadInput, data=data, errors=errors or {}, ctx=ctx) if allowed else []
        context = {
            "fields": fields,
            "general": list(general),
            "summary": [(f.id, f.label, m) for f in fields for m in f.errors],
            "refused": "" if allowed else _("只有线索登记员或办案人员可以登记线索。"),
        }
        return render(request, self.template_name, context, status=status)
