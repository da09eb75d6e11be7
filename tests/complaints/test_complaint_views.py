"""Complaint pages: list filters and query count, visibility (404), step forms (403 / 400),
registration with a photo, the printed record."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from complaints.choices import ComplaintStatus, Severity
from complaints.models import Complaint, ComplaintStep

from .conftest import advance, png_upload, register

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def test_anonymous_is_sent_to_login(client, cx):
    complaint = register(cx)
    for url in (
        reverse("complaints:list"),
        complaint.get_absolute_url(),
        reverse("complaints:pdf", args=[complaint.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sales_registers_a_complaint_with_a_photo(client, cx, english):
    client.force_login(cx.sales)
    response = client.post(
        reverse("complaints:create"),
        {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "customer": cx.customer.pk,
            "product": "支架 BR-100",
            "batch": "B1",
            "quantity": "200",
            "defective_quantity": "4",
            "defect_category": "appearance",
            "severity": "urgent",
            "description": "表面划伤",
            "photo": png_upload(),
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    assert complaint.severity == Severity.URGENT and complaint.registered_by == cx.sales
    assert complaint.attachments.get().content_type == "image/png"


def test_registration_form_shows_errors(client, cx, english):
    client.force_login(cx.sales)
    response = client.post(
        reverse("complaints:create"),
        {"received_at": "", "channel": "phone", "customer": cx.customer.pk, "quantity": "5", "defective_quantity": "9"},
    )
    assert response.status_code == 200
    assert not Complaint.objects.exists()
    assert "The defective quantity cannot exceed the quantity." in response.content.decode()


def test_operator_may_not_register(client, cx):
    client.force_login(cx.operator)
    assert client.get(reverse("complaints:create")).status_code == 403


def test_visibility_rules(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "analysis")
    url = complaint.get_absolute_url()
    # Registering department (another sales person), quality and auditors see it.
    for user in (cx.sales, cx.sales2, cx.qa, cx.qm, cx.auditor):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    # Production is not involved yet: 404 for its head and its operator.
    for user in (cx.prod_head, cx.operator):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(reverse("complaints:pdf", args=[complaint.pk])).status_code == 404
    # Production made responsible: its head sees it; the workshop below is not involved.
    complaint.responsible_departments.add(cx.tree.prod)
    client.force_login(cx.prod_head)
    assert client.get(url).status_code == 200
    client.force_login(cx.operator)
    assert client.get(url).status_code == 404
    # Workshop 1 made responsible: its members and the heads above it see it.
    complaint.responsible_departments.add(cx.tree.w1)
    for user in (cx.prod_head, cx.operator):
        client.force_login(user)
        assert client.get(url).status_code == 200, user


def test_list_shows_only_visible_complaints(client, cx):
    visible = register(cx)
    hidden = register(cx)
    Complaint.objects.filter(pk=hidden.pk).update(registered_by=cx.qa, registering_department=cx.tree.qa)
    client.force_login(cx.sales2)
    ids = {c.pk for c in client.get(reverse("complaints:list")).context["complaints"]}
    # sales2 belongs to the registering department of ``visible`` only.
    assert visible.pk in ids and hidden.pk not in ids


def test_list_filters_by_state_severity_customer_and_overdue(client, cx):
    urgent = register(cx, severity=Severity.URGENT)
    normal = register(cx)
    advance(cx, normal, "analysis")
    ComplaintStep.objects.filter(complaint=urgent).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(cx.qa)
    url = reverse("complaints:list")

    def ids(**params):
        return {c.pk for c in client.get(url, params).context["complaints"]}

    assert ids(severity="urgent") == {urgent.pk}
    assert ids(status="analysis") == {normal.pk}
    assert ids(status="open") == {urgent.pk, normal.pk}
    assert ids(overdue="1") == {urgent.pk}
    assert ids(customer=str(cx.customer.pk)) == {urgent.pk, normal.pk}
    assert ids(q=urgent.number) == {urgent.pk}
    html = client.get(url, {"overdue": "1"}).content.decode()
    assert "overdue" in html or "逾期" in html


def test_list_query_count_is_constant(client, cx, django_assert_max_num_queries):
    for _ in range(3):
        advance(cx, register(cx), "containment")
    client.force_login(cx.sales2)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("complaints:list"))
    for _ in range(12):
        advance(cx, register(cx), "reply_draft")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("complaints:list"))
    assert len(response.context["complaints"]) == 15


def test_step_form_enforced_on_the_server(client, cx, english):
    complaint = register(cx)
    advance(cx, complaint, "analysis")
    url = reverse("complaints:step", args=[complaint.pk, "validity"])
    data = {"validity-valid": "yes", "validity-reasoning": "复测确认"}
    client.force_login(cx.sales)
    assert client.post(url, data).status_code == 403
    client.force_login(cx.qa)
    assert client.get(url).status_code == 405
    # A form for another state is refused too.
    assert client.post(reverse("complaints:step", args=[complaint.pk, "close"]), {}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == S.ANALYSIS
    response = client.post(url, data)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.CONTAINMENT and complaint.is_valid


def test_invalid_step_form_shows_the_error_and_changes_nothing(client, cx, english):
    complaint = register(cx)
    advance(cx, complaint, "containment")
    client.force_login(cx.qa)
    response = client.post(reverse("complaints:step", args=[complaint.pk, "contain"]), {"contain-stock": ""})
    assert response.status_code == 400
    assert "Record what was done for stock" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.CONTAINMENT


def test_detail_offers_only_the_allowed_forms(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "reply_approval")
    client.force_login(cx.qa)
    names = [f["name"] for f in client.get(complaint.get_absolute_url()).context["step_forms"]]
    assert names == []
    client.force_login(cx.qm)
    names = [f["name"] for f in client.get(complaint.get_absolute_url()).context["step_forms"]]
    assert names == ["decide_reply"]


def test_quality_manager_approves_the_reply_through_the_page(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "reply_approval")
    client.force_login(cx.qm)
    response = client.post(
        reverse("complaints:step", args=[complaint.pk, "decide_reply"]), {"decide_reply-decision": "approve"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.REPLY_SEND and complaint.reply_approved_by == cx.qm
    assert complaint.history.first().history_user == cx.qm


def test_void_through_the_page(client, cx):
    complaint = register(cx)
    client.force_login(cx.sales2)
    assert client.post(reverse("complaints:void", args=[complaint.pk]), {"void-reason": "x"}).status_code == 403
    client.force_login(cx.qm)
    assert client.post(reverse("complaints:void", args=[complaint.pk]), {"void-reason": "重复录入"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.VOID


def test_printed_record_contains_the_complaint(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "root_cause")
    client.force_login(cx.auditor)
    response = client.get(reverse("complaints:pdf", args=[complaint.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert complaint.number in text
    assert "库存120件全检" in text


def test_inbox_lists_my_open_steps_overdue_first(client, cx):
    late = register(cx)
    advance(cx, late, "analysis")
    fresh = register(cx)
    advance(cx, fresh, "analysis")
    ComplaintStep.objects.filter(complaint=late, completed_at__isnull=True).update(
        due_at=timezone.now() - datetime.timedelta(hours=2)
    )
    ComplaintStep.objects.filter(complaint=fresh, completed_at__isnull=True).update(
        due_at=timezone.now() - datetime.timedelta(hours=1) + datetime.timedelta(hours=5)
    )
    client.force_login(cx.qa)
    html = client.get(reverse("home")).content.decode()
    assert 'id="inbox-complaints"' in html
    assert html.index(late.number) < html.index(fresh.number)


def test_history_page_shows_changes_to_visible_complaints_only(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "analysis")
    url = reverse("complaints:history", args=[complaint.pk])
    client.force_login(cx.qa)
    response = client.get(url)
    assert response.status_code == 200 and response.context["entries"]
    client.force_login(cx.operator)
    assert client.get(url).status_code == 404


def test_first_contact_corrects_details_before_hand_over_only(client, cx):
    complaint = register(cx)
    url = reverse("complaints:edit", args=[complaint.pk])
    client.force_login(cx.sales)
    form = client.get(url).context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields) if field.value() is not None}
    data["product"] = "支架 BR-200"
    data["received_at"] = timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M")
    data.pop("samples_received_at", None)
    data["responsible_departments"] = []
    data["samples_requested"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.product == "支架 BR-200"
    assert complaint.events.filter(action="edit", actor=cx.sales).exists()
    advance(cx, complaint, "analysis")
    assert client.get(url).status_code == 403
    client.force_login(cx.sales2)
    assert client.post(url, data).status_code == 403


def test_assign_view_is_for_quality(client, cx):
    complaint = register(cx)
    advance(cx, complaint, "containment")
    url = reverse("complaints:assign", args=[complaint.pk])
    client.force_login(cx.sales)
    assert client.post(url, {"assign-assignee": cx.sales2.pk}).status_code == 403
    client.force_login(cx.qa)
    assert client.post(url, {"assign-assignee": cx.qm.pk, "assign-make_owner": "on"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.quality_owner == cx.qm


def test_inbox_section_hidden_without_open_items(client, cx):
    client.force_login(cx.sales2)
    html = client.get(reverse("home")).content.decode()
    assert 'id="inbox-complaints"' not in html


def test_deadline_badges_on_the_detail_page(client, cx):
    complaint = register(cx, severity=Severity.URGENT)
    advance(cx, complaint, "analysis")
    ComplaintStep.objects.filter(complaint=complaint, completed_at__isnull=True).update(
        due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(cx.qa)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "badge special overdue" in html
    assert "badge concurrent" in html  # the hand-over was on time
