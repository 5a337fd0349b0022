"""Checks an uploaded evidence file before anything is stored.

The file is never trusted: its name is checked for control characters and path parts, its
extension against an allowlist, its content (magic bytes) against the extension, Office and
OpenDocument containers are opened to refuse macros and oddities, images are checked for
decompression bombs. Everything reads the upload in chunks, so memory does not grow with the file.
"""

import hashlib
import re
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import magic
from django.conf import settings
from PIL import Image

from accreditation.errors import Refusal
from accreditation.uploads_temp import human_size

CHUNK = 64 * 1024

OOXML_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ZIP_LIKE = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}

# extension -> (what people call it, content types libmagic may report for a genuine file)
ALLOWED = {
    "pdf": ("PDF", {"application/pdf"}),
    "docx": ("Word document", {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"} | ZIP_LIKE),
    "xlsx": ("Excel spreadsheet", {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} | ZIP_LIKE),
    "pptx": (
        "PowerPoint presentation",
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation"} | ZIP_LIKE,
    ),
    "odt": ("OpenDocument text", {ODT_MIMETYPE} | ZIP_LIKE),
    "jpg": ("JPEG image", {"image/jpeg"}),
    "jpeg": ("JPEG image", {"image/jpeg"}),
    "png": ("PNG image", {"image/png"}),
    "mp3": ("MP3 audio", {"audio/mpeg", "audio/mp3", "audio/x-mp3"}),
    "mp4": ("MP4 video", {"video/mp4", "audio/mp4", "video/x-m4v", "video/quicktime"}),
}
# What a stored file of each extension is served as, whatever libmagic said.
SERVE_AS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": ODT_MIMETYPE,
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlsb", "pptm", "potm", "ppsm", "doc", "xls", "ppt"}
ARCHIVE_EXTENSIONS = {"zip", "7z", "rar", "tar", "gz", "tgz", "bz2", "xz", "zipx", "cab", "iso"}
EXECUTABLE_TYPES = {
    "application/x-dosexec",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-mach-binary",
    "application/x-msdownload",
    "application/x-elf",
    "text/x-shellscript",
    "application/x-msi",
}
ARCHIVE_TYPES = {
    "application/x-7z-compressed",
    "application/x-rar",
    "application/vnd.rar",
    "application/x-tar",
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip2",
    "application/x-xz",
}

# Limits for the ZIP containers inside Office and OpenDocument files.
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
# A PDF name object (/Name, where any character may be written #xx) naming a script action.
PDF_NAME = re.compile(rb"/(?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+")
PDF_SCRIPT_NAMES = {b"javascript", b"js"}
# Other active content, refused as scripts are: what each does, in words a school reads.
PDF_ACTIVE_NAMES = {
    b"launch": "an action that starts a program or opens a file (/Launch)",
    b"embeddedfile": "files embedded inside it (/EmbeddedFile)",
    b"embeddedfiles": "files embedded inside it (/EmbeddedFiles)",
    b"richmedia": "embedded media that can run code (/RichMedia)",
    b"submitform": "a form that sends what is typed to a website (/SubmitForm)",
    b"aa": "actions that run by themselves when it is opened or read (/AA)",
    b"importdata": "an action that loads data from another file (/ImportData)",
}
# Compressed streams are opened to look inside (object streams hide dictionaries there); never
# more than this in all, so a crafted stream cannot expand without limit.
PDF_MAX_INFLATED = 200 * 1024 * 1024
PDF_STREAM = re.compile(rb"stream\r?\n")
# Longer than "/JavaScript" written entirely in #xx escapes (3 bytes a letter): enough overlap
# between chunks that a name split across two is still seen whole.
PDF_OVERLAP = 64
# Larger than any photograph a school takes (about 100 megapixels).
MAX_IMAGE_PIXELS = 100_000_000


@dataclass
class CheckedFile:
    original_name: str
    extension: str
    size: int
    sha256: str
    content_type: str


def refuse(message, code="invalid"):
    raise Refusal(message, code=code)


def clean_file_name(name: str) -> str:
    """The person's file name, normalised, or a refusal if it carries path parts or control characters."""
    if not name or not name.strip():
        refuse("The selected file has no name. Rename it and try again", "name")
    name = unicodedata.normalize("NFC", name)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        refuse(f"The file name “{name!r}” contains control characters. Rename the file and try again", "name")
    if "/" in name or "\\" in name or name.strip(". ") == "" or ".." in name or name.startswith("."):
        refuse(f"The file name “{name}” contains folder names or dots that are not allowed. Rename the file", "name")
    if len(name) > 200:
        refuse("The file name must be 200 characters or fewer. Rename the file and try again", "name")
    return name.strip()


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(uploaded, *, used_bytes: int = 0) -> CheckedFile:
    """Check one UploadedFile; return what to store about it or raise a Refusal.

    `used_bytes` is what the school already stores, for the quota.
    """
    name = clean_file_name(uploaded.name)
    ext = extension_of(name)
    kinds = sorted({e.upper() for e in ALLOWED if e != "jpeg"})
    allowed = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    if ext in MACRO_EXTENSIONS:
        refuse(
            f"“{name}” is a macro-enabled or old-style Office file. Save it as a DOCX, XLSX or PPTX file "
            "without macros, or as a PDF",
            "macro",
        )
    if ext in ARCHIVE_EXTENSIONS:
        refuse(f"“{name}” is an archive. Upload the files inside it one by one", "archive")
    if ext not in ALLOWED:
        refuse(f"“{name}” must be a {allowed} file", "extension")
    label = ALLOWED[ext][0]

    size = uploaded.size or 0
    if size == 0:
        refuse(f"“{name}” is empty. Choose a file that has something in it", "empty")
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        refuse(f"“{name}” must be smaller than {human_size(limit)}", "too_big")
    quota = settings.EVIDENCE_SCHOOL_QUOTA_BYTES
    if used_bytes + size > quota:
        refuse(
            f"“{name}” would take your school over its {human_size(quota)} storage allowance. "
            "Delete evidence you no longer need, or contact the Health & Wellbeing team",
            "quota",
        )

    digest = hashlib.sha256()
    head = b""
    scripts = PdfScriptScanner() if ext == "pdf" else None
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK):
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
        if scripts is not None:
            scripts.feed(chunk)
    detected = magic.from_buffer(head, mime=True)

    if detected in EXECUTABLE_TYPES:
        refuse(f"“{name}” is a program, not a {label}. It has not been uploaded", "executable")
    if detected in ARCHIVE_TYPES:
        refuse(f"“{name}” is an archive, not a {label}. Upload the files inside it one by one", "archive")
    if detected not in ALLOWED[ext][1]:
        refuse(f"The content of “{name}” is not a {label}. Check the file and its extension", "mismatch")

    if scripts is not None:
        scripts.finish()
        if not scripts.found:
            check_pdf_streams(uploaded, scripts)
        if scripts.found == "script":
            refuse(
                f"“{name}” contains JavaScript, which could run when someone opens it. Save or print it as a new "
                "PDF without scripts and upload that instead",
                "pdf_script",
            )
        if scripts.found:
            refuse(
                f"“{name}” contains {PDF_ACTIVE_NAMES[scripts.found]}, which could run when someone opens it. "
                "Save or print it as a new PDF (for example with “Print to PDF”) and upload that instead",
                "pdf_active",
            )
    if ext in OOXML_MAIN_PARTS or ext == "odt":
        check_container(uploaded, name=name, ext=ext, label=label)
    elif ext in ("jpg", "jpeg", "png"):
        check_image(uploaded, name=name, label=label)
    uploaded.seek(0)
    return CheckedFile(name, ext, size, digest.hexdigest(), SERVE_AS[ext])


class PdfScriptScanner:
    """Looks for the names of active content (/JavaScript, /JS, /Launch, /EmbeddedFile(s),
    /RichMedia, /SubmitForm, /AA, /ImportData) in the chunks read for hashing, keeping the end of
    each chunk so a name split across two chunks is still found. `found` is "script", one of
    PDF_ACTIVE_NAMES, or None.

    Names are compared case-insensitively with #xx escapes decoded (/J#61vaScript is /JavaScript).
    Compressed streams (where object streams hide dictionaries) are inflated and fed through a
    scanner of their own by check_pdf_streams."""

    def __init__(self):
        self.tail = b""
        self.found = None

    def feed(self, chunk: bytes, *, final=False):
        if self.found:
            return
        window = self.tail + chunk
        for match in PDF_NAME.finditer(window):
            if match.end() == len(window) and not final:
                break  # the name may go on in the next chunk, which starts with the overlap
            decoded = _pdf_name(match.group())
            if decoded in PDF_SCRIPT_NAMES:
                self.found = "script"
                return
            if decoded in PDF_ACTIVE_NAMES:
                self.found = decoded
                return
        self.tail = window[-PDF_OVERLAP:]

    def finish(self):
        self.feed(b"", final=True)
        return self.found


def check_pdf_streams(uploaded, scanner: PdfScriptScanner) -> None:
    """Inflate every stream of the PDF that is zlib data (FlateDecode, whatever its /Filter says:
    it may be #-escaped or indirect) and look for active names inside, as the file is read in
    chunks. Inflating stops at PDF_MAX_INFLATED in all; data that is not zlib fails on its first
    bytes and the search goes on."""
    budget = PDF_MAX_INFLATED
    inflater = inner = None
    carry = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK):
        data, carry, pos = carry + chunk, b"", 0
        while pos < len(data):
            if inflater is None:
                match = PDF_STREAM.search(data, pos)
                if match is None:
                    carry = data[-8:]  # "stream\r\n" may be split across two chunks
                    break
                inflater, inner, pos = zlib.decompressobj(), PdfScriptScanner(), match.end()
                continue
            try:
                out = inflater.decompress(data[pos:], min(budget, CHUNK) or 1)
                while True:
                    budget -= len(out)
                    inner.feed(out)
                    if inner.found or budget <= 0 or not inflater.unconsumed_tail:
                        break
                    out = inflater.decompress(inflater.unconsumed_tail, min(budget, CHUNK) or 1)
            except zlib.error:
                inflater = None  # not compressed: look for the next stream after this point
                pos += 1
                continue
            if inner.found or inflater.eof or budget <= 0:
                inner.finish()
                if inner.found:
                    scanner.found = inner.found
                    return
                if budget <= 0:
                    return
                rest = inflater.unused_data
                inflater = None
                pos = len(data) - len(rest)
                continue
            pos = len(data)  # the stream goes on in the next chunk


def _pdf_name(token: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token[1:]).lower()


def check_container(uploaded, *, name, ext, label):
    """DOCX, XLSX, PPTX and ODT are ZIP files: look inside without extracting anything."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                refuse(f"“{name}” has an unusual structure (too many parts) and has not been uploaded", "container")
            total = 0
            names = set()
            for entry in entries:
                total += entry.file_size
                lowered = entry.filename.lower()
                names.add(entry.filename)
                if entry.filename.startswith("/") or ".." in entry.filename.split("/"):
                    refuse(f"“{name}” has an unusual structure and has not been uploaded", "container")
                if stat.S_ISLNK(entry.external_attr >> 16):
                    refuse(
                        f"“{name}” contains a link to a file outside it (a symbolic link) and has not been uploaded. "
                        "Save it again from Word, Excel, PowerPoint or LibreOffice",
                        "container",
                    )
                if lowered.endswith("vbaproject.bin") or lowered.startswith(("basic/", "scripts/")):
                    refuse(f"“{name}” contains macros. Save it without macros and upload it again", "macro")
                if entry.compress_size and entry.file_size / entry.compress_size > MAX_ZIP_RATIO:
                    refuse(f"“{name}” has an unusual structure (compressed too far) and has not been uploaded", "bomb")
            if total > MAX_ZIP_UNCOMPRESSED:
                refuse(f"“{name}” expands to more than we can accept and has not been uploaded", "bomb")
            if ext == "odt":
                if (
                    "mimetype" not in names
                    or _read_capped(archive, "mimetype").strip().decode("ascii", "replace") != ODT_MIMETYPE
                ):
                    refuse(f"The content of “{name}” is not an {label}. Check the file and its extension", "mismatch")
            else:
                if "[Content_Types].xml" not in names or OOXML_MAIN_PARTS[ext] not in names:
                    refuse(f"The content of “{name}” is not a {label}. Check the file and its extension", "mismatch")
                content_types = _read_capped(archive, "[Content_Types].xml").lower()
                if b"macroenabled" in content_types or b"vbaproject" in content_types:
                    refuse(f"“{name}” contains macros. Save it without macros and upload it again", "macro")
    except zipfile.BadZipFile:
        refuse(f"The content of “{name}” is not a {label}. Check the file and its extension", "mismatch")


def check_image(uploaded, *, name, label):
    """Read the header only: an image declaring enormous dimensions is refused before decoding."""
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                refuse(f"“{name}” is too large an image ({width} × {height} pixels). Resize it and try again", "bomb")
            image.verify()
    except Refusal:
        raise
    except Image.DecompressionBombError:
        refuse(f"“{name}” is too large an image. Resize it and try again", "bomb")
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of error for a broken image
        refuse(f"“{name}” is not a readable {label}. Check the file and try again", "mismatch")


SMALL_PART_LIMIT = 1024 * 1024


def _read_capped(archive, member):
    """Read a small part of a container without letting a crafted one expand into memory."""
    with archive.open(member) as part:
        return part.read(SMALL_PART_LIMIT)
