"""The integrity file as a printable A4 PDF, rendered by the notices' WeasyPrint set-up
(locked-down fetcher, one font configuration per thread, PDF/A-3b with the file's data as
JSON). The ID number is masked: a printed file travels further than the screen."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from casework.language import official_language
from notices.render import html_to_pdf

from .queries import FileView, is_void


def _data(view: FileView) -> dict:
    person = view.person
    return {
        "person": person.name,
        "unit": person.unit.name,
        "post": person.post,
        "id_number": person.masked_id_number,
        "opened_on": view.file.opened_on if view.file else None,
        "records": [r.reference for r in view.records],
        "entries": [
            {"kind": e.kind, "date": e.entry_date, "description": e.description, "void": is_void(e)}
            for e in view.entries
        ],
    }


def file_pdf(view: FileView) -> bytes:
    moment = timezone.now()
    with official_language():
        html = render_to_string(
            "portal/integrity/file_pdf.html",
            {"view": view, "generated": timezone.localtime(moment)},
        )
        return html_to_pdf(
            html,
            title=f"{view.person.name} 公务员诚信档案",
            author=view.person.unit.name,
            moment=moment,
            attachment_name=f"integrity-file-{view.person.pk}.json",
            attachment_data=_data(view),
        )
