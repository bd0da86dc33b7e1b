"""`python manage.py seed_demo`: load the demo data set (casework.demo, with its notices from
notices.demo), run the deadline sweeps once, and list the demo accounts.

It lives in workflows, above notices, so that the demo starts swept: until beat's first run
(an interval after `make run` starts) the overdue flags and reminder letters would be missing
and the system page would report the sweeps as never run. The sweeps go through
`workflows.sweeps.run`, the code path of the beat tasks, and beat's entries are marked run.
"""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from casework import checkpoints
from casework.demo import DemoError
from casework.demo.fonts import NoChineseFont
from casework.demo_guard import refuse_seeding
from notices.demo import Summary, seed
from workflows import sweeps

HEADERS = ("账号", "密码", "角色", "姓名", "单位")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def account_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [HEADERS, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "写入演示数据（东莞单位、公务员、各角色账号、发文机关及演示印章、各状态失信记录及其文书）；"
        "重复运行不会重复写入。"
    )

    def handle(self, *args, **options):
        refuse_seeding()  # never outside development: the demo's accounts are default ones
        started = time.monotonic()
        try:
            summary = seed()
        except (DemoError, NoChineseFont) as error:
            raise CommandError(str(error)) from error
        failed = self._sweep()
        self.stdout.write(self._summary(summary, time.monotonic() - started))
        self._checkpoint()
        self.stdout.write("\n演示账号（密码均为 chengxin-demo）：\n" + account_table(summary.accounts))
        if failed:
            raise CommandError(f"演示数据已写入，但以下到期处理失败：{', '.join(failed)}")

    def _checkpoint(self) -> None:
        """Sign the audit chain's head now that the demo wrote its trail (casework.checkpoints).
        A refusal (the chain disagrees with an older checkpoint: typically a dev database deleted
        without its checkpoint file) is shown, not fatal: the demo data is there, and
        verify_audit is where the disagreement is judged."""
        try:
            checkpoint = checkpoints.write()
        except checkpoints.CheckpointRefused as refused:
            self.stderr.write(f"审计检查点未写入：{refused}（请运行 verify_audit）")
            return
        self.stdout.write(f"审计检查点已写入：#{checkpoint.seq}")

    def _sweep(self) -> list[str]:
        """Every sweep once, for today; the names of those that failed (each commits on its
        own, so one failing leaves the others done), reported as `sweep_deadlines` does."""
        failed = []
        for name in sweeps.SWEEPS:
            try:
                sweeps.run(name)
            except Exception as exc:  # reported, and the command fails at the end
                self.stderr.write(f"{name}: {type(exc).__name__}: {exc}")
                failed.append(name)
        sweeps.note_run_outside_beat([name for name in sweeps.SWEEPS if name not in failed])
        return failed

    def _summary(self, s: Summary, seconds: float) -> str:
        if not s.changed:
            return self.style.SUCCESS("演示数据已是最新，未作任何更改。")
        return self.style.SUCCESS(
            f"演示数据已写入（{seconds:.1f} 秒）：单位及曾用名 {s.organisations}，公务员 {s.people}，"
            f"账号及回避登记 {s.users}，角色权限 {s.permissions}，发文机关 {s.issuers}，失信记录 {s.records}，"
            f"办理步骤 {s.steps}，签发文书 {s.notices}。"
        )
