"""Making an accepted upload harmless before it is stored (casework.uploads calls this).

Knowing the type of a file is not enough: a PDF may carry JavaScript, launch actions or
embedded files; an image may carry a second file after its end; an Office package may be a
zip bomb or hide a macro or an executable under an innocent part name. So:

- a file whose bytes are valid as two kinds (a polyglot) is refused;
- PDFs are rewritten by pikepdf without active content, images re-encoded by Pillow (which
  drops metadata and anything after the image data): the clean copy is what is stored;
- ZIP packages (DOCX, XLSX, OFD) are read member by member within limits, never extracted,
  and refused when they hold macros, embedded objects, ActiveX or executables, judged by
  content types, relationships and member bytes rather than by part names;
- an optional virus scanner (settings.CHENGXIN_UPLOAD_SCANNER or CHENGXIN_CLAMD) sees the
  bytes as uploaded; when it cannot be reached the file is refused (fail closed).
"""

from __future__ import annotations

import io
import re
import socket
import struct
import warnings
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse
from xml.etree import ElementTree

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import DomainError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: VBA projects, OLE objects, ActiveX


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, field="file", code=code)


def _setting(name: str, default):
    return getattr(settings, name, default)


# ── virus scanning ────────────────────────────────────────────────────────────────


class ScannerUnavailable(Exception):
    """The scanner could not give an answer; the upload is refused rather than let through."""


def scanner():
    """The configured callable(bytes, name) -> threat name or None, or None for no scan."""
    dotted = _setting("CHENGXIN_UPLOAD_SCANNER", None)
    if dotted:
        return import_string(dotted)
    if _setting("CHENGXIN_CLAMD", None):
        return clamd_scan
    return None


def scan(path: Path, name: str) -> None:
    scan_data(path.read_bytes() if scanner() is not None else b"", name)


def scan_data(data: bytes, name: str) -> None:
    """The scan of bytes held in memory (an import file, a seal image)."""
    scan_with = scanner()
    if scan_with is None:
        return
    try:
        threat = scan_with(data, name)
    except (ScannerUnavailable, OSError):
        raise _refuse(
            _("病毒检查服务暂时无法使用，文件“%(name)s”未上传，请稍后再试或联系系统管理员。")
            % {"name": name},
            "scan_unavailable",
        ) from None
    if threat:
        raise _refuse(
            _("文件“%(name)s”未通过病毒检查（%(threat)s），不能上传。") % {"name": name, "threat": threat},
            "virus",
        )


def _clamd_socket(address: str, timeout: float) -> socket.socket:
    url = urlparse(address)
    if url.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: object = url.path
    elif url.scheme == "tcp":
        sock = socket.socket(socket.AF_INET6 if ":" in (url.hostname or "") else socket.AF_INET)
        target = (url.hostname, url.port or 3310)
    else:
        raise ScannerUnavailable(f"CHENGXIN_CLAMD must be tcp://host:port or unix:///path, not {address!r}")
    sock.settimeout(timeout)
    try:
        sock.connect(target)
    except OSError:
        sock.close()
        raise
    return sock


def clamd_scan(data: bytes, name: str) -> str | None:
    """ClamAV's INSTREAM command: length-prefixed chunks, a zero length, then one reply
    ("stream: OK", "stream: <threat> FOUND" or "... ERROR")."""
    address = settings.CHENGXIN_CLAMD
    with _clamd_socket(address, _setting("CHENGXIN_CLAMD_TIMEOUT", 30)) as sock:
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(data), 64 * 1024):
            chunk = data[start : start + 64 * 1024]
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix(" FOUND").strip() or "unknown"
    if answer.endswith("OK"):
        return None
    raise ScannerUnavailable(answer or "no answer from clamd")


# ── polyglots ─────────────────────────────────────────────────────────────────────


def _polyglot(name: str) -> DomainError:
    return _refuse(
        _("文件“%(name)s”同时是多种格式的文件（可能夹带其他内容），不能上传，请另存为普通文件后再试。")
        % {"name": name},
        "polyglot",
    )


def _is_zip(source: Path | io.BytesIO) -> bool:
    try:
        return zipfile.is_zipfile(source)
    except OSError:
        return False


def refuse_polyglot(path: Path, kind_code: str, name: str) -> None:
    """PDF readers find `%PDF` anywhere in the first 1024 bytes, ZIP readers the central
    directory at the end, image decoders ignore what follows the image: a file that one
    of them would read as something other than its kind is refused."""
    refuse_polyglot_data(path.read_bytes(), kind_code, name)


def refuse_polyglot_data(data: bytes, kind_code: str, name: str) -> None:
    if kind_code != "pdf" and b"%PDF" in data[:1024]:
        raise _polyglot(name)
    if kind_code in ("pdf", "jpeg", "png"):
        if _is_zip(io.BytesIO(data)):
            raise _polyglot(name)
    if kind_code in ("jpeg", "png") and (b"%PDF-" in data or b"PK\x03\x04" in data[-(64 * 1024) :]):
        raise _polyglot(name)


# ── PDF ───────────────────────────────────────────────────────────────────────────

#: Actions that only move within the document or open a web address stay; anything that
#: runs code, launches programs, submits or imports data, or opens another file goes.
SAFE_ACTIONS = frozenset({"/GoTo", "/URI", "/Named", "/Thread"})
#: Action types that are never kept, even as an unreferenced object.
UNSAFE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
    }
)
UNSAFE_ANNOTATIONS = frozenset({"/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"})


def _bad_action(value) -> bool:
    import pikepdf

    if isinstance(value, pikepdf.Array):
        return any(_bad_action(v) for v in value)
    if not isinstance(value, pikepdf.Dictionary):
        return False
    kind = value.get("/S")
    if kind is None or str(kind) not in SAFE_ACTIONS:
        return True
    return "/Next" in value and _bad_action(value["/Next"])


def _scrub(obj) -> None:
    """Remove active entries from `obj` and the direct objects nested in it."""
    import pikepdf

    if isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Object) and not item.is_indirect:
                _scrub(item)
        return
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return
    for key in ("/AA", "/JS", "/OpenAction", "/EmbeddedFile", "/XFA", "/RichMediaContent"):
        if key in obj:
            del obj[key]
    if "/A" in obj and _bad_action(obj["/A"]):
        del obj["/A"]
    if str(obj.get("/S", "")) in UNSAFE_ACTIONS:  # an action object reached some other way
        for key in ("/S", "/F", "/Win", "/Mac", "/Unix", "/Fields", "/Next"):
            if key in obj:
                del obj[key]
    if str(obj.get("/Type", "")) == "/Filespec" and "/EF" in obj:
        del obj["/EF"]
    if "/Annots" in obj and isinstance(obj["/Annots"], pikepdf.Array):
        kept = [
            a
            for a in obj["/Annots"]
            if not isinstance(a, pikepdf.Dictionary) or str(a.get("/Subtype", "")) not in UNSAFE_ANNOTATIONS
        ]
        obj["/Annots"] = pikepdf.Array(kept)
    for key in list(obj.keys()):
        value = obj[key]
        if isinstance(value, pikepdf.Object) and not value.is_indirect:
            _scrub(value)


def clean_pdf(path: Path, name: str) -> bytes:
    import pikepdf

    unreadable = _refuse(
        _("文件“%(name)s”不是可读取的 PDF 文档（已损坏或被加密），不能上传。") % {"name": name}, "bad_pdf"
    )
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, OSError):
        raise unreadable from None
    with pdf:
        try:
            root = pdf.Root
            for key in ("/OpenAction", "/AA"):
                if key in root:
                    del root[key]
            names = root.get("/Names")
            if isinstance(names, pikepdf.Dictionary):
                for key in ("/JavaScript", "/EmbeddedFiles"):
                    if key in names:
                        del names[key]
            form = root.get("/AcroForm")
            if isinstance(form, pikepdf.Dictionary):
                for key in ("/XFA", "/NeedsRendering"):
                    if key in form:
                        del form[key]
            for obj in pdf.objects:
                _scrub(obj)
            out = io.BytesIO()
            # deterministic_id: cleaning a clean file gives the same bytes (and hash) again.
            pdf.save(out, deterministic_id=True)
        except Exception:  # whatever a hostile file makes qpdf raise: refuse, never a 500
            raise unreadable from None
    return out.getvalue()


# ── images ────────────────────────────────────────────────────────────────────────


def clean_image(path: Path, kind_code: str, name: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = _setting("CHENGXIN_UPLOAD_MAX_PIXELS", 50_000_000)
    bomb = _refuse(
        _("图片“%(name)s”的像素过多（超过 %(limit)s 像素），不能上传，请缩小后再试。")
        % {"name": name, "limit": f"{limit:,}"},
        "image_too_large",
    )
    unreadable = _refuse(_("图片“%(name)s”已损坏或无法识别，不能上传。") % {"name": name}, "bad_image")
    previous = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = limit
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > limit:
                    raise bomb
                image.load()
                # The orientation tag goes with the metadata: turn the pixels instead.
                turned = image.getexif().get(0x0112, 1) not in (None, 1)
                upright = ImageOps.exif_transpose(image) if turned else image
                transparency = image.info.get("transparency")
                # Pillow writes comments, EXIF and colour profiles back from `info`.
                upright.info = {}
                out = io.BytesIO()
                if kind_code == "jpeg":
                    # "keep" reuses the quantisation tables: no further loss, same bytes twice.
                    options = {"quality": 90} if turned else {"quality": "keep", "subsampling": "keep"}
                    upright.save(out, format="JPEG", **options)
                else:
                    options = {} if transparency is None else {"transparency": transparency}
                    upright.save(out, format="PNG", **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise unreadable from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return out.getvalue()


# ── ZIP packages: DOCX, XLSX, OFD ─────────────────────────────────────────────────

#: Windows PE, ELF, Mach-O (32/64 bit, both byte orders, universal) and scripts.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
#: Content types and relationship types that mean macros, embedded objects or ActiveX.
ACTIVE_CONTENT = re.compile(
    r"macroenabled|vbaproject|vbadata|macrosheet|activex|oleobject|keymapcustomization"
    r"|x-msdownload|x-msdos-program|x-executable|vnd\.microsoft\.portable-executable",
    re.IGNORECASE,
)
ACTIVE_RELATIONSHIPS = re.compile(
    r"/(vbaProject|vbaProjectSignature|wordVbaData|keyMapCustomizations|oleObject|package"
    r"|activeXControl|activeXControlBinary|xlMacrosheet|xlIntlMacrosheet)$",
    re.IGNORECASE,
)
#: Relationships that fetch a document from elsewhere when the file is opened.
REMOTE_RELATIONSHIPS = re.compile(r"/(attachedTemplate|subDocument|frame|oleObject)$", re.IGNORECASE)
EMBEDDING_FOLDERS = re.compile(r"^(word|xl|ppt)/(embeddings|activeX)/", re.IGNORECASE)
XML_LIMIT = 5 * 1024 * 1024


def _macro(name: str) -> DomainError:
    return _refuse(
        _("文件“%(name)s”含有宏、嵌入对象或控件，不能上传，请另存为不含宏和嵌入对象的文档后再试。")
        % {"name": name},
        "macro",
    )


def _bomb(name: str) -> DomainError:
    return _refuse(
        _("文件“%(name)s”解压后过大或压缩比异常（疑似压缩炸弹），不能上传。") % {"name": name}, "zip_bomb"
    )


def check_zip_limits(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """From the central directory alone, before a byte is inflated."""
    members = archive.infolist()
    if len(members) > _setting("CHENGXIN_UPLOAD_ZIP_MAX_MEMBERS", 2000):
        raise _bomb(name)
    total = 0
    ratio, ratio_floor = _setting("CHENGXIN_UPLOAD_ZIP_MAX_RATIO", 100), 1024 * 1024
    names = set()
    for info in members:
        total += info.file_size
        if info.file_size > ratio_floor and info.file_size > ratio * max(info.compress_size, 1):
            raise _bomb(name)
        if info.flag_bits & 0x1:  # encrypted member: cannot be checked
            raise _macro(name)
        if info.filename in names:  # two parts of one name: readers disagree on which counts
            raise _polyglot(name)
        names.add(info.filename)
    if total > _setting("CHENGXIN_UPLOAD_ZIP_MAX_TOTAL", 100 * 1024 * 1024):
        raise _bomb(name)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, keep: bool) -> bytes:
    """Inflate one member (zipfile stops at its declared size and checks its CRC, so a
    lying header is caught) and refuse executables and compound files inside."""
    head, kept = b"", []
    with archive.open(info) as member:
        while chunk := member.read(256 * 1024):
            if not head:
                head = chunk[:16]
                if head.startswith(EXECUTABLE_MAGIC) or head.startswith(OLE_MAGIC):
                    raise _macro(name)
            if keep:
                kept.append(chunk)
    return b"".join(kept)


def _xml(data: bytes, name: str):
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise _refuse(
            _("文件“%(name)s”的内部结构已损坏，不能上传。") % {"name": name}, "bad_package"
        ) from None


def check_package(path: Path, kind_code: str, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_zip_limits(archive, name)
            for info in members:
                lowered = info.filename.lower()
                if EMBEDDING_FOLDERS.match(info.filename) or lowered.endswith("vbaproject.bin"):
                    raise _macro(name)
                is_xml = kind_code != "ofd" and (
                    lowered == "[content_types].xml" or lowered.endswith(".rels")
                )
                if is_xml and info.file_size > XML_LIMIT:
                    raise _bomb(name)
                data = _read_member(archive, info, name, keep=is_xml)
                if not is_xml:
                    continue
                root = _xml(data, name)
                if lowered == "[content_types].xml":
                    for entry in root:
                        if ACTIVE_CONTENT.search(entry.get("ContentType", "")):
                            raise _macro(name)
                else:
                    for rel in root:
                        kind, mode = rel.get("Type", ""), rel.get("TargetMode", "")
                        if ACTIVE_RELATIONSHIPS.search(kind):
                            raise _macro(name)
                        if mode.lower() == "external" and REMOTE_RELATIONSHIPS.search(kind):
                            raise _macro(name)
                        target = PurePosixPath(rel.get("Target", "")).name.lower()
                        if target == "vbaproject.bin":
                            raise _macro(name)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):
        raise _refuse(
            _("文件“%(name)s”的内部结构已损坏，不能上传。") % {"name": name}, "bad_package"
        ) from None


# ── files that are parsed, not kept as evidence: import lists, seal images ─────────

#: The first bytes of files no text list starts with: executables, OLE (old Office, with its
#: macros), ZIP, PDF, images.
BINARY_MAGIC = (*EXECUTABLE_MAGIC[:-1], OLE_MAGIC, b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def check_import_file(data: bytes, name: str) -> None:
    """An import list (XLSX, CSV or JSON; exchange.batches.start) before it is stored or read:
    scanned; whatever is read as a workbook — named .xlsx, or a ZIP by its bytes, as the
    importer reads it (exchange.spreadsheets) — is read as a package like an uploaded one (no
    zip bomb, macro, embedded object or executable: check_package); anything else must be text,
    not a binary file or a PDF polyglot. It is stored as uploaded: it is parsed, never opened by
    anyone's office software from here."""
    scan_data(data, name)
    if b"%PDF" in data[:1024]:
        raise _polyglot(name)
    workbook = name.lower().endswith(".xlsx") or data[:2] == b"PK" or _is_zip(io.BytesIO(data))
    if workbook:
        if not _is_zip(io.BytesIO(data)):
            raise _refuse(_("文件“%(name)s”不是有效的 Excel（.xlsx）文件。") % {"name": name}, "bad_package")
        check_package(io.BytesIO(data), "xlsx", name)  # type: ignore[arg-type]  (zipfile reads either)
    elif data.startswith(BINARY_MAGIC):
        raise _refuse(
            _("文件“%(name)s”不是文本格式的 CSV 或 JSON 文件，不能导入。") % {"name": name}, "not_text"
        )


def clean_image_data(data: bytes, kind_code: str, name: str) -> bytes:
    """make_safe for an image held in memory (an issuer's seal, uploaded in the admin): scanned,
    refused if a polyglot, re-encoded; the clean bytes are what is kept."""
    scan_data(data, name)
    refuse_polyglot_data(data, kind_code, name)
    return clean_image(io.BytesIO(data), kind_code, name)  # type: ignore[arg-type]  (Pillow reads either)


# ── the entry point ───────────────────────────────────────────────────────────────


def make_safe(path: Path, kind_code: str, name: str) -> bytes | None:
    """Refuse what cannot be made safe; return the clean bytes to store instead of the
    upload (PDF, images), or None when the upload itself is stored (packages, checked)."""
    refuse_polyglot(path, kind_code, name)
    if kind_code == "pdf":
        return clean_pdf(path, name)
    if kind_code in ("jpeg", "png"):
        return clean_image(path, kind_code, name)
    check_package(path, kind_code, name)
    return None
