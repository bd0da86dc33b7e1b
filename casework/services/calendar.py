"""Use cases of the holiday calendar and the rule tables (DOMAIN §7, scenario 23).

`calendar_load` replaces a year's arrangement with the one in an uploaded file, marks the
year official and recomputes the deadlines that depended on it. Holiday files:

CSV, one day a line, ``date,kind[,name]`` (an optional header ``date,kind,name`` or
``日期,类型,名称``; blank lines and lines starting with ``#`` are skipped)::

    2027-01-01,holiday,元旦
    2027-01-31,workday,春节调休上班

JSON, ``{"year": 2027, "source": "国办发明电〔2026〕…号", "days": [{"date": "2027-01-01",
"kind": "holiday", "name": "元旦"}, ...]}`` or just the list of days.

- ``date`` is ``YYYY-MM-DD`` (``YYYY/M/D``, as Excel re-saves it, is accepted too);
- ``kind`` is ``holiday`` (or ``休``) for a day off, including the weekend days inside a
  holiday run, or ``workday`` (or ``班``) for a weekend day worked (调休上班); nothing else;
- the file is UTF-8 (GB18030, as Excel saves CSV on Chinese Windows, is accepted) and at
  most 1 MB.

A file replaces the whole arrangement of every year it lists, so each year must be
complete: its Gregorian-dated statutory holidays listed, and at least as many days off as
the statutory holidays of that year. The whole file is checked before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .. import audit
from .. import calendar as workcal
from ..errors import DomainError, PermissionDeniedError
from ..models import CalendarDay, CalendarYear, Deadline, DeadlineRule, DisclosureRule, Record
from ..permissions import has_role
from ..roles import Role

MAX_FILE_BYTES = 1_000_000
MAX_PROBLEMS_SHOWN = 20
YEAR_RANGE = range(2000, 2100)
_KINDS = {"holiday": False, "休": False, "workday": True, "班": True}
_HEADER_CELLS = {"date", "日期"}
_WEEKDAYS = "一二三四五六日"
# 《全国年节及纪念日放假办法》: the holidays on a fixed Gregorian date, and how many statutory
# days off a year has (10 from 1999, 11 from 2008, 13 from 2025). (from year, days, dates)
_STATUTORY = [
    (2025, 13, [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)]),
    (2008, 11, [(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)]),
    (1999, 10, [(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)]),
]


class HolidayFileError(DomainError):
    """The holiday file was refused; `problems` lists every fault found, each naming its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(_("……另有 %(n)d 处错误。") % {"n": len(problems) - MAX_PROBLEMS_SHOWN})
        head = _("节假日文件有 %(n)d 处错误，未作任何修改：") % {"n": len(problems)}
        super().__init__("\n".join([head, *shown]), field="file", code="invalid_holiday_file")


@dataclass(frozen=True)
class HolidayDay:
    date: dt.date
    is_workday: bool
    name: str


@dataclass
class HolidayFile:
    days: list[HolidayDay]
    source: str = ""

    def by_year(self) -> dict[int, list[HolidayDay]]:
        years: dict[int, list[HolidayDay]] = defaultdict(list)
        for day in self.days:
            years[day.date.year].append(day)
        return dict(sorted(years.items()))


@dataclass(frozen=True)
class DeadlineChange:
    deadline: Deadline
    old_due_on: dt.date
    old_provisional: bool


@dataclass
class LoadResult:
    years: list[int]
    source: str
    holidays: dict[int, int] = field(default_factory=dict)
    workdays: dict[int, int] = field(default_factory=dict)
    changed: list[DeadlineChange] = field(default_factory=list)


# Parsing ────────────────────────────────────────────────────────────────────────────
def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        content = content.encode()
    if len(content) > MAX_FILE_BYTES:
        raise HolidayFileError([_("文件超过 1 MB，不像是一份年度放假安排。")])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HolidayFileError([_("无法识别文件编码，请保存为 UTF-8。")])


def _is_json(text: str, filename: str) -> bool:
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".json", ".csv"}:
        return suffix == ".json"
    return text.lstrip().startswith(("{", "["))


def _csv_rows(text: str) -> tuple[list[tuple], list[str]]:
    """(where, date, kind, name) for each data line, and the faults of the line shapes."""
    rows, problems, header_allowed = [], [], True
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header_allowed and cells[0].lower() in _HEADER_CELLS:
            header_allowed = False
            continue
        header_allowed = False
        where = _("第 %(n)d 行") % {"n": reader.line_num}
        if len(cells) not in (2, 3):
            problems.append(
                _("%(where)s：应为“日期,类型[,名称]”两到三列，实际 %(n)d 列。")
                % {"where": where, "n": len(cells)}
            )
            continue
        rows.append((where, cells[0], cells[1], cells[2] if len(cells) == 3 else ""))
    return rows, problems


def _json_rows(text: str) -> tuple[list[tuple], list[str], int | None, str]:
    """(rows, problems, declared year, source) of a JSON holiday file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HolidayFileError(
            [_("JSON 格式错误：第 %(line)d 行第 %(col)d 列。") % {"line": exc.lineno, "col": exc.colno}]
        ) from None
    year, source, days = None, "", data
    if isinstance(data, dict):
        year, source, days = data.get("year"), data.get("source") or "", data.get("days")
    if not isinstance(days, list):
        raise HolidayFileError([_("JSON 文件须为日期列表，或含 days 列表的对象。")])
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or year not in YEAR_RANGE):
        raise HolidayFileError([_("year“%(v)s”无效，应为 2000–2099 的年份。") % {"v": year}])
    rows, problems = [], []
    for i, item in enumerate(days):
        where = _("第 %(n)d 项（days[%(i)d]）") % {"n": i + 1, "i": i}
        if not isinstance(item, dict):
            problems.append(_("%(where)s：应为含 date、kind 的对象。") % {"where": where})
            continue
        rows.append((where, item.get("date"), item.get("kind"), item.get("name") or ""))
    return rows, problems, year, str(source)


def _parse_date(value) -> dt.date | None:
    text = str(value or "").strip()
    try:
        if "/" in text:
            year, month, day = (int(part) for part in text.split("/"))
            return dt.date(year, month, day)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    return None


def _check_row(row: tuple, seen: dict, year) -> tuple[HolidayDay | None, list[str]]:
    where, raw_date, raw_kind, name = row
    day, kind, name = _parse_date(raw_date), _KINDS.get(str(raw_kind or "").strip().lower()), str(name)
    faults = []
    if day is None:
        faults.append(_("日期“%(v)s”无效，应为 YYYY-MM-DD。") % {"v": raw_date})
    elif day.year not in YEAR_RANGE:
        faults.append(_("日期 %(d)s 的年份超出 2000–2099。") % {"d": day})
    elif year is not None and day.year != year:
        faults.append(_("日期 %(d)s 不在文件声明的 %(y)s 年内。") % {"d": day, "y": year})
    elif day in seen:
        faults.append(_("日期 %(d)s 重复（已见于%(w)s）。") % {"d": day, "w": seen[day]})
    if kind is None:
        faults.append(_("类型“%(v)s”无效，应为 holiday（休）或 workday（班）。") % {"v": raw_kind})
    elif kind and day and day.weekday() < 5:
        faults.append(
            _("%(d)s 是星期%(w)s，本来就是工作日，不能列为调休上班日。")
            % {"d": day, "w": _WEEKDAYS[day.weekday()]}
        )
    if len(name) > 50:
        faults.append(_("名称超过 50 字。"))
    if faults:
        return None, [f"{where}：{fault}" for fault in faults]
    seen[day] = where
    return HolidayDay(day, kind, name.strip()), []


def _statutory(year: int) -> tuple[int, list[dt.date]]:
    for since, days, dates in _STATUTORY:
        if year >= since:
            return days, [dt.date(year, m, d) for m, d in dates]
    return 0, []


def _check_year(year: int, days: list[HolidayDay]) -> list[str]:
    """A file replaces the year's whole arrangement: refuse one that is plainly partial."""
    off = {d.date for d in days if not d.is_workday}
    minimum, fixed = _statutory(year)
    problems = []
    missing = [d.isoformat() for d in fixed if d not in off]
    if missing:
        problems.append(
            _("%(y)d 年：缺少法定节假日 %(dates)s。文件会整体替换该年的安排，请上传完整的年度安排。")
            % {"y": year, "dates": "、".join(missing)}
        )
    if len(off) < minimum:
        problems.append(
            _("%(y)d 年：只列出 %(n)d 个放假日，少于当年法定节假日 %(m)d 天，请上传完整的年度安排。")
            % {"y": year, "n": len(off), "m": minimum}
        )
    return problems


def parse_holiday_file(content: bytes | str, filename: str) -> HolidayFile:
    """Read and check the whole file; HolidayFileError lists every fault, by line or item."""
    text = _decode(content)
    if _is_json(text, filename):
        rows, problems, year, source = _json_rows(text)
    else:
        rows, problems, year, source = *_csv_rows(text), None, ""
    days, seen = [], {}
    for row in rows:
        day, faults = _check_row(row, seen, year)
        problems += faults
        if day:
            days.append(day)
    if not rows and not problems:
        problems.append(_("文件中没有任何日期。"))
    parsed = HolidayFile(sorted(days, key=lambda d: d.date), source.strip())
    if not problems:  # a year is judged whole only when each of its lines is sound
        for y, year_days in parsed.by_year().items():
            problems += _check_year(y, year_days)
    if problems:
        raise HolidayFileError(problems)
    return parsed


# Loading ────────────────────────────────────────────────────────────────────────────
def _loader_role(acting_user) -> str:
    """The CLI, run by an operator on the server, acts as the system; people must be R11."""
    if acting_user is None:
        return Role.SYSTEM
    if has_role(acting_user, Role.SYSTEM_ADMIN):
        return Role.SYSTEM_ADMIN
    raise PermissionDeniedError(_("只有系统管理员可以载入节假日安排。"), code="permission_denied")


def _affected(years: Iterable[int]) -> Q:
    """Open deadlines that may move: provisional ones, and those running through a reloaded year."""
    years = sorted(years)
    spans = Q(start_on__lte=dt.date(years[-1], 12, 31), due_on__gte=dt.date(years[0], 1, 1))
    return Q(status="OPEN") & (Q(provisional=True) | spans)


def _recompute_spanning(years: list[int]) -> None:
    """A corrected arrangement for an already official year moves the deadlines running through it."""
    cal = workcal.current()
    for deadline in Deadline.objects.select_for_update().filter(_affected(years), provisional=False):
        due = cal.add(deadline.start_on, deadline.amount, deadline.unit, roll=deadline.roll_forward)
        if (due.date, due.provisional) != (deadline.due_on, deadline.provisional):
            deadline.due_on, deadline.provisional = due.date, due.provisional
            deadline.save(update_fields=["due_on", "provisional"])


def _year_state(year: int) -> dict:
    row = CalendarYear.objects.filter(year=year).first()
    days = CalendarDay.objects.filter(date__year=year)
    return {
        "official": bool(row and row.official),
        "source": row.source if row else "",
        "holidays": days.filter(is_workday=False).count(),
        "workdays": days.filter(is_workday=True).count(),
    }


def _replace_year(year: int, days: list[HolidayDay], source: str) -> CalendarYear:
    CalendarDay.objects.filter(Q(year_id=year) | Q(date__year=year)).delete()
    row, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"official": True, "source": source}
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, year=row, is_workday=d.is_workday, name=d.name) for d in days
    )
    return row


def _audit_changes(changes: list[DeadlineChange], years: list[int], *, actor, role, ip_address) -> None:
    reason = _("载入 %(years)s 年节假日安排后重新计算") % {"years": "、".join(map(str, years))}
    for change in changes:
        deadline = change.deadline
        audit.append(
            actor=actor,
            role=role,
            obj=deadline,
            record=deadline.record,
            action="deadline_recompute",
            reason=reason,
            ip_address=ip_address,
            diff={
                "due_on": [change.old_due_on, deadline.due_on],
                "provisional": [change.old_provisional, deadline.provisional],
            },
        )


def _deadline_changes(tracked: dict[int, tuple]) -> list[DeadlineChange]:
    """The tracked deadlines whose date or provisional flag differs from the snapshot."""
    changes = []
    for deadline in Deadline.objects.filter(pk__in=tracked).select_related("record").order_by("due_on", "pk"):
        if tracked[deadline.pk] != (deadline.due_on, deadline.provisional):
            changes.append(DeadlineChange(deadline, *tracked[deadline.pk]))
    return changes


@transaction.atomic(durable=True)
def calendar_load(
    *,
    acting_user,
    content: bytes | str,
    filename: str,
    source: str = "",
    ip_address: str | None = None,
) -> LoadResult:
    """Replace the arrangement of the years in the file, mark them official and recompute
    the open deadlines that depended on them, all in one transaction.

    `acting_user=None` is the operator's command line (role "system"). `source` (the notice
    number) overrides the file's own `source`; the file name is the last resort.
    """
    role = _loader_role(acting_user)
    parsed = parse_holiday_file(content, filename)
    by_year = parsed.by_year()
    years = list(by_year)
    source = (source.strip() or parsed.source or filename)[:200]
    list(CalendarYear.objects.select_for_update().filter(year__in=years))
    affected = Deadline.objects.select_for_update().filter(_affected(years))
    affected = affected.values_list("pk", "due_on", "provisional")
    tracked = {pk: (due_on, provisional) for pk, due_on, provisional in affected}
    befores = {year: _year_state(year) for year in years}
    rows = {year: _replace_year(year, days, source) for year, days in by_year.items()}
    workcal.recompute_provisional()
    _recompute_spanning(years)
    result = LoadResult(years=years, source=source, changed=_deadline_changes(tracked))
    for year in years:
        after = _year_state(year)
        result.holidays[year], result.workdays[year] = after["holidays"], after["workdays"]
        audit.append(
            actor=acting_user,
            role=role,
            obj=rows[year],
            action="calendar_load",
            reason=source,
            ip_address=ip_address,
            diff={**audit.field_diff(befores[year], after), "deadlines_recomputed": len(result.changed)},
        )
    _audit_changes(result.changed, years, actor=acting_user, role=role, ip_address=ip_address)
    return result


def pending_deadlines():
    """Open deadlines that are still estimates, waiting for a year's arrangement (scenario 23)."""
    return (
        Deadline.objects.filter(status="OPEN", provisional=True)
        .select_related("record")
        .order_by("due_on", "pk")
    )


# Rule tables ────────────────────────────────────────────────────────────────────────
#: Who maintains which table (DOMAIN §2: R11 rule parameters; R3 disclosure rules).
RULE_EDITORS = {
    DeadlineRule: frozenset({Role.SYSTEM_ADMIN}),
    DisclosureRule: frozenset({Role.SYSTEM_ADMIN, Role.CREDIT_ADMIN}),
}


def rule_in_use(rule) -> bool:
    """A disclosure rule copied onto a decided record is history: add a new version instead."""
    return (
        isinstance(rule, DisclosureRule)
        and bool(rule.pk)
        and Record.objects.filter(disclosure_rule=rule).exists()
    )


# Not durable: Django admin's change form, its caller, already wraps the save in a transaction.
@transaction.atomic
def rule_save(*, acting_user, rule: DeadlineRule | DisclosureRule, ip_address: str | None = None):
    """Create or change a row of a rule table, with its audit entry."""
    editors = RULE_EDITORS[type(rule)]
    if not has_role(acting_user, *editors):
        raise PermissionDeniedError(_("您没有权限修改该规则表。"), code="permission_denied")
    role = next(r for r in sorted(editors) if has_role(acting_user, r))
    stored = type(rule).objects.select_for_update().filter(pk=rule.pk).first() if rule.pk else None
    if stored is not None and rule_in_use(stored):
        raise DomainError(
            _("该公示期限规则已被失信记录引用，不能修改；规则变化时请新增一条施行日期不同的规则。"),
            code="rule_in_use",
        )
    before = model_to_dict(stored) if stored else {}
    rule.save()
    audit.append(
        actor=acting_user,
        role=role,
        obj=rule,
        action="rule_update" if stored else "rule_create",
        ip_address=ip_address,
        diff=audit.field_diff(before, model_to_dict(rule)),
    )
    return rule
