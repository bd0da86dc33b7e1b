"""`manage.py workdays DATE +N{wd|d|m} [--no-roll]`: a deadline as casework.calendar computes it.

The last line is the result, `YYYY-MM-DD`, followed by ` provisional` when it depends on a
year whose official arrangement is not loaded (DOMAIN §7, scenario 23); the lines before it
explain the rule applied.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError

from casework import calendar
from casework.models import CalendarDay

SPEC = re.compile(r"^\+?(?P<amount>\d{1,5})(?P<unit>wd|d|m)$")
LIMITS = {"wd": 3660, "d": 3660, "m": 1200}
UNIT_NAMES = {"wd": " 个工作日", "d": " 个自然日", "m": " 个月"}
WEEKDAYS = "一二三四五六日"


def parse_date(value: str) -> dt.date:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise CommandError(f"日期“{value}”无效，应为 YYYY-MM-DD，例如 2026-09-28。")


def parse_spec(value: str) -> tuple[int, str]:
    match = SPEC.match(value.strip().lower())
    if not match:
        raise CommandError(
            f"期限“{value}”无效，应为 +N 加单位：wd（工作日）、d（自然日）或 m（月），例如 +10wd、+30d、+3m。"
        )
    amount, unit = int(match["amount"]), match["unit"]
    if not 1 <= amount <= LIMITS[unit]:
        raise CommandError(f"期限“{value}”超出范围：{unit} 须在 1 到 {LIMITS[unit]} 之间。")
    return amount, unit


def describe(day: dt.date, cal: calendar.WorkCalendar) -> str:
    """`2026-10-01（星期四，国庆节）`: the date, its weekday and why it is a rest or working day."""
    notes = [f"星期{WEEKDAYS[day.weekday()]}"]
    name = CalendarDay.objects.filter(date=day).values_list("name", flat=True).first()
    if name:
        notes.append(name)
    elif not cal.is_official(day) and day.weekday() < 5 and not cal.is_workday(day):
        notes.append("固定日期法定节假日（估算）")
    return f"{day.isoformat()}（{'，'.join(notes)}）"


class Command(BaseCommand):
    help = "计算期限：DATE +N{wd|d|m}。工作日自次日起算，调休上班日计入；自然日、月的届满日遇休息日顺延（--no-roll 不顺延）。"

    def add_arguments(self, parser):
        parser.add_argument("date", help="起算日（触发事件当日，不计入），YYYY-MM-DD")
        parser.add_argument("spec", help="期限：+10wd（工作日）、+30d（自然日）、+3m（月）")
        parser.add_argument(
            "--no-roll",
            action="store_true",
            help="届满日遇休息日不顺延（公示期、处分期等状态期间，DOMAIN §7 第 4 条）",
        )

    def handle(self, *args, date: str, spec: str, no_roll: bool, **options):
        start, (amount, unit) = parse_date(date), parse_spec(spec)
        cal = calendar.current()
        try:
            due = cal.add(start, amount, unit, roll=not no_roll)
        except (OverflowError, ValueError) as exc:
            raise CommandError(f"无法计算：结果超出日期范围（{exc}）。") from None
        for line in self.explain(cal, start, amount, unit, not no_roll, due):
            self.stdout.write(line)
        self.stdout.write(str(due))

    def explain(self, cal, start, amount, unit, roll, due) -> list[str]:
        lines = [f"起算日 {describe(start, cal)}，期限 {amount}{UNIT_NAMES[unit]}，自次日起算。"]
        if unit == "wd":
            lines.append("工作日不含法定节假日和休息日，调休上班日计入。")
            consulted_from = start + dt.timedelta(days=1)
        else:
            raw = (
                start + dt.timedelta(days=amount) if unit == "d" else calendar.add_months_plain(start, amount)
            )
            lines.append(f"对应日 {describe(raw, cal)}。")
            if not roll:
                lines.append("状态期间，届满日不顺延。")
            elif raw != due.date:
                lines.append(f"届满日为休息日，顺延至第一个工作日 {describe(due.date, cal)}。")
            consulted_from = raw
        if due.provisional:
            span = range(consulted_from.year, due.date.year + 1)
            years = [y for y in span if y not in cal.official_years]
            lines.append(
                f"注意：{'、'.join(map(str, years))} 年的官方放假安排尚未载入，结果按周末和固定日期法定节假日估算，为暂定结果。"
            )
        return lines
