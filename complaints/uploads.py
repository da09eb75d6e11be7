"""Uploaded files of complaints and CAPAs: photos, PDFs and Office files, checked by content
(``core.uploads``), stored under random names."""

import os
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.uploads import EXTENSIONS, sniff_content_type

#: Largest accepted upload, in bytes.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


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
