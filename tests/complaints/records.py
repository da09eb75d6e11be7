"""Builders shared by the return, claim and summary tests (helper functions, not fixtures,
so each test module declares the fixtures it needs in one line).

``people(org_tree)`` gives the ``org_tree`` logins their roles and adds the sales,
warehouse, general-manager and finance logins the returns and claims workflow needs.
"""

import datetime
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus, DefectCategory, Severity
from complaints.models import Complaint, Customer, next_serial
from org.choices import Role
from tests.factories import UserFactory


def _grant(user, *roles):
    user.groups.add(*[Group.objects.get(name=str(role)) for role in roles])
    user.__dict__.pop("_qms_permission_cache", None)
    return user


def people(org_tree):
    t = org_tree
    _grant(t.qa_engineer, Role.QA_ENGINEER)
    _grant(t.qa_head, Role.QUALITY_MANAGER, Role.DEPARTMENT_HEAD)
    _grant(t.prod_head, Role.DEPARTMENT_HEAD)
    return SimpleNamespace(
        tree=t,
        sales=UserFactory(username="sales", groups=[Role.SALES]),
        warehouse=UserFactory(username="warehouse", groups=[Role.WAREHOUSE]),
        gm=UserFactory(username="gm", groups=[Role.GENERAL_MANAGER]),
        finance=UserFactory(username="finance", groups=[Role.FINANCE]),
        qa_engineer=t.qa_engineer,
        qm=t.qa_head,
        prod_head=t.prod_head,
        auditor=t.auditor,
        operator=t.operator,
    )


def customer(code="C001", name="常州示例汽车"):
    return Customer.objects.get_or_create(code=code, defaults={"name": name})[0]


def complaint(
    *,
    registered_by,
    cust=None,
    received_at=None,
    severity=Severity.NORMAL,
    status=ComplaintStatus.CONTAINMENT,
    product="支架 BR-100",
    category=DefectCategory.DIMENSION,
    **fields,
):
    """A complaint written straight through the ORM, for tests that are not about its workflow."""
    received_at = received_at or timezone.now() - datetime.timedelta(days=2)
    return Complaint.objects.create(
        number=f"CC-T-{next_serial('CC-T'):05d}",
        status=status,
        received_at=received_at,
        channel=Channel.EMAIL,
        customer=cust or customer(),
        product=product,
        defect_category=category,
        description="孔位偏移",
        severity=severity,
        registered_by=registered_by,
        **fields,
    )
