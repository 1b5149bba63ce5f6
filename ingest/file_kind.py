"""Tell what a submitted file really is from its first bytes, whatever its name says.

Clerks rename files ("Danh sách.png" → "Danh sách.csv"), save a web page or a Word document as ".xls", or send a
scan. Such a file is refused with what it is and what to do, in the clerk's words ("tệp là ảnh PNG, không phải bảng
tính"); a spreadsheet under another format's suffix is told its real suffix. Not here: whether a file of the right
kind is readable or within the size limits (``ingest.workbook``, ``ingest.xlsx_package``, ``ingest.packages``).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SubmissionError
from ingest.xlsx_parts import check_central_directory, damaged

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a package with parts; an empty zip
# An OLE container's directory names its streams in UTF-16; Office writes the directory near the start, so the first
# megabyte says which program wrote the file (and whether it is an encrypted .xlsx).
OLE_DIRECTORY_BYTES = 1 << 20
HEAD_BYTES = 4096  # enough for any signature below, and for an XML or HTML file's first element


@dataclass(frozen=True)
class Kind:
    """What a file is: ``code`` for the code, a Vietnamese and an English label for messages, and for a spreadsheet
    the suffix it should have."""

    code: str
    vi: str
    en: str
    suffix: str | None = None


XLSX = Kind("xlsx", "bảng tính Excel (.xlsx)", "an Excel workbook (.xlsx)", ".xlsx")
XLSB = Kind("xlsb", "bảng tính Excel nhị phân (.xlsb)", "an Excel binary workbook (.xlsb)", ".xlsb")
ODS = Kind("ods", "bảng tính OpenDocument (.ods)", "an OpenDocument spreadsheet (.ods)", ".ods")
XLS = Kind("xls", "bảng tính Excel 97-2003 (.xls)", "an Excel 97-2003 workbook (.xls)", ".xls")
ENCRYPTED_OOXML = Kind("encrypted", "bảng tính có mật khẩu", "a password-protected workbook")
ZIP = Kind("zip", "tệp nén (.zip)", "a zip archive")
# First bytes → kind. Order matters only where one signature starts another (none do).
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", Kind("png", "ảnh PNG", "a PNG image")),
    (b"\xff\xd8\xff", Kind("jpeg", "ảnh JPEG", "a JPEG image")),
    (b"GIF87a", Kind("gif", "ảnh GIF", "a GIF image")),
    (b"GIF89a", Kind("gif", "ảnh GIF", "a GIF image")),
    (b"II*\x00", Kind("tiff", "ảnh TIFF (bản quét)", "a TIFF image (a scan)")),
    (b"MM\x00*", Kind("tiff", "ảnh TIFF (bản quét)", "a TIFF image (a scan)")),
    (b"%PDF-", Kind("pdf", "tài liệu PDF", "a PDF document")),
    (b"{\\rtf", Kind("rtf", "văn bản Word (RTF)", "a Word document (RTF)")),
    (b"Rar!\x1a\x07", Kind("rar", "tệp nén RAR", "a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", Kind("7z", "tệp nén 7-Zip", "a 7-Zip archive")),
    (b"\x1f\x8b", Kind("gzip", "tệp nén gzip", "a gzip archive")),
)
# A zip package is told by the part that makes it what it is.
PACKAGE_PARTS = (
    ("xl/workbook.xml", XLSX),
    ("xl/workbook.bin", XLSB),
    ("word/document.xml", Kind("docx", "văn bản Word (.docx)", "a Word document (.docx)")),
    ("ppt/presentation.xml", Kind("pptx", "bản trình chiếu PowerPoint (.pptx)", "a PowerPoint presentation (.pptx)")),
)
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.text": Kind("odt", "văn bản OpenDocument (.odt)",
                                                     "an OpenDocument text (.odt)"),
}
OLE_STREAMS = (  # the stream that tells what an OLE container holds
    ("EncryptionInfo", ENCRYPTED_OOXML),
    ("WordDocument", Kind("doc", "văn bản Word 97-2003 (.doc)", "a Word 97-2003 document (.doc)")),
    ("PowerPoint Document", Kind("ppt", "bản trình chiếu PowerPoint (.ppt)", "a PowerPoint presentation (.ppt)")),
)
# Excel's "Web Page" and "XML Spreadsheet 2003" exports are text that Excel opens, often saved as .xls.
HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b",
                  re.IGNORECASE | re.DOTALL)
XML_SPREADSHEET = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*>.*urn:schemas-microsoft-com:office:spreadsheet",
                             re.DOTALL)
HTML_KIND = Kind("html", "trang web (HTML)", "a web page (HTML)")
XML_SPREADSHEET_KIND = Kind("xml2003", "bảng tính XML 2003", "an XML Spreadsheet 2003 file")


def _package_kind(path: Path) -> Kind:
    with path.open("rb") as handle:
        check_central_directory(handle)  # a directory announcing a million parts is not listed
        try:
            package = zipfile.ZipFile(handle)
            names = set(package.namelist())
            mimetype = b""
            if "mimetype" in names:
                with package.open("mimetype") as part:  # the first bytes only: a part may be a zip bomb
                    mimetype = part.read(100).strip()
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError, zlib.error):
            raise damaged("unreadable zip directory") from None
    if mimetype in ODF_MIMETYPES:
        return ODF_MIMETYPES[mimetype]
    return next((kind for part, kind in PACKAGE_PARTS if part in names), ZIP)


def _ole_kind(path: Path) -> Kind:
    with path.open("rb") as handle:
        directory = handle.read(OLE_DIRECTORY_BYTES)
    return next((kind for stream, kind in OLE_STREAMS if stream.encode("utf-16-le") in directory), XLS)


def file_kind(path: Path) -> Kind | None:
    """What ``path`` holds, told by its first bytes (and a zip's part names, an OLE file's stream names); None for
    anything else: text, or bytes of no kind known here. A zip whose directory cannot be read raises
    ``not_a_spreadsheet`` (damaged), one that announces more parts than a workbook has ``too_large``, as measuring
    it would."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(ZIP_MAGIC):
        return _package_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if XML_SPREADSHEET.match(head):
        return XML_SPREADSHEET_KIND
    if HTML.match(head):
        return HTML_KIND
    return None


def wrong_kind(kind: Kind, suffix: str, accepted: str) -> SubmissionError:
    """The refusal of a file of ``kind`` sent as ``suffix``: what it is and what to do (``accepted``: the suffixes
    accepted, as the clerk reads them)."""
    if kind.suffix:
        return SubmissionError(
            "not_a_spreadsheet",
            f"Tệp là {kind.vi} nhưng có đuôi {suffix}: hãy đổi đuôi tệp thành {kind.suffix} rồi gửi lại / "
            f"the file is {kind.en} named {suffix}: rename it to {kind.suffix} and send it again",
        )
    return SubmissionError(
        "not_a_spreadsheet",
        f"Tệp là {kind.vi}, không phải bảng tính: hãy gửi chính tệp danh sách ({accepted}) / "
        f"the file is {kind.en}, not a spreadsheet: send the roster file itself ({accepted})",
    )
