"""Evidence of training events (signed attendance sheets, tests, certificates): PDF, PNG or
JPEG, checked by their first bytes, never by name or the browser's content type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Largest accepted evidence file, in bytes.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

#: content type → extension the file is stored and served with.
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def sniff(uploaded) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def validate_evidence(uploaded) -> str:
    """The content type of an acceptable evidence file; ValidationError otherwise."""
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"evidence": _("The file is larger than %(mb)d MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)}}
        )
    content_type = sniff(uploaded)
    if content_type is None:
        raise ValidationError({"evidence": _("Only PDF, PNG or JPEG files are accepted (checked by their content).")})
    return content_type
