"""`python manage.py notice_samples OUTDIR`: one draft (样稿) of every notice type, with demo data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notices import samples, types


class Command(BaseCommand):
    help = "Render one draft sample of every notice type (N1–N21) with demo data and print each file's path."

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="directory for the PDFs (created if missing)")
        parser.add_argument("--types", nargs="+", metavar="CODE", help="only these types, e.g. N8 N14")

    def handle(self, *args, outdir: str, types: list[str] | None = None, **options):
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        for notice_type in self._selected(types):
            path = out / f"{notice_type.code}-{notice_type.title}.pdf"
            path.write_bytes(samples.sample_pdf(notice_type.code))
            self.stdout.write(str(path))

    def _selected(self, codes: list[str] | None):
        try:
            return [types.get(code) for code in codes] if codes else types.all_types()
        except KeyError as error:
            raise CommandError(str(error.args[0])) from None
