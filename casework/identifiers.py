"""The two identifiers typed into the system: the unified social credit code of an
organisation (统一社会信用代码, GB 32100-2015) and the ID number of a civil servant
(公民身份号码, GB 11643-1999). Every rule about them lives here: how input is normalised,
what is refused and in which words, the model fields that store them, and who may save a
value that fails the check anyway (a legacy code, an issuing error, verified by a person).

A problem is either a wrong shape (the value cannot be an identifier at all: never saved)
or a failed check (a check character, a date, a region: saved only under a verified
override, see `Identifier`). Nothing here reads or writes the database.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import clock
from .roles import Role

if TYPE_CHECKING:
    from collections.abc import Callable

# ── normalising ─────────────────────────────────────────────────────────────────────

#: Separators people type or paste inside an identifier (NFKC has already turned the
#: full-width hyphen into "-").
_SEPARATORS = frozenset("-‐‑‒–—―")


def normalise(value: str | None) -> str:
    """What is stored: full-width characters made half-width, spaces and hyphens removed,
    letters upper-case (a lower-case "x" at the end of an ID number is an "X")."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(c for c in text if not c.isspace() and c not in _SEPARATORS).upper()


normalise_uscc = normalise_id_number = normalise


@dataclass(frozen=True)
class Problem:
    """Why a value is refused. `overridable`: a failed check, not a wrong shape."""

    message: str
    code: str
    overridable: bool = True


# ── 统一社会信用代码 (GB 32100-2015) ──────────────────────────────────────────────────

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """GB 32100: the 18th character, over the first 17 (mod 31)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[-total % 31]


def org_code_check_char(body: str) -> str:
    """GB 11714: the 9th character of an organisation code, over its first 8 (mod 11;
    a letter counts as in base 36, A = 10)."""
    check = -sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if check == 10 else str(check)


def uscc_problem(value: str) -> Problem | None:
    """Characters 9–17 are the organisation code (主体标识码), which carries its own GB 11714
    check character: a code whose last character was recomputed over a mistyped
    organisation code passes the mod-31 check but not this one. It is checked first: the
    18th character is computed over it, so correcting it changes what the 18th should be."""
    code = normalise(value)
    if len(code) != 18 or not set(code) <= set(USCC_CHARSET):
        message = _("统一社会信用代码应为 18 位数字或大写字母（不使用 I、O、S、V、Z）。")
        return Problem(message, "uscc_format", overridable=False)
    if code[16] != (expected := org_code_check_char(code[8:16])):
        message = _("统一社会信用代码第 9–17 位（组织机构代码）校验位错误：应为 %(expected)s。")
        return Problem(message % {"expected": expected}, "uscc_org_check")
    if code[17] != (expected := uscc_check_char(code[:17])):
        return Problem(
            _("统一社会信用代码校验位错误：应为 %(expected)s。") % {"expected": expected}, "uscc_check"
        )
    return None


def uscc_refusal(value: str) -> str | None:
    problem = uscc_problem(value)
    return problem.message if problem else None


# ── 公民身份号码 (GB 11643-1999) ───────────────────────────────────────────────────────

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: Provinces (GB/T 2260), plus 71 台湾, 81 香港, 82 澳门 and 83, the residence permits of
#: Taiwan residents. Only the province is checked: a county code can be abolished or
#: created after a number was issued (东莞 441900 dates from 1988, yet people born
#: before then hold 441900 numbers), so no list of counties is right for every number.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def id_check_char(first17: str) -> str:
    """GB 11643: ISO 7064 MOD 11-2 over the first 17 digits; 10 is written X."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _birth_date(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def id_number_problem(value: str) -> Problem | None:
    number = normalise(value)
    if len(number) == 15 and number.isdigit():
        message = _(
            "身份证号码为 15 位的第一代号码，请填写 18 位的公民身份号码（第二代居民身份证上的号码）。"
        )
        return Problem(message, "id_first_generation", overridable=False)
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        message = _("身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X。")
        return Problem(message, "id_format", overridable=False)
    if number[:2] not in PROVINCES:
        return Problem(_("身份证号码前两位不是省级行政区划代码。"), "id_region")
    birth = _birth_date(number[6:14])
    if birth is None:
        return Problem(_("身份证号码出生日期无效。"), "id_birth_date")
    if birth > clock.today():
        return Problem(_("身份证号码出生日期晚于今天。"), "id_birth_date_future")
    if number[17] != (expected := id_check_char(number[:17])):
        return Problem(_("身份证号码校验位错误：应为 %(expected)s。") % {"expected": expected}, "id_check")
    return None


def id_number_refusal(value: str) -> str | None:
    problem = id_number_problem(value)
    return problem.message if problem else None


def mask_id_number(value: str) -> str:
    """`441900199001011234` → `4419**********1234`: region prefix and last four only."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


# ── Django validators and fields ────────────────────────────────────────────────────


def _raise(problem: Problem | None, *, shape_only: bool = False) -> None:
    if problem is not None and not (shape_only and problem.overridable):
        raise ValidationError(problem.message, code=problem.code)


def validate_uscc(value: str) -> None:
    """Every rule: for a value no one can have verified (an import, a generator)."""
    _raise(uscc_problem(value))


def validate_id_number(value: str) -> None:
    _raise(id_number_problem(value))


def validate_uscc_shape(value: str) -> None:
    """The field's own validator: a failed check is the model's `clean`, which knows of
    the override."""
    _raise(uscc_problem(value), shape_only=True)


def validate_id_number_shape(value: str) -> None:
    _raise(id_number_problem(value), shape_only=True)


class IdentifierFormField(forms.CharField):
    """Accepts what people paste (spaced, hyphenated, full-width) and shows it normalised."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = None  # the length is judged after normalising
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", 40)

    def to_python(self, value):
        return normalise(super().to_python(value)) or self.empty_value


class IdentifierField(models.CharField):
    """18 characters, stored normalised, whoever writes them (a form, a `create`, a
    `bulk_create`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else normalise(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            setattr(model_instance, self.attname, normalise(value))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IdentifierFormField, **kwargs})


class CreditCodeField(IdentifierField):
    default_validators = [validate_uscc_shape]


class IdNumberField(IdentifierField):
    default_validators = [validate_id_number_shape]


# ── the verified override ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Identifier:
    """An identifier field of a model, and who may save a value of it that fails the check.

    The model stores the override beside the value: `<field>_override_reason`,
    `<field>_override_by` and `<field>_override_at`. An override covers the value it was
    given for: changing the value clears it (`clear`)."""

    field: str
    label: str
    problem: Callable[[str], Problem | None]
    override_role: str
    shown: Callable[[str], str] = str  # how the audit trail writes the value

    def attr(self, part: str) -> str:
        return f"{self.field}_override_{part}"

    def clean(self, obj) -> None:
        """The model's `clean`: a failed check is refused unless an override covers it
        (a wrong shape was already refused by the field's validator)."""
        value = getattr(obj, self.field)
        problem = self.problem(value) if value else None
        if problem is None or not problem.overridable or getattr(obj, self.attr("reason")):
            return
        raise ValidationError({self.field: ValidationError(problem.message, code=problem.code)})

    def needs_override(self, value) -> bool:
        problem = self.problem(value) if value else None
        return problem is not None and problem.overridable

    def grant(self, obj, *, user, reason: str) -> None:
        setattr(obj, self.attr("reason"), reason)
        setattr(obj, self.attr("by"), user)
        setattr(obj, self.attr("at"), timezone.now())

    def clear(self, obj) -> None:
        setattr(obj, self.attr("reason"), "")
        setattr(obj, self.attr("by"), None)
        setattr(obj, self.attr("at"), None)


USCC = Identifier("credit_code", gettext_lazy("统一社会信用代码"), uscc_problem, Role.CREDIT_ADMIN)
ID_NUMBER = Identifier(
    "id_number", gettext_lazy("身份证号码"), id_number_problem, Role.HR_ADMIN, shown=mask_id_number
)
