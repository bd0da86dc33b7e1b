"""`manage.py sweep_deadlines [--today YYYY-MM-DD] [--only NAME …]`: the daily sweeps, once.

The deadline sweeps of workflows (`workflows.sweeps.SWEEPS`, the code of their beat tasks),
then the risk alerts (`oversight.sweeps.risk_alerts`, the code of its beat task), in the order
of `oversight.sweeps.SWEEPS`. It lives here, in the app above both, because workflows may not
import oversight. Prints one line per sweep with its counts; a second run on the same day
changes nothing and prints zeros. A failing sweep does not stop the others (each commits on
its own); the command then exits with an error naming it.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from casework import clock
from oversight import sweeps


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "执行一次到期处理（逾期标记、整改催办与督办、修复决定逾期、公示期满、处分期满、流程定时器）和风险预警。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=_date, help="按该日期执行（YYYY-MM-DD）；缺省为今天（Asia/Shanghai）"
        )
        parser.add_argument("--only", nargs="+", choices=list(sweeps.SWEEPS), help="只执行这些处理")

    def handle(self, *args, today: dt.date | None, only: list[str] | None, **options):
        today = today or clock.today()
        self.stdout.write(f"到期处理 {today.isoformat()}")
        failed = [name for name in only or sweeps.SWEEPS if not self.sweep(name, today)]
        if failed:
            raise CommandError(f"以下处理失败：{', '.join(failed)}")

    def sweep(self, name: str, today: dt.date) -> bool:
        try:
            counts = sweeps.SWEEPS[name](today)
        except Exception as exc:  # reported, and the command fails at the end
            self.stderr.write(f"{name}: {type(exc).__name__}: {exc}")
            return False
        self.stdout.write(f"{name}: " + " ".join(f"{key}={count}" for key, count in counts.items()))
        return True
