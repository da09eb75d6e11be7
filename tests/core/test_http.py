"""The one file response: attachment or inline, RFC 6266 name, never sniffed, never cached."""

from core.http import PDF, XLSX, file_response


def test_a_download_is_an_attachment_never_sniffed_nor_cached():
    response = file_response(b"x", filename="posts-1.xlsx", content_type=XLSX)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="posts-1.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_shown_in_the_browser_is_inline_and_a_chinese_name_is_encoded():
    response = file_response(b"%PDF", filename="岗位说明书.pdf", content_type=PDF, as_attachment=False)
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "%E5%B2%97" in response["Content-Disposition"]
