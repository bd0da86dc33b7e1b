"""Holiday files (DOMAIN §7, scenario 23): reading and checking an uploaded year's
arrangement before anything is written; loading it is casework.services.calendar's.

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
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext as _

from ...errors import DomainError

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
