"""`manage.py create_admins --system NAME --security NAME --audit NAME`: the first accounts of
the three administrators (三员分立, docs/operations.md "First-time set-up"), each holding one
role, instead of a superuser for daily work. The password is asked for each (or given once
with --password, or CHENGXIN_ADMIN_PASSWORD, for scripted installs) and must pass the
password rules; every account is on the audit trail. Each person changes theirs at first
sign-in.
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from casework.errors import DomainError
from casework.roles import Role
from casework.services import duties

ROLES = {"system": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN, "audit": Role.AUDIT_ADMIN}


class Command(BaseCommand):
    help = "创建系统管理员、安全管理员、审计管理员三个账号（三员分立），每个账号只有一个角色。"

    def add_arguments(self, parser):
        for key, role in ROLES.items():
            parser.add_argument(f"--{key}", metavar="USERNAME", help=f"{role.label}的用户名")
        parser.add_argument("--password", help="三个账号的初始密码（省略则逐一输入）")

    def handle(self, *args, **options):
        wanted = {key: options[key] for key in ROLES if options.get(key)}
        if not wanted:
            raise CommandError("name at least one of --system, --security, --audit")
        if len(set(wanted.values())) != len(wanted):
            raise CommandError("三员分立: the three accounts must have different user names")
        shared = options.get("password") or os.environ.get("CHENGXIN_ADMIN_PASSWORD")
        for key, username in wanted.items():
            password = shared or getpass.getpass(f"password for {username} ({ROLES[key].label}): ")
            try:
                duties.bootstrap_admin(username=username, role=ROLES[key], password=password)
            except DomainError as error:
                raise CommandError(f"{username}: {error.message}") from None
            self.stdout.write(f"created {username} ({ROLES[key].label})")
