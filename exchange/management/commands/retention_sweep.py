"""`manage.py retention_sweep [--dry-run]`: delete or anonymise the personal data whose retention
period (settings.CHENGXIN["RETENTION"]) has run out (exchange.retention). Beat runs it daily.
The audit trail is never touched."""

from django.core.management.base import BaseCommand

from exchange import retention


class Command(BaseCommand):
    help = "删除或匿名化保存期限已届满的个人信息（审计日志除外）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出各类到期数量，不作任何修改。")

    def handle(self, *args, dry_run=False, **options):
        found = retention.counts() if dry_run else retention.retention_sweep()
        verb = "would clean" if dry_run else "cleaned"
        for kind in retention.KINDS:
            self.stdout.write(f"{kind}: {verb} {found[kind]}")
        self.stdout.write("audit trail: kept (never swept)")
