"""`manage.py load_holidays FILE`: load a year's official holiday arrangement (DOMAIN §7, scenario 23).

Calls casework.services.calendar.calendar_load (file formats: casework.services.calendar.files),
then prints the years loaded and every deadline that was recomputed. `--pending` lists the
deadlines still waiting for an arrangement, without loading anything.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.errors import DomainError
from casework.models import User
from casework.services import calendar as svc


def deadline_line(deadline) -> str:
    return f"  {deadline.record.reference or deadline.record_id} {deadline.label}（起算 {deadline.start_on}）"


class Command(BaseCommand):
    help = "载入节假日安排文件（CSV 或 JSON），替换该年安排并重新计算暂定的办理期限。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="节假日文件：CSV（date,kind,name）或 JSON")
        parser.add_argument("--source", default="", help="来源（通知文号）；缺省取文件中的 source 或文件名")
        parser.add_argument("--user", help="以该系统管理员的身份载入；缺省以“系统”身份载入")
        parser.add_argument("--pending", action="store_true", help="只列出暂定的办理期限，不载入")

    def handle(self, *args, file, source, user, pending, **options):
        if pending:
            return self.list_pending()
        if not file:
            raise CommandError("请指定节假日文件，或用 --pending 列出暂定的办理期限。")
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}") from None
        try:
            result = svc.calendar_load(
                acting_user=self.user(user), content=content, filename=Path(file).name, source=source
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.report(result)

    def user(self, username: str | None):
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在。") from None

    def report(self, result: svc.LoadResult) -> None:
        for year in result.years:
            self.stdout.write(
                f"已载入 {year} 年节假日安排：放假 {result.holidays[year]} 天，"
                f"调休上班 {result.workdays[year]} 天（来源：{result.source}）。"
            )
        if not result.changed:
            self.stdout.write("没有需要重新计算的办理期限。")
            return
        self.stdout.write(f"重新计算的办理期限 {len(result.changed)} 项：")
        for change in result.changed:
            old = f"{change.old_due_on}{'（暂定）' if change.old_provisional else ''}"
            new = f"{change.deadline.due_on}{'（暂定）' if change.deadline.provisional else ''}"
            self.stdout.write(f"{deadline_line(change.deadline)}：{old} → {new}")

    def list_pending(self) -> None:
        deadlines = list(svc.pending_deadlines())
        if not deadlines:
            self.stdout.write("没有暂定的办理期限。")
            return
        self.stdout.write(f"暂定的办理期限 {len(deadlines)} 项（涉及尚未载入官方安排的年度）：")
        for deadline in deadlines:
            self.stdout.write(f"{deadline_line(deadline)}：暂定截止 {deadline.due_on}")
