"""Uploads are judged by their first bytes, and each app narrows the types it accepts."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from core.http import PDF, XLSX
from core.uploads import DOCX, PNG, sniff_content_type


def _zip(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def test_the_bytes_decide_not_the_name_or_the_browser():
    html_as_pdf = SimpleUploadedFile("report.pdf", b"<html><script>", content_type="application/pdf")
    assert sniff_content_type(html_as_pdf) is None
    png_named_txt = SimpleUploadedFile("notes.txt", b"\x89PNG\r\n\x1a\n....", content_type="text/plain")
    assert sniff_content_type(png_named_txt) == PNG


def test_a_zip_counts_as_office_only_with_its_part_and_only_where_allowed():
    assert sniff_content_type(SimpleUploadedFile("a.xlsx", _zip("xl/workbook.xml"))) == XLSX
    assert sniff_content_type(SimpleUploadedFile("a.docx", _zip("word/document.xml"))) == DOCX
    assert sniff_content_type(SimpleUploadedFile("a.zip", _zip("other.txt"))) is None
    workbook = SimpleUploadedFile("a.xlsx", _zip("xl/workbook.xml"))
    assert sniff_content_type(workbook, (PDF, PNG)) is None
    assert workbook.read(4) == b"PK\x03\x04"  # left at the start for whoever reads it next
