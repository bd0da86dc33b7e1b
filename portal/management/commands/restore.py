"""`manage.py restore <dir>`: load a backup (portal.backups) into the configured, empty database and
upload folder, then check it: exit status 1, naming every mismatch, unless all of it is as recorded.
`--check-only` runs the checks on the installation as it is, restoring nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库与空上传目录，并校验审计链、附件与已印发文书的 SHA-256。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, nargs="?", help="a folder written by `manage.py backup`")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force", action="store_true", help="restore over a database or folder that is not empty"
        )
        parser.add_argument("--check-only", action="store_true", help="only check the installation as it is")

    def handle(self, *args, directory: Path | None, database: str, force: bool, check_only: bool, **options):
        if not check_only:
            if directory is None:
                raise CommandError("name the backup folder (or --check-only)")
            manifest = backups.restore(directory, alias=database, force=force)
            self.stdout.write(
                f"restored {', '.join(manifest['parts'])} from {directory} ({manifest['created_at']})"
            )
        report = backups.check_restored()
        self.stdout.write(report.audit)
        self.stdout.write(f"attachments checked: {report.attachments}")
        self.stdout.write(f"issued notice PDFs checked: {report.notices}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.problems)} problem(s) found", returncode=1)
        self.stdout.write("restore checks passed")
