"""`manage.py verify_audit`: walk the hash-chained audit trail (casework.audit.verify) and
compare it with every signed checkpoint kept outside the database (casework.checkpoints).

Exit status 0 and `audit chain intact: N entries` when every stored entry is as written and
agrees with every checkpoint; exit status 1, naming the first bad entry on stderr, when one
was altered or removed, or when a checkpoint line is forged. Without checkpoints the chain
alone cannot show a truncation or a re-hashed rewrite: said on stderr.
"""

from django.core.management.base import BaseCommand, CommandError

from casework import audit, checkpoints


class Command(BaseCommand):
    help = "校验审计日志哈希链及数据库之外的签名检查点：任何一条被改动、删除或重新计算哈希都会被发现。"

    def handle(self, *args, **options):
        result = audit.verify()
        against = checkpoints.check()
        if not result.ok:
            raise CommandError(
                "\n".join(
                    [
                        f"audit chain broken at entry #{result.bad_seq}: {result.problem} "
                        f"({result.count} entries verified before it)",
                        *against.problems,
                    ]
                ),
                returncode=1,
            )
        if not against.ok:
            first = (
                f"audit chain disagrees with its checkpoints at entry #{against.bad_seq}"
                if against.bad_seq is not None
                else "audit checkpoints are not all genuine"
            )
            raise CommandError("\n".join([f"{first}:", *against.problems]), returncode=1)
        self.stdout.write(f"audit chain intact: {result.count} entries")
        if against.checkpoints:
            last = max(against.checkpoints, key=lambda c: (c.seq, c.line))
            self.stdout.write(
                f"{len(against.checkpoints)} checkpoints agree (the last at #{last.seq}, {last.at})"
            )
        else:
            self.stderr.write(
                f"no audit checkpoints in {checkpoints.path()}: a truncation or a re-hashed "
                "rewrite of the chain cannot be detected (manage.py audit_checkpoint writes one)"
            )
