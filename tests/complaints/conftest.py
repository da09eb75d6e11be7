"""Fixtures of the complaint and CAPA tests.

``cx`` gives the ``org_tree`` logins their roles (qa_engineer: QA engineer, qa_head: quality
manager) and adds a sales department SD under GM with ``sales`` (Sales and customer service)
and ``sales2`` (same department, second person), plus a customer. ``make_complaint`` registers
a complaint through the service and can drive it to any state.
"""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints import services
from complaints.choices import ActionKind, CapaSource, Channel, DefectCategory, FollowUpOutcome, Severity
from complaints.models import Customer
from org.choices import Role
from tests.factories import AssignmentFactory, DepartmentFactory, EmployeeFactory, PostFactory, UserFactory, days_ago


def grant(user, *roles):
    user.groups.add(*[Group.objects.get(name=str(role)) for role in roles])
    user.__dict__.pop("_qms_permission_cache", None)
    return user


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="confirmation.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def xlsx_upload(name="report.xlsx"):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def cx(org_tree):
    t = org_tree
    grant(t.qa_engineer, Role.QA_ENGINEER)
    grant(t.qa_head, Role.QUALITY_MANAGER, Role.DEPARTMENT_HEAD)
    sd = DepartmentFactory(code="SD", name="Sales", parent=t.gm, sort_order=3)
    sd_post = PostFactory(code="SD-02", title="Sales engineer", department=sd, headcount=3)
    people = []
    for username, name in (("sales", "Sam Sales"), ("sales2", "Sue Sales")):
        user = UserFactory(username=username, first_name=name, groups=[Role.SALES])
        AssignmentFactory(employee=EmployeeFactory(name=name, user=user), post=sd_post)
        people.append(user)
    customer = Customer.objects.create(code="C001", name="常州示例汽车", email="buyer@example.com")
    return SimpleNamespace(
        tree=t,
        sd=sd,
        sales=people[0],
        sales2=people[1],
        qa=t.qa_engineer,
        qm=t.qa_head,
        auditor=t.auditor,
        operator=t.operator,
        prod_head=t.prod_head,
        admin=t.admin_user,
        customer=customer,
    )


#: States reached by ``advance`` in order.
ORDER = [
    "registered",
    "analysis",
    "containment",
    "root_cause",
    "capa_decision",
    "reply_draft",
    "reply_approval",
    "reply_send",
    "implementation",
    "verification",
    "training",
    "closure",
    "closed",
    "archived",
]


def register(cx, *, severity=Severity.NORMAL, received_at=None, **extra):
    fields = {
        "channel": Channel.EMAIL,
        "customer": cx.customer,
        "product": "支架 BR-100",
        "batch": "B2401",
        "quantity": 1000,
        "defective_quantity": 25,
        "defect_category": DefectCategory.DIMENSION,
        "description": "孔位偏移约0.5毫米，无法装配。",
        "severity": severity,
    }
    fields.update(extra)
    return services.complaint_register(
        actor=cx.sales, received_at=received_at or timezone.now() - datetime.timedelta(hours=1), **fields
    )


def advance(cx, complaint, to: str):
    """Drive ``complaint`` through the valid path until it reaches state ``to``."""
    steps = {
        "registered": lambda c: services.complaint_hand_over(actor=cx.sales, complaint=c, quality_owner=cx.qa),
        "analysis": lambda c: services.complaint_decide_validity(
            actor=cx.qa,
            complaint=c,
            valid=True,
            reasoning="样品复测确认孔位超差。",
            responsible_departments=[cx.tree.prod],
        ),
        "containment": lambda c: services.complaint_contain(
            actor=cx.qa, complaint=c, stock="库存120件全检", wip="在制品隔离", shipped="通知客户挑选"
        ),
        "root_cause": lambda c: services.complaint_record_root_cause(
            actor=cx.qa,
            complaint=c,
            whys=["夹具定位销磨损", "未按周期点检"],
            categories=["machine"],
            root_cause="定位销磨损未及时更换",
        ),
        "capa_decision": lambda c: services.complaint_open_capa(
            actor=cx.qa,
            complaint=c,
            title="夹具定位销磨损",
            problem_statement="孔位偏移导致客户无法装配",
            department=cx.tree.prod,
        ),
        "reply_draft": lambda c: services.complaint_submit_reply(
            actor=cx.qa, complaint=c, text="已完成围堵并更换定位销。"
        ),
        "reply_approval": lambda c: services.complaint_decide_reply(actor=cx.qm, complaint=c, approve=True),
        "reply_send": lambda c: services.complaint_send_reply(actor=cx.qa, complaint=c),
        "implementation": lambda c: services.complaint_record_implementation(
            actor=cx.qa, complaint=c, summary="更换定位销，修订点检表"
        ),
        "verification": lambda c: services.complaint_verify(
            actor=cx.qa, complaint=c, effective=True, result="连续三批全检合格"
        ),
        "training": lambda c: services.complaint_record_training(
            actor=cx.qa, complaint=c, department=cx.tree.prod, topic="夹具点检新要求"
        ),
        "closure": lambda c: services.complaint_close(actor=cx.qm, complaint=c),
        "closed": lambda c: services.complaint_follow_up(
            actor=cx.sales, complaint=c, outcome=FollowUpOutcome.SATISFIED
        ),
    }
    complaint.refresh_from_db()
    while complaint.status != to:
        steps[complaint.status](complaint)
        complaint.refresh_from_db()
    return complaint


@pytest.fixture
def make_complaint(cx):
    def make(to="registered", **kwargs):
        return advance(cx, register(cx, **kwargs), to)

    return make


@pytest.fixture
def make_capa(cx):
    def make(**kwargs):
        fields = {
            "actor": cx.qa,
            "source": CapaSource.INTERNAL_NC,
            "title": "焊接飞溅",
            "problem_statement": "二号线焊点飞溅超标",
        }
        fields.update(kwargs)
        return services.capa_open(**fields)

    return make


def capa_to_verified(cx, capa):
    services.capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTION,
        description="隔离可疑品",
        owner=cx.qa,
        due_date=timezone.localdate(),
    )
    services.capa_record_root_cause(actor=cx.qa, capa=capa, root_cause="参数漂移", categories=["method"])
    action = services.capa_add_action(
        actor=cx.qa,
        capa=capa,
        kind=ActionKind.CORRECTIVE,
        description="固化参数",
        owner=cx.prod_head,
        due_date=timezone.localdate(),
    )
    for a in capa.actions.filter(status="open"):
        services.capa_complete_action(actor=cx.qa, action=a, evidence="已完成")
    check = services.capa_plan_check(
        actor=cx.qa,
        capa=capa,
        method="连续两周巡检",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        assignee=cx.qa,
    )
    services.capa_record_check(actor=cx.qa, check=check, passed=True, note="无复发")
    capa.refresh_from_db()
    return capa, action, check


__all__ = ["days_ago"]


@pytest.fixture(autouse=True)
def _in_english(english_pages):
    """These tests compare messages with the English source strings: pages in English."""
