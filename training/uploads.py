"""Evidence of training events (signed attendance sheets, tests, certificates): PDF, PNG or
JPEG, checked by their first bytes, never by name or the browser's content type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.http import PDF
from core.uploads import EXTENSIONS as ALL_EXTENSIONS
from core.uploads import JPEG, PNG, sniff_content_type

#: Largest accepted evidence file, in bytes.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

#: The evidence types: a signed sheet scanned to PDF or photographed.
ALLOWED = (PDF, PNG, JPEG)
EXTENSIONS = {content_type: ALL_EXTENSIONS[content_type] for content_type in ALLOWED}


def validate_evidence(uploaded) -> str:
    """The content type of an acceptable evidence file; ValidationError otherwise."""
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"evidence": _("The file is larger than %(mb)d MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)}}
        )
    content_type = sniff_content_type(uploaded, ALLOWED)
    if content_type is None:
        raise ValidationError({"evidence": _("Only PDF, PNG or JPEG files are accepted (checked by their content).")})
    return content_type
