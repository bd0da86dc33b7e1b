"""Write docs/import-columns.md from the importers' column declarations."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from exchange.directory import columns_markdown

TARGET = Path(settings.BASE_DIR) / "docs" / "import-columns.md"


class Command(BaseCommand):
    help = "Write docs/import-columns.md from the import templates' column declarations."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            TARGET.write_text(columns_markdown(), encoding="utf-8")
        self.stdout.write(str(TARGET))
