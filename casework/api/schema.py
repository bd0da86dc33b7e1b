"""The OpenAPI schema says what the views do (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

- Errors: every operation lists the error statuses its view can answer, each with the
  error body of casework.api.errors: 400 (input, or a step the object's state does not
  allow), 401 (an API token that is unknown, expired or revoked: casework.api.tokens),
  403 (not signed in, a role without the right, or an expired password), 404 (an object that does not
  exist or that the user may not see; a page beyond the last), 409 (someone else did the
  step first). Statuses a view declares itself are kept as they are.
- Nulls: a response field that can be null says so (`nullable`), read from the code: a
  field whose source passes a nullable column or relation, a method whose return type
  admits None. A serializer cannot forget it.
- Roles: a step endpoint (a view with a `lifecycle_step`, the Step of a lifecycle table)
  says which roles may take it, from that table: `x-roles`, `x-lifecycle` (the step, from
  which states, to which) and a sentence in its description. Only for writes: a view that
  lists with GET and takes a step with POST documents the roles on the POST.
- Refusals: a step whose guard has fixed refusals beyond role and state (separation of
  duties: casework.guards.REASONS) lists them, `x-refusals` and under the status they
  answer, with the very message and code the service gives.
"""

from __future__ import annotations

import inspect

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from rest_framework import permissions, serializers

from ..guards import reasons_for
from ..roles import Role
from .serializers import ErrorSerializer

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error_descriptions() -> dict[str, str]:
    return {
        "400": _(
            "输入无效（errors 按字段列出），或对象当前状态下不能执行此步骤（code 为 illegal_transition）。"
        ),
        "401": _("API 令牌无效、已过期或已撤销（code 为 token_invalid、token_expired 或 token_revoked）。"),
        "403": _(
            "未登录，或当前用户的角色无权执行此操作；密码已过期须先修改密码时 code 为 password_expired。"
        ),
        "404": _("对象不存在或当前用户无权查看；列表的页码超出范围时亦同。"),
        "cursor": _("翻页参数 cursor 不是列表给出的 next/previous 链接中的值时，code 为 invalid_cursor。"),
        "409": _("他人刚刚办理了同一事项（code 为 conflict），请刷新后重试。"),
    }


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._add_error_responses(operation)
        if self.method in WRITE_METHODS:
            self._add_roles(operation)
        return operation

    # ── errors ─────────────────────────────────────────────────────────────────────────

    def error_statuses(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        in_query = any(p.get("in") == "query" for p in parameters)
        in_path = any(p.get("in") == "path" for p in parameters)
        paginated = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        writes = self.method in WRITE_METHODS
        signed_in = self._requires_sign_in()
        statuses = []
        if writes or in_query:
            statuses.append("400")
        if signed_in:
            statuses += ["401", "403"]
        if in_path or paginated:
            statuses.append("404")
        if writes and signed_in:
            statuses.append("409")
        return statuses

    def _requires_sign_in(self) -> bool:
        classes = getattr(self.view, "permission_classes", ())
        return any(not issubclass(c, permissions.AllowAny) for c in classes if isinstance(c, type))

    def _add_error_responses(self, operation: dict) -> None:
        responses = operation.setdefault("responses", {})
        descriptions = _error_descriptions()
        for status in self.error_statuses(operation):
            if status not in responses:
                responses[status] = self._get_response_for_code(ErrorSerializer, status)
            if not responses[status].get("description"):
                responses[status]["description"] = descriptions[status]
        parameters = operation.get("parameters", [])
        if "400" in responses and any(
            p.get("in") == "query" and p.get("name") == "cursor" for p in parameters
        ):
            responses["400"]["description"] += "\n\n" + descriptions["cursor"]

    # ── nulls ──────────────────────────────────────────────────────────────────────────

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and not meta.get("nullable") and may_be_null(field):
            meta["nullable"] = True
        return meta

    # ── roles ──────────────────────────────────────────────────────────────────────────

    def _add_roles(self, operation: dict) -> None:
        """`lifecycle_step` is a Step, or a tuple of the Steps one request may take (a review
        that accepts some items and returns others): the roles are those that may take each."""
        declared = getattr(self.view, "lifecycle_step", None)
        if declared is None:
            return
        steps = declared if isinstance(declared, tuple) else (declared,)
        allowed = frozenset.intersection(*(frozenset(step.roles) for step in steps))
        roles = [r.value for r in Role if r in allowed and r != Role.SYSTEM]
        operation["x-roles"] = roles
        operation["x-lifecycle"] = [
            {"step": step.name, "from": list(step.sources), "to": step.target} for step in steps
        ]
        sentence = _("可执行此步骤的角色：%(roles)s。") % {
            "roles": "、".join(str(Role(r).label) for r in roles) or _("无（仅由系统执行）")
        }
        if Role.SYSTEM in allowed and roles:
            sentence += _("系统也会自动执行此步骤。")
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n{sentence}" if description else sentence
        self._add_refusals(operation, steps)

    def _add_refusals(self, operation: dict, steps) -> None:
        reasons = [reason for step in steps for reason in reasons_for(step)]
        if not reasons:
            return
        operation["x-refusals"] = [
            {"status": r.status, "code": r.code, "message": str(r.message)} for r in reasons
        ]
        for r in reasons:
            response = operation["responses"].get(str(r.status))
            if response is not None:
                response["description"] = f"{response.get('description', '')}\n\n- `{r.code}`：{r.message}"


def may_be_null(field) -> bool:
    """Whether a read field can produce null although it does not say `allow_null`."""
    if isinstance(field, serializers.SerializerMethodField):
        method = getattr(field.parent, field.method_name, None)
        return method is not None and _returns_optional(method)
    if isinstance(field, serializers.ListSerializer | serializers.ManyRelatedField):
        return False
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    source_attrs = getattr(field, "source_attrs", None)  # unset on a field not bound to a serializer
    if model is None or not source_attrs:
        return False
    for attr in source_attrs:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False  # a property or a method: its own business
        if model_field.many_to_many or model_field.one_to_many:
            return False
        if getattr(model_field, "null", False):
            return True
        if not model_field.is_relation:
            return False
        model = model_field.related_model
    return False


def _returns_optional(method) -> bool:
    annotation = inspect.signature(method).return_annotation
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return "None" in text or "Optional" in text
