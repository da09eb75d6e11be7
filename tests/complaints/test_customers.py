"""The customer register: who edits, who sees, never deleted."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Customer
from core.errors import DomainError

from .conftest import register

pytestmark = pytest.mark.django_db


def test_sales_creates_and_edits_a_customer(client, cx):
    client.force_login(cx.sales)
    response = client.post(
        reverse("complaints:customer_create"),
        {"code": "C100", "name": "无锡某机械", "language": "zh-hans", "email": "qa@example.com"},
    )
    customer = Customer.objects.get(code="C100")
    assert response.status_code == 302 and response["Location"] == customer.get_absolute_url()
    assert customer.history.first().history_user == cx.sales
    client.post(
        reverse("complaints:customer_edit", args=[customer.pk]),
        {"code": "C100", "name": "无锡某机械有限公司", "language": "en"},
    )
    customer.refresh_from_db()
    assert customer.name == "无锡某机械有限公司" and customer.language == "en"


def test_duplicate_code_is_refused(client, cx, english):
    client.force_login(cx.sales)
    response = client.post(reverse("complaints:customer_create"), {"code": "C001", "name": "x", "language": "en"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Customer.objects.filter(code="C001").count() == 1


def test_qa_engineer_may_not_edit_customers(client, cx):
    client.force_login(cx.qa)
    assert client.get(reverse("complaints:customer_create")).status_code == 403
    with pytest.raises(DomainError):
        services.customer_create(actor=cx.qa, code="X", name="x")


def test_customer_ends_with_a_reason_instead_of_deletion(client, cx):
    client.force_login(cx.sales)
    client.post(reverse("complaints:customer_end", args=[cx.customer.pk]), {"end-reason": "停止合作"})
    cx.customer.refresh_from_db()
    assert not cx.customer.active and cx.customer.end_reason == "停止合作"
    assert cx.customer.pk in {c.pk for c in Customer.objects.all()}


def test_contacts_one_primary(cx):
    first = services.contact_save(actor=cx.sales, customer=cx.customer, name="王工", is_primary=True)
    second = services.contact_save(actor=cx.sales, customer=cx.customer, name="李经理", is_primary=True)
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary


def test_customer_data_follows_the_complaint_rules(client, cx):
    other = Customer.objects.create(code="C2", name="另一客户")
    client.force_login(cx.operator)
    assert client.get(reverse("complaints:customer_detail", args=[cx.customer.pk])).status_code == 404
    complaint = register(cx)
    complaint.responsible_departments.add(cx.tree.w1)
    assert client.get(reverse("complaints:customer_detail", args=[cx.customer.pk])).status_code == 200
    assert client.get(reverse("complaints:customer_detail", args=[other.pk])).status_code == 404
    client.force_login(cx.sales)
    assert client.get(reverse("complaints:customer_detail", args=[other.pk])).status_code == 200


def test_customer_list_query_count(client, cx, django_assert_max_num_queries):
    for i in range(20):
        Customer.objects.create(code=f"K{i:02d}", name=f"客户{i}")
    client.force_login(cx.sales)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:customer_list"))
    assert len(response.context["customers"]) == 21
