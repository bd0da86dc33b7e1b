"""The uploads that bypassed casework.upload_safety now pass it (issue 13 §7): the import lists
(organisations and people, the court lists, the 12345 export) and the issuer's seal image
uploaded in the admin.

An XLSX is read as a package like any uploaded one (zip bomb, macros, embedded objects,
executables); a CSV or JSON that is really a binary file or a polyglot is refused; the seal
is scanned, refused as a polyglot, and re-encoded so only the image is kept."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from casework.models import User
from casework.roles import Role
from exchange.models import ImportBatch
from notices.models import Issuer

from .factories import UserFactory
from .notice_cases import seal_png
from .test_exchange_directory import ORG_HEADERS, xlsx
from .test_sec_uploads import EICAR, OLE_BYTES, eicar_scanner, png_with_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit_admin(db):
    return UserFactory(username="credit", first_name="信用管理员甲", roles=[Role.CREDIT_ADMIN])


def xlsx_with(*extra: tuple[str, bytes | str], content_type: str | None = None) -> bytes:
    """A real workbook (openpyxl's) with parts added or its content types replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(ORG_HEADERS, [])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if content_type and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_type.encode() + b"</Types>")
            archive.writestr(info, data)
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_bomb() -> bytes:
    out = io.BytesIO(xlsx(ORG_HEADERS, []))
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(zeros)
    return out.getvalue()


MACRO_TYPE = '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
HOSTILE = {
    "macro-content-type.xlsx": (xlsx_with(("xl/vbaProject.bin", b"x"), content_type=MACRO_TYPE), "含有宏"),
    "renamed-macro.xlsx": (xlsx_with(("xl/data.bin", OLE_BYTES)), "含有宏"),
    "embedded-exe.xlsx": (xlsx_with(("xl/media/tool.png", b"MZ\x90\x00" + bytes(200))), "含有宏"),
    "bomb.xlsx": (xlsx_bomb(), "压缩"),
    "not-a-package.xlsx": (b"\xd0\xcf\x11\xe0" + bytes(100), "不是有效的 Excel"),
    "exe.csv": (b"MZ\x90\x00" + bytes(200), "不是文本格式"),
    "pdf-polyglot.csv": ("单位名称\n%PDF-1.7 甲局\n".encode(), "同时是多种格式"),
    "macro-as.json": (xlsx_with(("xl/data.bin", OLE_BYTES)), "含有宏"),
}


@pytest.mark.parametrize("name", [name for name in HOSTILE if not name.endswith(".json")])  # .xlsx, .csv only
def test_the_import_page_refuses_a_hostile_list_and_makes_no_batch(client, credit_admin, name):
    content, words = HOSTILE[name]
    client.force_login(credit_admin)
    response = client.post(
        "/work/imports/new/organisations/", {"file": SimpleUploadedFile(name, content), "mode": "dry"}
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_clean_workbook_is_still_imported(client, credit_admin):
    client.force_login(credit_admin)
    response = client.post(
        "/work/imports/new/organisations/",
        {"file": SimpleUploadedFile("单位.xlsx", xlsx(ORG_HEADERS, [])), "mode": "dry"},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize("name", ["macro-content-type.xlsx", "bomb.xlsx", "macro-as.json", "exe.csv"])
def test_the_court_list_page_refuses_a_hostile_list(client, officer, name):
    content, words = HOSTILE[name]
    client.force_login(officer)
    response = client.post(
        "/work/court/",
        {"kind": "defaulter_list", "file": SimpleUploadedFile(name, content), "dry_run": "on"},
    )
    assert response.status_code == 400, response.status_code
    assert words in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_hotline_import_refuses_a_macro_workbook(client, officer):
    content, words = HOSTILE["renamed-macro.xlsx"]
    client.force_login(officer)
    response = client.post("/work/complaints/import/", {"file": SimpleUploadedFile("12345.xlsx", content)})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_scanner_sees_import_lists(settings, client, credit_admin):
    settings.CHENGXIN_UPLOAD_SCANNER = f"{eicar_scanner.__module__}.eicar_scanner"
    client.force_login(credit_admin)
    response = client.post(
        "/work/imports/new/organisations/",
        {
            "file": SimpleUploadedFile("单位.csv", ",".join(ORG_HEADERS).encode() + b"\n" + EICAR),
            "mode": "dry",
        },
    )
    assert response.status_code == 400 and "未通过病毒检查" in response.content.decode()
    assert not ImportBatch.objects.exists()


# ── the seal image, uploaded in the admin ────────────────────────────────────────────


@pytest.fixture
def root(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pass-12345"))
    return client


def issuer_form(**extra) -> dict:
    return {"name": "东莞市测试委员会", "agency_code": "东测", "contact": "", "is_active": "on", **extra}


def test_a_seal_is_stored_re_encoded_without_its_text_chunks(root):
    uploaded = png_with_text(b"<script>alert(1)</script>")
    response = root.post(
        "/admin/notices/issuer/add/", issuer_form(seal_upload=SimpleUploadedFile("s.png", uploaded))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = bytes(Issuer.objects.get(name="东莞市测试委员会").seal_image)
    assert stored != uploaded and b"<script>" not in stored and b"tEXt" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (8, 8)


def test_a_real_seal_keeps_its_transparency(root):
    seal = seal_png()
    response = root.post(
        "/admin/notices/issuer/add/", issuer_form(seal_upload=SimpleUploadedFile("s.png", seal))
    )
    assert response.status_code == 302
    stored = bytes(Issuer.objects.get(name="东莞市测试委员会").seal_image)
    with Image.open(io.BytesIO(seal)) as before, Image.open(io.BytesIO(stored)) as after:
        assert after.mode == before.mode and after.tobytes() == before.tobytes()


def test_a_seal_with_a_zip_behind_it_is_refused(root):
    polyglot = seal_png() + xlsx(ORG_HEADERS, [])
    response = root.post(
        "/admin/notices/issuer/add/", issuer_form(seal_upload=SimpleUploadedFile("s.png", polyglot))
    )
    assert response.status_code == 200
    assert "同时是多种格式" in str(response.context["adminform"].form.errors["seal_upload"])
    assert not Issuer.objects.filter(name="东莞市测试委员会").exists()


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(client, credit_admin):
    """The importer reads a ZIP as a workbook whatever its name: the checks do the same."""
    client.force_login(credit_admin)
    clean = client.post(
        "/work/imports/new/organisations/",
        {"file": SimpleUploadedFile("单位.csv", xlsx(ORG_HEADERS, [])), "mode": "dry"},
    )
    assert clean.status_code == 302
    content, words = HOSTILE["bomb.xlsx"]
    refused = client.post(
        "/work/imports/new/organisations/", {"file": SimpleUploadedFile("单位.csv", content), "mode": "dry"}
    )
    assert refused.status_code == 400 and words in refused.content.decode()
