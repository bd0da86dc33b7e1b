"""`manage.py backup <dir>`: the database, the uploaded files and the audit checkpoints (portal.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from portal import backups


class Command(BaseCommand):
    help = "备份数据库、上传文件与审计检查点到一个新目录，并写出含 SHA-256 的 manifest.json。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new (or empty) folder")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory: Path, database: str, **options):
        manifest = backups.backup(directory, alias=database)
        for name, part in manifest["parts"].items():
            self.stdout.write(f"{name}: {part['size']} bytes, sha256 {part['sha256']}")
        self.stdout.write(f"backup written to {directory}")
