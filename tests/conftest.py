"""Shared fixtures: test settings and a small organisation with named people in fixed roles.

``org_tree`` builds the company below (dates: see ``tests.factories``)::

    GM      General manager (company root)   head post "General manager" (vacant)
    ├── QA      Quality                       head post "Quality manager"       ← qa_head
    │           "QA engineer", 2 seats                                          ← qa_engineer
    └── PROD    Production                    head post "Production manager"    ← prod_head
        └── PROD-W1  Workshop 1               head post "Workshop lead" (vacant)
                     "Operator", 3 seats                                        ← operator

and the logins ``hr_user`` (group HR), ``admin_user`` (Administrator), ``auditor`` (Auditor),
``prod_head``, ``qa_head``, ``qa_engineer``, ``operator`` (no group) and ``no_employee_user``
(a login without an employee). Every login but the last has an employee; reach it as
``user.employee``. Log in with ``client.force_login(user)``.
"""

from types import SimpleNamespace

import pytest
from django.utils import translation

from org.choices import Role
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases also get the cache table (``settings.CACHES`` uses the database)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _test_settings(settings, _static_root, tmp_path):
    """Render templates without ``collectstatic``, hash passwords quickly, and keep uploaded
    and generated files (issued PDFs) in a temporary folder.

    ``STATIC_ROOT`` points at an empty directory so WhiteNoise does not warn on every request.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = _static_root
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english():
    """Run the test in English, so messages can be compared with the source strings."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_pages(client, english):
    """``english``, and the test client asks for pages in English (the site ignores
    Accept-Language, so it sets the language cookie like the language chooser does)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _person(username, name, *, groups=(), post=None, kind="primary"):
    user = UserFactory(username=username, first_name=name, groups=list(groups))
    employee = EmployeeFactory(name=name, user=user)
    assignment = AssignmentFactory(employee=employee, post=post, kind=kind) if post else None
    return user, employee, assignment


@pytest.fixture
def org_tree(db):
    """The small organisation described in the module docstring, as a namespace."""
    gm = DepartmentFactory(code="GM", name="General management", sort_order=0)
    qa = DepartmentFactory(code="QA", name="Quality", parent=gm, sort_order=1)
    prod = DepartmentFactory(code="PROD", name="Production", parent=gm, sort_order=2)
    w1 = DepartmentFactory(code="PROD-W1", name="Workshop 1", parent=prod, sort_order=0)

    gm_post = PostFactory(code="GM-01", title="General manager", department=gm, grade="management")
    qa_head_post = PostFactory(
        code="QA-01", title="Quality manager", department=qa, superior=gm_post, grade="management"
    )
    qa_engineer_post = PostFactory(code="QA-02", title="QA engineer", department=qa, superior=qa_head_post, headcount=2)
    prod_head_post = PostFactory(
        code="PROD-01", title="Production manager", department=prod, superior=gm_post, grade="management"
    )
    w1_head_post = PostFactory(
        code="W1-01", title="Workshop lead", department=w1, superior=prod_head_post, grade="senior"
    )
    operator_post = PostFactory(
        code="W1-02", title="Operator", department=w1, superior=w1_head_post, headcount=3, grade="junior"
    )
    for department, head in ((gm, gm_post), (qa, qa_head_post), (prod, prod_head_post), (w1, w1_head_post)):
        department.head_post = head
        department.save(update_fields=["head_post"])

    hr_user, _, _ = _person("hr", "Hannah HR", groups=[Role.HR])
    admin_user, _, _ = _person("admin", "Adam Admin", groups=[Role.ADMINISTRATOR])
    auditor, _, _ = _person("auditor", "Audrey Auditor", groups=[Role.AUDITOR])
    prod_head, _, prod_head_assignment = _person("prodhead", "Paul Production", post=prod_head_post)
    qa_head, _, qa_head_assignment = _person("qahead", "Quinn Quality", post=qa_head_post)
    qa_engineer, _, qa_engineer_assignment = _person("qaengineer", "Erin Engineer", post=qa_engineer_post)
    operator, _, operator_assignment = _person("operator", "Otto Operator", post=operator_post)
    no_employee_user = UserFactory(username="noemployee")

    return SimpleNamespace(
        # departments
        gm=gm,
        qa=qa,
        prod=prod,
        w1=w1,
        departments=[gm, qa, prod, w1],
        # posts
        gm_post=gm_post,
        qa_head_post=qa_head_post,
        qa_engineer_post=qa_engineer_post,
        prod_head_post=prod_head_post,
        w1_head_post=w1_head_post,
        operator_post=operator_post,
        posts=[gm_post, qa_head_post, qa_engineer_post, prod_head_post, w1_head_post, operator_post],
        # logins (each but no_employee_user has .employee)
        hr_user=hr_user,
        admin_user=admin_user,
        auditor=auditor,
        prod_head=prod_head,
        qa_head=qa_head,
        qa_engineer=qa_engineer,
        operator=operator,
        no_employee_user=no_employee_user,
        # assignments
        prod_head_assignment=prod_head_assignment,
        qa_head_assignment=qa_head_assignment,
        qa_engineer_assignment=qa_engineer_assignment,
        operator_assignment=operator_assignment,
    )


# The named people on their own, for tests that need just one or two of them.


@pytest.fixture
def hr_user(org_tree):
    return org_tree.hr_user


@pytest.fixture
def admin_user(org_tree):
    return org_tree.admin_user


@pytest.fixture
def auditor(org_tree):
    return org_tree.auditor


@pytest.fixture
def prod_head(org_tree):
    return org_tree.prod_head


@pytest.fixture
def qa_head(org_tree):
    return org_tree.qa_head


@pytest.fixture
def qa_engineer(org_tree):
    return org_tree.qa_engineer


@pytest.fixture
def operator(org_tree):
    return org_tree.operator


@pytest.fixture
def no_employee_user(org_tree):
    return org_tree.no_employee_user
