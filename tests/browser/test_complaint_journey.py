"""An urgent complaint from first contact to closure, in a real browser, then the monthly summary.

Sales registers an urgent complaint with a photo and hands it to QA; QA judges it valid,
records containment, the root cause and a CAPA, and drafts the reply; the quality manager
approves it; QA records that it was sent, the implementation, the verification and the
training; the quality manager closes it. The monthly summary counts it as on time. The pages
run in Chinese; buttons are found by the URLs their forms post to.
"""

import re
import struct
import zlib

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.choices import ComplaintStatus
from complaints.models import Complaint, Customer
from org.choices import Role
from tests.factories import PASSWORD, AssignmentFactory, DepartmentFactory, EmployeeFactory, PostFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tiny_png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\x00\xff" * 2))
        + chunk(b"IEND", b"")
    )


def log_in(page, username, start):
    page.context.clear_cookies()
    page.goto(start)
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def submit_step(page, complaint_url, action, fill=None):
    form = page.locator(f"form[action$='/step/{action}/']")
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(complaint_url) + "$"))
    errors = page.locator(".errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """An earlier transactional test flushes the rows the migrations made (role groups, the
    deadline table); put them back before the people are created."""
    from complaints.deadlines import load_default_rules
    from complaints.models import DeadlineRule
    from org.roles import sync_role_permissions

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_role_permissions()
    load_default_rules(DeadlineRule)


@pytest.fixture
def people(org_tree):
    def grant(user, *roles):
        user.groups.add(*[Group.objects.get(name=str(r)) for r in roles])

    grant(org_tree.qa_engineer, Role.QA_ENGINEER)
    grant(org_tree.qa_head, Role.QUALITY_MANAGER)
    sd = DepartmentFactory(code="SD", name="Sales", parent=org_tree.gm)
    sales = UserFactory(username="sales", first_name="Sam Sales", groups=[Role.SALES])
    AssignmentFactory(employee=EmployeeFactory(name="Sam Sales", user=sales), post=PostFactory(department=sd))
    Customer.objects.create(code="C001", name="常州示例汽车")
    return {"sales": sales, "qa": org_tree.qa_engineer, "qm": org_tree.qa_head, "prod": org_tree.prod}


def test_urgent_complaint_journey_to_closure_and_summary(chromium, people, artifacts):
    page = chromium.new_page()

    # Sales registers an urgent complaint with a photo.
    log_in(page, "sales", "/complaints/new/")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_customer", label="常州示例汽车 (C001)")
    page.fill("#id_product", "支架 BR-100")
    page.fill("#id_batch", "B2611")
    page.fill("#id_quantity", "500")
    page.fill("#id_defective_quantity", "12")
    page.select_option("#id_defect_category", "dimension")
    page.select_option("#id_severity", "urgent")
    page.fill("#id_description", "安装孔偏移，客户装配线停线两小时。")
    page.set_input_files("#id_photo", {"name": "defect.png", "mimeType": "image/png", "buffer": tiny_png()})
    page.click("#complaint-form button[type=submit]")
    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    url = complaint.get_absolute_url()
    assert complaint.severity == "urgent" and complaint.attachments.get().content_type == "image/png"
    assert page.locator("#attachments a", has_text="defect.png").count() == 1

    submit_step(page, url, "hand_over", lambda f: f.locator("select").select_option(str(people["qa"].pk)))

    # QA: valid, containment, root cause, a CAPA, the draft reply.
    log_in(page, "qaengineer", url)
    submit_step(
        page,
        url,
        "validity",
        lambda f: (
            f.locator("input[value=yes]").check(),
            f.locator("textarea[name='validity-reasoning']").fill("复测样品，孔位超差0.4毫米，责任在我司。"),
            f.locator("select[name='validity-responsible_departments']").select_option(str(people["prod"].pk)),
        ),
    )
    submit_step(
        page,
        url,
        "contain",
        lambda f: (
            f.locator("textarea[name='contain-stock']").fill("成品库存300件全检"),
            f.locator("textarea[name='contain-wip']").fill("在制品挂牌隔离"),
            f.locator("textarea[name='contain-shipped']").fill("在途货物通知客户待检"),
            f.locator("input[name='contain-stop_line_notice']").check(),
        ),
    )
    submit_step(
        page,
        url,
        "root_cause",
        lambda f: (
            f.locator("input[name='root_cause-why_1']").fill("钻孔夹具定位销松动"),
            f.locator("input[name='root_cause-why_2']").fill("点检表未包含定位销"),
            f.locator("input[name='root_cause-cause_categories'][value=machine]").check(),
            f.locator("textarea[name='root_cause-root_cause']").fill("夹具点检缺项导致定位销松动未被发现"),
        ),
    )
    submit_step(
        page,
        url,
        "open_capa",
        lambda f: (
            f.locator("input[name='open_capa-title']").fill("钻孔夹具定位失效"),
            f.locator("textarea[name='open_capa-problem_statement']").fill("安装孔偏移，客户停线"),
        ),
    )
    submit_step(page, url, "reply", lambda f: f.locator("textarea").fill("已全面围堵并更换定位销，点检表已补充。"))

    # The quality manager approves the reply.
    log_in(page, "qahead", url)
    submit_step(page, url, "decide_reply", lambda f: f.locator("input[value=approve]").check())

    # QA sends it, records implementation, verification and training.
    log_in(page, "qaengineer", url)
    submit_step(page, url, "send_reply")
    submit_step(page, url, "implement", lambda f: f.locator("textarea").fill("更换定位销，点检表增加定位销项目"))
    submit_step(
        page,
        url,
        "verify",
        lambda f: (f.locator("input[value=yes]").check(), f.locator("textarea").fill("连续三批首件与巡检合格")),
    )
    submit_step(
        page,
        url,
        "training",
        lambda f: (
            f.locator("select[name='training-department']").select_option(str(people["prod"].pk)),
            f.locator("input[name='training-topic']").fill("钻孔夹具点检新要求"),
        ),
    )

    # The quality manager closes it.
    log_in(page, "qahead", url)
    submit_step(page, url, "close", lambda f: f.locator("input[value=approve]").check())
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.capas.count() == 1 and complaint.reply_approved_by == people["qm"]
    assert page.locator("#timeline tbody tr").count() >= 14
    page.screenshot(path=str(artifacts / "complaint-journey-closed.png"), full_page=True)

    # The monthly summary counts it on time for every deadline.
    month = timezone.localtime(complaint.received_at).strftime("%Y-%m")
    page.goto(f"/complaints/summary/?month={month}")
    assert page.url.endswith(f"/complaints/summary/?month={month}")
    page.screenshot(path=str(artifacts / "complaint-journey-summary.png"), full_page=True)
    for step in ("analysis", "first_handling", "containment", "reply"):
        cells = page.locator(f"#deadlines tr[data-step='{step}'] td").all_inner_texts()
        assert cells[1:5] == ["1", "0", "0", "0"], (step, cells)
        assert cells[5].startswith("100"), (step, cells)
