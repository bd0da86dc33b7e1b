"""Checks of user input shared by the services; each names the field at fault."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import clock
from ..errors import DomainError


def require_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    return value


def require_choice(value: str, choices, field: str, name) -> str:
    if value not in choices.values:
        raise DomainError(
            _("%(name)s“%(value)s”无效，可选值：%(options)s。")
            % {"name": name, "value": value, "options": "、".join(choices.values)},
            field=field,
            code="invalid_choice",
        )
    return value


def require_past_date(value: dt.date, field: str, name) -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError(
            _("%(name)s不是有效日期。") % {"name": name},
            field=field,
            code="invalid_date",
        )
    if value > clock.today():
        raise DomainError(
            _("%(name)s不能晚于今天。") % {"name": name},
            field=field,
            code="future_date",
        )
    return value
