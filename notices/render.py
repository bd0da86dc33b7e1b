"""HTML → PDF for notices: WeasyPrint with a locked-down URL fetcher, fonts per worker, PDF/A-3b.

- Only `data:` URLs and the `asset:` scheme (files of notices/assets/, nowhere else) are
  fetched; `file:`, `http(s):` and everything else is refused, so neither a template bug nor
  a user's text can read a server file or reach the network (LIBRARIES §4.4).
- One `FontConfiguration` per worker thread (in practice per Celery worker process): reusing
  it keeps memory flat and saves ~30 % per render; it is not thread-safe, hence thread-local.
- PDF/A-3b with the notice's data as a JSON attachment, and title/author/dates set from the
  notice, not the template; the dates are the notice's own, so the same notice renders to the
  same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import mimetypes
import threading
import urllib.parse
from pathlib import Path

import segno
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from casework.language import official_language

from . import types

logger = logging.getLogger(__name__)

ASSET_DIR = (Path(__file__).resolve().parent / "assets").resolve()
ASSET_SCHEME = "asset"
BASE_URL = f"{ASSET_SCHEME}:/"
PDF_VARIANT = "pdf/a-3b"

# urljoin() only resolves relative URLs for schemes it knows: teach it ours, so that a
# template's `href="notice.css"` becomes `asset:/notice.css` (and `../x` cannot climb above /).
if ASSET_SCHEME not in urllib.parse.uses_relative:
    urllib.parse.uses_relative.append(ASSET_SCHEME)


class SafeURLFetcher(URLFetcher):
    """Serves `data:` URLs and project assets; refuses everything else."""

    def __init__(self):
        super().__init__(timeout=3, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == ASSET_SCHEME:
            return self._asset(url)
        # WeasyPrint logs the error and leaves the resource out.
        logger.warning("notice rendering: blocked URL %.200s", url)
        raise ValueError(f"blocked URL: {url[:200]}")

    def _asset(self, url: str) -> URLFetcherResponse:
        relative = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        target = (ASSET_DIR / relative).resolve()
        if ASSET_DIR not in target.parents or not target.is_file():
            # Only our own templates name assets: a path outside the folder is a bug, stop.
            raise FatalURLFetchingError(f"asset outside {ASSET_DIR}: {url[:200]}")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": content_type})


_local = threading.local()


def font_config() -> FontConfiguration:
    """This thread's FontConfiguration, created on first use."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(
    html: str,
    *,
    title: str,
    author: str,
    moment: dt.datetime,
    attachment_name: str,
    attachment_data: dict,
) -> bytes:
    """Render `html` to PDF/A-3b bytes with `attachment_data` embedded as JSON."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()).render(
        font_config=font_config()
    )
    stamp = timezone.localtime(moment).isoformat(timespec="seconds")
    metadata = document.metadata
    metadata.title, metadata.authors, metadata.lang = title, [author], "zh-CN"
    metadata.created = metadata.modified = stamp
    # Attachments come from us only, never from a <link rel="attachment"> in the HTML.
    metadata.attachments = []
    attachment = Attachment(
        string=json.dumps(attachment_data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        url_fetcher=SafeURLFetcher(),
        name=attachment_name,
        description="机读数据",
        relationship="Data",
        created=moment,
        modified=moment,
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])


# ── notices ───────────────────────────────────────────────────────────────────────


def verify_url(code: str) -> str:
    return f"{settings.CHENGXIN_PUBLIC_BASE_URL.rstrip('/')}/verify/{code}"


# The QR code is read off paper that may have been faxed or photocopied: at 100 dpi (a fax's
# resolution) a module must still cover about 3 pixels, so its size is fixed and the symbol
# grows with the address instead of the modules shrinking. Error correction L keeps the
# symbol small (version 3, 27.75 mm with its quiet zone, for a 30-character base address);
# segno raises the level when the same version allows it.
QR_MODULE_MM = 0.75
QR_QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks


def qr_data_uri(url: str) -> str:
    # SVG draws vector paths: no raster image, so nothing for PDF/A to object to (LIBRARIES §8).
    # Its intrinsic size is in mm: the template gives it no size of its own.
    qr = segno.make(url, error="l", boost_error=True, micro=False)
    return qr.svg_data_uri(scale=QR_MODULE_MM, unit="mm", border=QR_QUIET_ZONE)


def seal_data_uri(png: bytes) -> str | None:
    return f"data:image/png;base64,{base64.b64encode(bytes(png)).decode()}" if png else None


def notice_html(notice, *, draft: bool) -> str:
    """The notice's HTML: a draft carries no number, seal, date or verification code."""
    if draft:
        return types.render_html(
            notice.type_code,
            notice.data,
            number=None,
            issued_on=None,
            draft=True,
            seal_data_uri=None,
            verify_url=None,
            verify_code=None,
            qr_data_uri=None,
        )
    url = verify_url(notice.verify_code)
    return types.render_html(
        notice.type_code,
        notice.data,
        number=notice.number,
        issued_on=notice.issued_on,
        draft=False,
        seal_data_uri=seal_data_uri(notice.issuer.seal_image),
        verify_url=url,
        verify_code=notice.verify_code,
        qr_data_uri=qr_data_uri(url),
    )


def machine_readable(notice, *, draft: bool) -> dict:
    """The JSON embedded in the PDF: what the notice says, in data."""
    return {
        "type": notice.type_code,
        "title": notice.title,
        "issuer": notice.issuer.name,
        "number": None if draft else notice.number,
        "issued_on": None if draft else notice.issued_on,
        "verify_code": None if draft else notice.verify_code,
        "template_version": notice.template_version,
        "record": notice.record.reference if notice.record_id else None,
        "data": notice.data,
    }


def notice_pdf(notice, *, draft: bool) -> bytes:
    """The PDF of `notice`: the final document, or (draft=True) a watermarked preview."""
    moment = notice.drafted_at if draft else notice.issued_at
    # Whoever downloads it, in whatever language they read the site: the notice is Chinese.
    with official_language():
        return html_to_pdf(
            notice_html(notice, draft=draft),
            title=f"{notice.title} {'样稿' if draft else notice.number}",
            author=notice.issuer.name,
            moment=moment,
            attachment_name=f"notice-{'draft' if draft else notice.verify_code}.json",
            attachment_data=machine_readable(notice, draft=draft),
        )
