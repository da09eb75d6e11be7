"""Files the app hands out: one response with one header policy for every PDF and workbook."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, *, filename: str, content_type: str, as_attachment: bool = True) -> HttpResponse:
    """``content`` as a download (or inline, for PDFs shown in the browser): the file name as
    RFC 6266 allows (non-ASCII names too), never sniffed as HTML, never cached, because drafts
    change and access is decided per user."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
