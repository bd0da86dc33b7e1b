"""`manage.py issue_api_token <user name> [--hours N] [--name 名称]`: an API token for an
integration account that signs in with no password (the 12345 hotline's): the key is
printed once, only its SHA-256 is stored; audited as `auth.token_create` (via "command").
Revoke it at /accounts/tokens/ signed in as that user, or with `revoke_tokens`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.services.tokens import issue_token


class Command(BaseCommand):
    help = "为接口账号签发 API 令牌（只显示一次；数据库仅保存其 SHA-256 摘要）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="有效小时数（默认按配置）")
        parser.add_argument("--name", default="", help="令牌名称")

    def handle(self, *args, username, hours, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的有效用户。")
        if hours is not None and hours <= 0:
            raise CommandError("--hours 须为正整数。")
        key, token = issue_token(acting_user=user, name=name, hours=hours, via="command")
        self.stdout.write(key)
        self.stderr.write(f"expires at {token.expires_at.isoformat()}")
