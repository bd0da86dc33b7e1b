"""`manage.py verify_audit`: walk the hash-chained audit trail (casework.audit.verify).

Exit status 0 and `audit chain intact: N entries` when every stored entry is as written;
exit status 1, naming the first bad entry on stderr, when one was altered or removed.
"""

from django.core.management.base import BaseCommand, CommandError

from casework import audit


class Command(BaseCommand):
    help = "校验审计日志哈希链：任何一条被改动或删除都会被发现。"

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"audit chain broken at entry #{result.bad_seq}: {result.problem} "
                f"({result.count} entries verified before it)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {result.count} entries")
