"""The matrix commands: daily activation of approved versions, and the demo seed's refusal
to run without the demo company."""

# ruff: noqa: F811
import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from org.models import today
from responsibilities import matrix_services
from responsibilities.choices import DocumentStatus
from tests.responsibilities.matrix_fixtures import clauses, company_matrix, gm_user  # noqa: F401

pytestmark = pytest.mark.django_db


def test_activate_due_matrices_makes_todays_approval_effective(company_matrix, org_tree, gm_user, monkeypatch):
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    tomorrow = today() + datetime.timedelta(days=1)
    matrix_services.matrix_approve(actor=gm_user, matrix=company_matrix, effective_date=tomorrow)
    out = StringIO()
    call_command("activate_due_matrices", stdout=out)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.APPROVED and out.getvalue().startswith("0 ")
    monkeypatch.setattr(matrix_services, "today", lambda: tomorrow)
    call_command("activate_due_matrices", stdout=out)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.EFFECTIVE
    assert "1 responsibility matrix" in out.getvalue()


def test_seed_demo_matrix_needs_the_demo_company(db):
    with pytest.raises(CommandError):
        call_command("seed_demo_matrix", stdout=StringIO())
