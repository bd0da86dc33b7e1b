"""`manage.py audit_checkpoint`: sign the audit chain's head into the checkpoint file now
(casework.checkpoints), as beat does every CHENGXIN_AUDIT_CHECKPOINT_INTERVAL seconds."""

from django.core.management.base import BaseCommand, CommandError

from casework import checkpoints


class Command(BaseCommand):
    help = "为审计日志哈希链的链头写入一条签名检查点（保存在数据库之外的只追加文件中）。"

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoints.write()
        except checkpoints.CheckpointRefused as refused:
            raise CommandError(
                f"audit checkpoint refused: {refused}; run verify_audit", returncode=1
            ) from refused
        self.stdout.write(
            f"audit checkpoint written: #{checkpoint.seq} {checkpoint.hash} at {checkpoint.at} "
            f"to {checkpoints.path()}"
        )
