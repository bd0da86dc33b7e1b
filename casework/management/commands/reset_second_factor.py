"""`manage.py reset_second_factor <username> --by <security administrator> --reason <text>`:
a user lost the phone and the recovery codes. Every device of theirs is deleted (the
authenticator and the recovery codes); at the next sign-in they enrol a new authenticator.
The security administrator's job (CHENGXIN["SECOND_FACTOR"]["RESET_ROLES"], or a superuser),
named by --by and audited under that name (casework.second_factor.reset).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework import second_factor


class Command(BaseCommand):
    help = (
        "重置用户的两步验证（删除其身份验证器和恢复码，下次登录时重新绑定）；由安全管理员执行，记入审计日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="两步验证须重置的用户名")
        parser.add_argument("--by", required=True, help="执行重置的安全管理员的用户名")
        parser.add_argument("--reason", required=True, help="重置原因（如：手机丢失，已核实本人身份）")

    def handle(self, *args, username, by, reason, **options):
        user, acting = self._user(username), self._user(by)
        if not reason.strip():
            raise CommandError("请用 --reason 填写重置原因。")
        try:
            deleted = second_factor.reset(acting_user=acting, user=user, reason=reason.strip())
        except PermissionError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"已重置 {username} 的两步验证：删除 {deleted} 个验证设备，下次登录时须重新绑定身份验证器。"
        )

    @staticmethod
    def _user(name: str):
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为“{name}”的有效用户。")
        return user
