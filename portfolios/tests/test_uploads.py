"""Every kind of unsafe or unwanted file is refused with a message saying why."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation.errors import Refusal
from portfolios import uploads

from .factories import office_bytes, pdf_bytes, png_bytes


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(file, code, **kwargs):
    with pytest.raises(Refusal) as caught:
        uploads.check_upload(file, **kwargs)
    assert caught.value.code == code, caught.value.messages
    return caught.value.messages[0]


def png_header(width, height):
    """A PNG that declares enormous dimensions in a few bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    return data + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))


class TestAccepted:
    @pytest.mark.parametrize(
        "name, data, served_as",
        [
            ("policy.pdf", pdf_bytes(), "application/pdf"),
            ("Photo.PNG", png_bytes(), "image/png"),
            (
                "training.docx",
                office_bytes(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "survey.xlsx",
                office_bytes("xl/workbook.xml"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ],
    )
    def test_real_files_pass_with_hash_and_type(self, name, data, served_as):
        import hashlib

        checked = uploads.check_upload(upload(name, data))
        assert checked.original_name == name
        assert checked.size == len(data)
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert checked.content_type == served_as


class TestRefused:
    def test_control_characters_in_the_name(self):
        message = refused(upload("report\x07.pdf", pdf_bytes()), "name")
        assert "control characters" in message

    @pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "a/../b.pdf", ".htaccess.pdf"])
    def test_path_traversal_names(self, name):
        with pytest.raises(Refusal) as caught:
            uploads.clean_file_name(name)
        assert "folder names or dots" in caught.value.messages[0]

    def test_content_not_matching_the_extension(self):
        message = refused(upload("photo.pdf", png_bytes()), "mismatch")
        assert message == "The content of “photo.pdf” is not a PDF. Check the file and its extension"

    def test_an_executable_renamed_pdf(self):
        exe = (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
        )
        message = refused(upload("invoice.pdf", exe), "executable")
        assert "is a program, not a PDF" in message

    def test_an_image_declaring_enormous_dimensions(self):
        message = refused(upload("huge.png", png_header(100_000, 100_000)), "bomb")
        assert "too large an image" in message

    def test_an_empty_file(self):
        assert "is empty" in refused(upload("empty.pdf", b""), "empty")

    def test_a_file_over_the_limit(self, settings):
        settings.EVIDENCE_MAX_FILE_BYTES = 1000
        message = refused(upload("big.pdf", pdf_bytes() + b"%" * 2000), "too_big")
        assert "must be smaller than 1000 bytes" in message

    def test_the_school_quota(self, settings):
        settings.EVIDENCE_SCHOOL_QUOTA_BYTES = 10_000
        message = refused(upload("policy.pdf", pdf_bytes()), "quota", used_bytes=9_900)
        assert "storage allowance" in message

    @pytest.mark.parametrize("name", ["minutes.docm", "tracker.xlsm", "assembly.pptm", "old.doc"])
    def test_macro_enabled_office_extensions(self, name):
        assert "macro-enabled" in refused(upload(name, office_bytes()), "macro")

    def test_a_docx_with_a_vba_project_inside(self):
        data = office_bytes(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
        assert "contains macros" in refused(upload("letter.docx", data), "macro")

    def test_a_docx_declaring_macro_content(self):
        data = office_bytes(
            content_types=b'<Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
        )
        assert "contains macros" in refused(upload("letter.docx", data), "macro")

    @pytest.mark.parametrize("name", ["evidence.zip", "photos.7z", "backup.tar", "files.rar", "log.gz"])
    def test_archives(self, name):
        assert "is an archive" in refused(upload(name, office_bytes()), "archive")

    def test_a_plain_zip_renamed_docx(self):
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("photo.jpg", b"not really")
        assert "is not a Word document" in refused(upload("notes.docx", buffer.getvalue()), "mismatch")

    def test_a_zip_bomb_inside_a_docx(self):
        data = office_bytes(extra={"word/media/padding.xml": b"\x00" * (5 * 1024 * 1024)})
        assert "unusual structure" in refused(upload("bomb.docx", data), "bomb")

    def test_an_unlisted_extension(self):
        message = refused(upload("script.js", b"alert(1)"), "extension")
        assert "must be a DOCX, JPG, MP3, MP4, ODT, PDF, PNG, PPTX or XLSX file" in message


class TestPdfScripts:
    """PDFs with script actions are refused (tests/hostile/test_uploads.py has the split-chunk cases)."""

    @pytest.mark.parametrize("action", [b"/S/JavaScript/JS(app.alert(1))", b"/S /J#61vaScript", b"/JS 5 0 R"])
    def test_script_actions(self, action):
        data = pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<<" + action + b">>")
        assert "contains JavaScript" in refused(upload("policy.pdf", data), "pdf_script")

    def test_the_word_in_text_is_fine(self):
        assert uploads.check_upload(upload("lesson.pdf", pdf_bytes("We teach JavaScript"))).extension == "pdf"
