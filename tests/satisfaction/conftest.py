"""Fixtures of the satisfaction tests: a quality manager and a salesperson on top of
``org_tree``, customers in the register, a small template and a running campaign.

The template ``T`` (built with ``make_template``) has two items so scores are easy to
compute by hand: "Quality" 60 points with sub-items A (weight 2) and B (weight 1), and
"Delivery" 40 points without sub-items.
"""

import pytest
from django.contrib.auth.models import Group

from complaints.models import Customer
from org.choices import Role
from tests.factories import EmployeeFactory, UserFactory
from tests.satisfaction.fixtures import make_template, start_campaign


@pytest.fixture
def quality_manager(org_tree):
    """The head of the quality department, holding the Quality manager role."""
    org_tree.qa_head.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    return org_tree.qa_head


@pytest.fixture
def sales_user(org_tree):
    user = UserFactory(username="sales", groups=[Role.SALES])
    EmployeeFactory(name="Sam Sales", user=user)
    return user


@pytest.fixture
def general_manager(org_tree):
    user = UserFactory(username="gm", groups=[Role.GENERAL_MANAGER])
    EmployeeFactory(name="Gina GM", user=user)
    return user


@pytest.fixture
def customers(db):
    return [
        Customer.objects.create(code="C1", name="一号客户", name_en="Customer One", email="c1@example.com"),
        Customer.objects.create(
            code="C2", name="二号客户", name_en="Customer Two", language="en", email="c2@example.com"
        ),
        Customer.objects.create(code="C3", name="三号客户", name_en="Customer Three"),
    ]


@pytest.fixture
def template(quality_manager):
    return make_template(quality_manager)


@pytest.fixture
def campaign(quality_manager, template, customers):
    return start_campaign(quality_manager, template, customers)


@pytest.fixture(autouse=True)
def _in_english(english_pages):
    """These tests compare messages with the English source strings: pages in English."""
