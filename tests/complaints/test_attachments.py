"""Attachments: type by content, size limit, served only to those who see the complaint,
always as a download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import uploads
from complaints.models import ComplaintAttachment

from .conftest import png_upload, register, xlsx_upload

pytestmark = pytest.mark.django_db


def attach(client, complaint, upload, kind="photo"):
    return client.post(reverse("complaints:attach", args=[complaint.pk]), {"attach-file": upload, "attach-kind": kind})


def test_png_and_xlsx_are_accepted_by_content(client, cx):
    complaint = register(cx)
    client.force_login(cx.sales)
    assert attach(client, complaint, png_upload("scan.bin")).status_code == 302
    assert attach(client, complaint, xlsx_upload(), "customer_report").status_code == 302
    types = sorted(complaint.attachments.values_list("content_type", flat=True))
    assert types == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "image/png"]


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 executable",
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_content_is_refused_whatever_its_name(client, cx, english, content):
    complaint = register(cx)
    client.force_login(cx.sales)
    response = attach(client, complaint, SimpleUploadedFile("photo.png", content, content_type="image/png"))
    assert response.status_code == 400
    assert "Only JPEG and PNG photos" in response.content.decode()
    assert not ComplaintAttachment.objects.exists()


def test_too_large_file_is_refused(client, cx, english, settings, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 50)
    complaint = register(cx)
    client.force_login(cx.sales)
    response = attach(client, complaint, png_upload())
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not ComplaintAttachment.objects.exists()


def test_download_is_an_attachment_for_those_who_see_the_complaint(client, cx):
    complaint = register(cx)
    client.force_login(cx.sales)
    attach(client, complaint, png_upload("划伤.png"))
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment", args=[attachment.pk])
    client.force_login(cx.auditor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    client.force_login(cx.operator)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_operator_cannot_attach_to_a_visible_complaint(client, cx):
    complaint = register(cx)
    complaint.responsible_departments.add(cx.tree.w1)
    client.force_login(cx.operator)
    assert attach(client, complaint, png_upload()).status_code == 403
    assert not ComplaintAttachment.objects.exists()
