"""Checks of user input shared by the services; each names the field at fault."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import clock, personal_numbers
from ..errors import DomainError
from ..permissions import has_role
from ..roles import Role

# ── free texts: facts, basis, reasons ──────────────────────────────────────────────

#: What an error calls an input when the caller gives no name.
TEXT_NAMES = {
    "facts": gettext_lazy("失信事实"),
    "legal_basis": gettext_lazy("认定依据"),
    "lead_content": gettext_lazy("线索内容"),
    "reason": gettext_lazy("理由"),
    "grounds": gettext_lazy("申请理由"),
    "statement": gettext_lazy("陈述内容"),
    "reply": gettext_lazy("答复"),
    "opinion": gettext_lazy("审理意见"),
    "detail": gettext_lazy("具体说明"),
    "basis": gettext_lazy("依据"),
    "proof": gettext_lazy("送达回证"),
    "document": gettext_lazy("撤销依据文书"),
    "purpose": gettext_lazy("用途"),
    "commitment": gettext_lazy("信用承诺书"),
    "evidence": gettext_lazy("证明材料"),
    "missing_items": gettext_lazy("需补正的材料"),
    "explanation": gettext_lazy("情况说明"),
    "requirement": gettext_lazy("整改要求"),
    "acceptance_criteria": gettext_lazy("验收标准"),
    "required_evidence": gettext_lazy("应提交的材料"),
}
#: Inputs stored in a column narrower than the longest text: that column's width.
COLUMN_WIDTHS = {"proof": 200, "document": 200, "purpose": 200}
#: The most characters any free text may have unless CHENGXIN TEXT_MAX_LENGTH says otherwise.
_LONGEST = 20000
_LINE_BREAKS_AND_TABS = frozenset("\n\t")


def require_text(value: str, field: str, message, *, name=None) -> str:
    """A free text a service stores, stripped, with Windows line breaks made "\\n".

    Refused, naming the input: an empty text (`message`), one with control characters
    other than line breaks and tabs, one shorter than its input's minimum or longer than
    the maximum (CHENGXIN TEXT_MIN_LENGTH / TEXT_MAX_LENGTH; length without whitespace for
    the minimum, so "  无  " is one character)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        raise DomainError(message, field=field, code="required")
    label = name or TEXT_NAMES.get(field) or _("该项")
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in _LINE_BREAKS_AND_TABS for c in value):
        raise DomainError(
            _("%(name)s含有不可见的控制字符，请删除后重新提交。") % {"name": label},
            field=field,
            code="control_characters",
        )
    policy = settings.CHENGXIN
    shortest = policy.get("TEXT_MIN_LENGTH", {}).get(field, 1)
    counted = len("".join(value.split()))
    if counted < shortest:
        raise DomainError(
            _("%(name)s过短：至少须%(min)s个字（不计空格），现为%(count)s个字。")
            % {"name": label, "min": shortest, "count": counted},
            field=field,
            code="too_short",
        )
    longest = min(policy.get("TEXT_MAX_LENGTH", _LONGEST), COLUMN_WIDTHS.get(field, _LONGEST))
    if len(value) > longest:
        raise DomainError(
            _("%(name)s过长：最多%(max)s个字，现为%(count)s个字。")
            % {"name": label, "max": longest, "count": len(value)},
            field=field,
            code="too_long",
        )
    return value


def require_public_text(value: str, field: str, message, *, name=None) -> str:
    """`require_text` for a text the public pages can show (a record's facts and basis):
    also refused when it holds an ID, telephone or bank card number or a street address
    down to the house (casework.personal_numbers), quoting the first such span as typed."""
    value = require_text(value, field, message, name=name)
    hits = personal_numbers.find(value)
    if hits:
        raise DomainError(
            _("%(name)s中含有疑似%(kind)s“%(span)s”，请删除或改写后再保存。")
            % {
                "name": name or TEXT_NAMES.get(field) or _("该项"),
                "kind": hits[0].label,
                "span": hits[0].text,
            },
            field=field,
            code="personal_number",
        )
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


# ── filings whose lateness matters ───────────────────────────────────────────────────

#: Who records a filing the commission received on paper (by post, at the counter) with the
#: day it arrived: the case officer. The intake operator sees only the leads they registered.
PAPER_FILING_ROLES = frozenset({Role.OFFICER})
#: The input naming why a paper filing is recorded with an earlier date; audited with it.
PAPER_REASON = "paper_filing_reason"
#: The field most filings name their day in: the day the commission received it.
RECEIVED_ON = gettext_lazy("收件日期")


def may_record_paper_filings(user) -> bool:
    return has_role(user, *PAPER_FILING_ROLES)


def long_date(day: dt.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


@dataclass(frozen=True)
class Window:
    """The period a filing must reach the commission in: its name ("复审申请期"), what can no
    longer be done once it closed ("提出申请"), its first and last day (None: open)."""

    name: str
    act: str
    start: dt.date | None = None
    end: dt.date | None = None

    def closed(self, field: str | None) -> DomainError:
        return DomainError(
            _("%(window)s已于%(end)s届满，不能再%(act)s。")
            % {"window": self.name, "end": long_date(self.end), "act": self.act},
            field=field,
            code="window_closed",
        )


@dataclass(frozen=True)
class Filing:
    """The day a filing counts as received, and for a paper filing recorded by staff with an
    earlier day, why; `field` is the input that carried the day."""

    on: dt.date
    field: str
    paper_reason: str = ""

    def audit_fields(self) -> dict:
        """What the filing's audit entry adds to its diff: a paper filing's day and reason
        (keys of their own: a record has a `received_on` of its lead)."""
        if not self.paper_reason:
            return {}
        return {"paper_filing_received_on": self.on, PAPER_REASON: self.paper_reason}


def with_filing(capture: Callable[[object], dict], filed: list[Filing]) -> Callable[[object], dict]:
    """A step's snapshot function plus the filing its change appends to `filed`: empty when
    the snapshot before the change is taken, so a paper filing's day and reason land in the
    step's audit diff."""

    def captured(obj) -> dict:
        data = capture(obj)
        for filing in filed:
            data.update(filing.audit_fields())
        return data

    return captured


def filing_date(
    *,
    acting_user,
    given: dt.date | None,
    paper_reason: str,
    window: Window,
    field: str = "received_on",
    name=RECEIVED_ON,
) -> Filing:
    """The one rule for when a filing was made: the day the system receives it, today.

    An earlier day is taken only from the staff who record a filing received on paper, with
    the reason (收件方式及补录理由), and only inside the window. A subject's earlier day is refused
    naming the field; lateness is judged first, on today, so a late filing is refused naming
    the closed window whatever day it claims. A day after today is refused for everyone."""
    today = clock.today()
    day = today if given is None else given
    if not isinstance(day, dt.date):
        raise DomainError(_("%(name)s不是有效日期。") % {"name": name}, field=field, code="invalid_date")
    if day > today:
        raise DomainError(_("%(name)s不能晚于今天。") % {"name": name}, field=field, code="future_date")
    reason = (paper_reason or "").strip()
    staff = may_record_paper_filings(acting_user)
    if reason and not staff:
        raise DomainError(
            _("纸质申请补录说明只由办案人员补录纸质申请时填写。"), field=PAPER_REASON, code="staff_only"
        )
    if day < today and not staff:
        _check_window(window, today, field, name)
        raise DomainError(
            _("%(name)s以本机关收到之日为准：在线提交的即为今天（%(today)s），不能填写更早的日期。")
            % {"name": name, "today": long_date(today)},
            field=field,
            code="backdated",
        )
    if day < today and not reason:
        raise DomainError(
            _("%(name)s早于今天的，须填写纸质申请补录说明（收件方式及补录理由）。") % {"name": name},
            field=PAPER_REASON,
            code="required",
        )
    _check_window(window, day, field, name)
    return Filing(on=day, field=field, paper_reason=reason)


def _check_window(window: Window, day: dt.date, field: str, name) -> None:
    if window.end is not None and day > window.end:
        raise window.closed(field)
    if window.start is not None and day < window.start:
        raise DomainError(
            _("%(name)s不能早于%(start)s（%(window)s自该日起算）。")
            % {"name": name, "start": long_date(window.start), "window": window.name},
            field=field,
            code="before_window",
        )
