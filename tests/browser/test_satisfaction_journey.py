"""A satisfaction survey from start to corrective action, in a real browser.

The quality manager starts a campaign for three customers; one customer answers through
their personal link on a phone-sized window; a paper form of another is entered by hand;
the report shows the result and a CAPA is opened from the lowest item. The pages run in
Chinese; steps find their controls by names and URLs, not by translated labels.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.models import Capa, Customer
from org.choices import Role
from satisfaction.models import Campaign, ItemCapa, Response
from tests.factories import PASSWORD
from tests.satisfaction.fixtures import answer_keys, make_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, start):
    page.goto(start)
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def field(key):
    item, sub = key
    return f"q{item}" if sub is None else f"q{item}_{sub}"


def test_campaign_online_and_paper_answers_report_and_capa(org_tree, chromium, artifacts):
    qm = org_tree.qa_head
    qm.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    template = make_template(qm, code="J")
    keys = answer_keys(template)
    customers = [
        Customer.objects.create(code="J1", name="甲客户", email="j1@example.com"),
        Customer.objects.create(code="J2", name="乙客户", name_en="Customer B", language="en"),
        Customer.objects.create(code="J3", name="丙客户"),
    ]

    # 1. The quality manager starts the campaign.
    page = chromium.new_page()
    log_in(page, qm.username, "/satisfaction/campaigns/new/")
    today = timezone.localdate()
    page.fill("#id_title", f"{today.year} 满意度调查")
    page.fill("#id_period_start", today.replace(month=1, day=1).isoformat())
    page.fill("#id_period_end", today.replace(month=12, day=31).isoformat())
    page.select_option("#id_template", str(template.pk))
    page.fill("#id_target_rate", "90")
    # The reply deadline is left as proposed: four weeks from today.
    page.select_option("#id_owner", str(qm.employee.pk))
    for customer in customers:
        page.check(f"input[name=customers][value='{customer.pk}']")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/satisfaction/campaigns/\d+/$"))
    campaign = Campaign.objects.get()
    assert campaign.deadline == today + datetime.timedelta(days=28)
    assert page.locator("tr[data-customer]").count() == 3

    # 2. Customer B answers on a phone through their personal link, in English.
    token = campaign.invitations.get(customer=customers[1]).token
    phone = chromium.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"/survey/{token}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "Customer B" in phone.content() and "甲客户" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.check(f"input[name={field(keys['A'])}][value=satisfied]")
    phone.check(f"input[name={field(keys['B'])}][value=neutral]")
    phone.check(f"input[name={field(keys['D'])}][value=fairly_satisfied]")
    phone.fill("#id_comment", "Good support this year.")
    phone.screenshot(path=str(artifacts / "satisfaction-phone-form.png"), full_page=True)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(rf"/survey/{token}/thanks/$"))
    phone.goto(f"/survey/{token}/")
    assert "already been answered" in phone.content()

    # 3. The paper form of customer 丙 is entered by hand: dissatisfied with performance.
    page.reload()
    invitation = campaign.invitations.get(customer=customers[2])
    page.click(f"a[href$='?invitation={invitation.pk}']")
    page.select_option("#id_channel", "paper")
    page.check(f"input[name={field(keys['A'])}][value=dissatisfied]")
    page.check(f"input[name={field(keys['B'])}][value=satisfied]")
    page.check(f"input[name={field(keys['D'])}][value=satisfied]")
    page.click("form.survey-staff button[type=submit]")
    page.wait_for_url(re.compile(rf"/satisfaction/campaigns/{campaign.pk}/$"))
    assert Response.objects.filter(campaign=campaign).count() == 2

    # 4. The report: B scores 40 + 12 + 32 = 84, 丙 0 + 20 + 40 = 60; overall 72.0.
    page.goto(f"/satisfaction/campaigns/{campaign.pk}/report/")
    assert "72.0" in page.locator(".report-summary").inner_text()
    page.screenshot(path=str(artifacts / "satisfaction-report.png"), full_page=True)
    # Quality averages (52 + 20) / 2 = 36 of 60 = 60 %, the lowest item: open a CAPA from it.
    quality = template.items.get(order=1)
    row = page.locator(f"tr.item-row[data-item='{quality.pk}']")
    assert "60.0" in row.inner_text()
    row.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/satisfaction/campaigns/{campaign.pk}/report/$"))
    capa = Capa.objects.get()
    assert ItemCapa.objects.get().item == quality
    assert page.locator(f"tr.item-row[data-item='{quality.pk}'] a[href='{capa.get_absolute_url()}']").count() == 1
