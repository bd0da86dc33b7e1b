"""Errors as JSON, in the request's language (LocaleMiddleware picks it from Accept-Language).

- casework.errors.DomainError and subclasses → their status (400/403/404/409) and
  `{"detail": message, "code": code, "field": field or null}`;
- input validation (DRF, django-filter, Django) → 400 and
  `{"detail": first message, "code": "invalid", "field": first field, "errors": {field: [messages]}}`;
- anything else DRF knows (401/403/404/405/415/429…) → the same three keys.

Messages are lazy translations evaluated here, while the request's language is active.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..errors import DomainError
from .messages import serializer_errors

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
_OUT_OF_RANGE = gettext_lazy("输入的数值或日期超出可处理的范围。")
_TOO_LARGE = gettext_lazy("请求内容过大（上限 %(size)s 字节）。")
logger = logging.getLogger(__name__)


class InputError(exceptions.ValidationError):
    """A serializer's errors, with its field labels so the message can name the field."""

    def __init__(self, serializer):
        super().__init__(serializer_errors(serializer))
        self.labels = {name: field.label for name, field in serializer.fields.items()}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return _body(exc.status_code, str(exc.message), exc.code, exc.field)
    if isinstance(exc, OverflowError):
        # A number no database column or date can hold (an id, a date near 9999-12-31 plus a
        # period) that got past the input fields: the input is at fault, not the server.
        logger.warning("input out of range: %s", exc)
        set_rollback()
        return _body(400, str(_OUT_OF_RANGE), "out_of_range", None)
    if isinstance(exc, RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, read by the parser: 413, not Django's 400.
        return _body(
            413, str(_TOO_LARGE) % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}, "request_too_large", None
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return _validation_error(exc, _labels(exc, context))
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "detail": str(detail or response.status_text),
            "code": getattr(detail, "code", None) or "error",
            "field": None,
        }
    return response


def _body(status: int, detail: str, code: str, field: str | None, **extra) -> Response:
    return Response({"detail": detail, "code": code, "field": field, **extra}, status=status)


def _validation_error(exc: exceptions.ValidationError, labels: dict) -> Response:
    detail = exc.detail if isinstance(exc.detail, dict) else {NON_FIELD: exc.detail}
    errors = {name: _messages(value) for name, value in detail.items()}
    field = next(iter(errors), None)
    message = " ".join(errors[field]) if field else ""
    label = str(labels.get(field) or field) if field and field != NON_FIELD else ""
    if label and label not in message:  # "请选择失信类别" names its field already
        message = f"{label}：{message}"
    return _body(400, message, "invalid", None if field == NON_FIELD else field, errors=errors)


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _messages(v)]
    return [str(value)]


def _labels(exc, context) -> dict:
    """Field labels from the input serializer, or from the list view's filter set."""
    labels = getattr(exc, "labels", None)
    if labels is not None:
        return labels
    filterset_class = getattr(context.get("view"), "filterset_class", None)
    if filterset_class is None:
        return {}
    return {name: f.label for name, f in filterset_class.base_filters.items()}
