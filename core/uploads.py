"""Uploaded files, checked by content: the first bytes decide, never the file name or the
browser's content type. Office files (xlsx, docx) are zip archives, so a zip counts only when
it holds the part that makes it an Office document. Each app says which of these types it
accepts and how large a file may be."""

import zipfile

from core.http import PDF, XLSX

JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: content type → the extension a file is stored and served with.
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf", XLSX: ".xlsx", DOCX: ".docx"}


def sniff_content_type(uploaded, allowed=tuple(EXTENSIONS)) -> str | None:
    """The content type of ``uploaded`` from its bytes if it is one of ``allowed``, else ``None``."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    found = None
    if head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"PK\x03\x04") and (XLSX in allowed or DOCX in allowed):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "xl/workbook.xml" in names:
            found = XLSX
        elif "word/document.xml" in names:
            found = DOCX
    return found if found in allowed else None
