"""Receiving an uploaded file: its type is read from its bytes, never from its name
(ARCHITECTURE §7).

The bytes stream into a hidden temporary file in the upload root while they are counted
and hashed. The file is refused, and the temporary file removed, when it is empty, larger
than settings.CHENGXIN_UPLOAD_MAX_BYTES, an executable, of a type we do not accept, or
named with an extension its content contradicts, refused by the virus scanner, or hostile
in a way casework.upload_safety finds (polyglots, zip bombs, macros, embedded objects); a
PDF or an image is replaced by the clean copy upload_safety writes, and the size and
SHA-256 kept are the clean copy's. An accepted file keeps its temporary
name until the caller's transaction `place()`s it under its generated name; `received()`
removes whatever is left when that transaction fails, so a refusal or a rollback leaves
nothing on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import upload_safety
from .errors import DomainError

TEMP_PREFIX = ".incoming-"


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", gettext_lazy("PDF 文档"), "application/pdf", (".pdf",))
JPEG = FileKind("jpeg", gettext_lazy("JPEG 图片"), "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("png", gettext_lazy("PNG 图片"), "image/png", (".png",))
DOCX = FileKind(
    "docx",
    gettext_lazy("Word 文档"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "xlsx",
    gettext_lazy("Excel 表格"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
OFD = FileKind("ofd", gettext_lazy("OFD 版式文档"), "application/ofd", (".ofd",))
KINDS = (PDF, JPEG, PNG, DOCX, XLSX, OFD)

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_ZIP = b"PK\x03\x04"
# Windows PE, ELF, Mach-O and scripts: the same list the package checks read members by.
_EXECUTABLE = upload_safety.EXECUTABLE_MAGIC


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, field="file", code=code)


def _human_size(n: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return _("%(n)s 字节") % {"n": n}


def too_large() -> DomainError:
    limit = _human_size(settings.CHENGXIN_UPLOAD_MAX_BYTES)
    return _refuse(_("文件大小超过上限 %(limit)s，请压缩或拆分后再上传。") % {"limit": limit}, "too_large")


def upload_root() -> Path:
    return Path(settings.CHENGXIN_UPLOAD_ROOT)


def stored_path(stored_name: str) -> Path:
    """Files are spread over 256 folders by the first two hex digits of their name."""
    return upload_root() / stored_name[:2] / stored_name


def clean_name(name: str | None) -> str:
    """The name the user's file had, without any folder, control character or excess length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    suffix = PurePath(name).suffix[:20]
    if len(name) > 255:
        name = name[: 255 - len(suffix)] + suffix
    return name or "file"


# ── what the bytes are ─────────────────────────────────────────────────────────────


def sniff(path: Path, name: str) -> FileKind:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(_EXECUTABLE):
        raise _refuse(_("文件“%(name)s”的内容是可执行程序，不能上传。") % {"name": name}, "executable")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP):
        return _zip_kind(path)
    raise _unsupported()


def _unsupported() -> DomainError:
    return _refuse(
        _("不支持该文件类型：只接受 PDF、JPEG、PNG、DOCX、XLSX 和 OFD 文件（按文件内容判断）。"),
        "unsupported_type",
    )


def _zip_kind(path: Path) -> FileKind:
    """DOCX, XLSX and OFD are ZIP packages: the entries they must contain tell them apart."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unsupported() from None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refuse(_("不接受含宏的 Office 文档，请另存为不含宏的格式。"), "macro")
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise _unsupported()


def check_extension(name: str, kind: FileKind) -> str:
    """The declared extension must name what the content is (no PNG called .pdf)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in kind.extensions:
        raise _refuse(
            _("文件扩展名“%(ext)s”与文件内容（%(kind)s）不符。")
            % {"ext": suffix or _("无"), "kind": kind.label},
            "extension_mismatch",
        )
    return suffix


# ── receiving and placing ──────────────────────────────────────────────────────────


@dataclass
class Incoming:
    """A checked file waiting under its temporary name in the upload root."""

    temp_path: Path
    original_name: str
    size: int
    sha256: str
    kind: FileKind
    stored_name: str
    placed: bool = False
    #: The SHA-256 of the bytes as uploaded when a clean copy replaced them, else "".
    original_sha256: str = ""

    @property
    def final_path(self) -> Path:
        return stored_path(self.stored_name)

    def place(self) -> None:
        """Give the file its generated name (an atomic rename within the upload root)."""
        self.final_path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.temp_path, self.final_path)
        self.placed = True

    def discard(self) -> None:
        self.temp_path.unlink(missing_ok=True)
        if self.placed:
            self.final_path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.final_path.parent.rmdir()  # only when empty
            self.placed = False


def _copy(uploaded_file, fd: int, limit: int) -> tuple[int, str]:
    """Write the chunks to `fd`, hashing and counting; stop at the first byte over `limit`."""
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded_file.chunks():
            size += len(chunk)
            if size > limit:
                raise too_large()
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def receive(uploaded_file) -> Incoming:
    """Stream `uploaded_file` (any django.core.files.File) into the upload root and check it."""
    limit = settings.CHENGXIN_UPLOAD_MAX_BYTES
    name = clean_name(getattr(uploaded_file, "name", ""))
    if (uploaded_file.size or 0) > limit:  # known before reading a byte
        raise too_large()
    upload_root().mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=upload_root(), prefix=TEMP_PREFIX)
    temp_path = Path(temp)
    try:
        size, sha256 = _copy(uploaded_file, fd, limit)
        if size == 0:
            raise _refuse(_("文件为空，请选择有内容的文件。"), "empty")
        upload_safety.scan(temp_path, name)
        kind = sniff(temp_path, name)
        suffix = check_extension(name, kind)
        original_sha256 = ""
        clean = upload_safety.make_safe(temp_path, kind.code, name)
        if clean is not None:
            temp_path.write_bytes(clean)
            new_sha256 = hashlib.sha256(clean).hexdigest()
            if new_sha256 != sha256:
                original_sha256, sha256, size = sha256, new_sha256, len(clean)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return Incoming(
        temp_path, name, size, sha256, kind, f"{uuid.uuid4().hex}{suffix}", original_sha256=original_sha256
    )


def checked_content(uploaded_file) -> ContentFile:
    """The same checks for a FileField kept by Django's storage: the (clean) bytes, under
    the user's file name, with nothing left in the upload root."""
    incoming = receive(uploaded_file)
    try:
        return ContentFile(incoming.temp_path.read_bytes(), name=incoming.original_name)
    finally:
        incoming.discard()


@contextlib.contextmanager
def received(uploaded_file) -> Iterator[Incoming]:
    """`receive()` the file; if the block fails (a refusal, a rollback, a failed commit) or
    never places it, remove it, so that no file outlives a transaction that did not commit."""
    incoming = receive(uploaded_file)
    try:
        yield incoming
    except BaseException:
        incoming.discard()
        raise
    if not incoming.placed:
        incoming.discard()


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Keeps at most one byte more than the limit of each uploaded file, so an oversized
    request never fills the disk; `receive()` then refuses the file by its size."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = settings.CHENGXIN_UPLOAD_MAX_BYTES + 1 - self.kept
        if room > 0:
            part = raw_data[:room]
            self.file.write(part)
            self.kept += len(part)

    def file_complete(self, file_size: int):
        self.file.seek(0)
        self.file.size = self.kept
        return self.file
