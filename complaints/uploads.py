"""Uploaded files of complaints and CAPAs: the allowed types, checked by content.

The file name and the browser's content type are not trusted; the first bytes decide. Office
files (xlsx, docx) are zip archives, so a zip is accepted only when it holds the part that
makes it an Office document.
"""

import os
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.http import XLSX

#: Largest accepted upload, in bytes.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: content type → file extension used when storing and serving the file.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    XLSX: ".xlsx",
    DOCX: ".docx",
}


def sniff_content_type(uploaded) -> str | None:
    """The content type of ``uploaded`` from its bytes, or ``None`` if it is not allowed."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    return None


def validate_upload(uploaded) -> str:
    """Check size and type of an uploaded file; return its content type."""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); at most %(limit)s MB are accepted.")
            % {"size": round(uploaded.size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _("Only JPEG and PNG photos, PDF files and Excel or Word (xlsx, docx) files are accepted.")
        )
    return content_type


def upload_path(instance, filename):
    """Store under a random name: the original name is kept in the row, never used as a path."""
    ext = os.path.splitext(filename)[1].lower()[:10]
    now = timezone.now()
    return f"complaints/{now:%Y/%m}/{uuid.uuid4().hex}{ext}"


def safe_download_name(name: str, content_type: str) -> str:
    base = os.path.basename(name or "file").replace('"', "").replace("\r", "").replace("\n", "") or "file"
    ext = EXTENSIONS.get(content_type, "")
    if ext and not base.lower().endswith(ext):
        base += ext
    return base
