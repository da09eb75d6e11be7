"""Fixtures of the responsibility-matrix and grey-area tests, imported by those modules.

``company_matrix`` is a draft company matrix over the four departments of ``org_tree``
(GM, QA, PROD, PROD-W1) with three clause rows (4.1, 6.3, 8.4), prepared by HR. ``gm_user``
(General manager) and ``qm_user`` (Quality manager) approve; ``qa_head`` heads Quality.
"""

import pytest

from org.choices import Role
from responsibilities import matrix_services
from responsibilities.choices import CellValue
from responsibilities.iso_clauses import load_iso_clauses
from responsibilities.models import IsoClause
from tests.factories import UserFactory

CLAUSES = ("4.1", "6.3", "8.4")


@pytest.fixture
def clauses(db):
    # A transactional test (the browser journey) empties the table the data migration filled.
    load_iso_clauses()
    return {c.number: c for c in IsoClause.objects.filter(number__in=CLAUSES)}


@pytest.fixture
def gm_user(org_tree):
    return UserFactory(username="gm", first_name="Greta General", groups=[Role.GENERAL_MANAGER])


@pytest.fixture
def qm_user(org_tree):
    return UserFactory(username="qm", first_name="Quentin Quality", groups=[Role.QUALITY_MANAGER])


@pytest.fixture
def company_matrix(org_tree, clauses):
    return matrix_services.matrix_create(
        actor=org_tree.hr_user,
        title="Quality responsibility matrix",
        departments=org_tree.departments,
        clauses=[clauses[n] for n in CLAUSES],
    )


def row(matrix, number):
    return matrix.rows.get(clause__number=number)


def column(matrix, code):
    return matrix.columns.get(department__code=code)


def fill(matrix, actor, marks):
    """``marks``: {(clause number, department code): value}."""
    for (number, code), value in marks.items():
        matrix_services.matrix_set_cell(
            actor=actor, matrix=matrix, row=row(matrix, number), column=column(matrix, code), value=value
        )


#: One lead per row, everybody taking part: no warnings.
CLEAN = {
    ("4.1", "GM"): CellValue.LEAD,
    ("4.1", "QA"): CellValue.ASSIST,
    ("6.3", "QA"): CellValue.LEAD,
    ("6.3", "PROD"): CellValue.ASSIST,
    ("8.4", "PROD"): CellValue.LEAD,
    ("8.4", "PROD-W1"): CellValue.ASSIST,
}


@pytest.fixture
def effective_matrix(company_matrix, org_tree, gm_user):
    fill(company_matrix, org_tree.hr_user, CLEAN)
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    matrix_services.matrix_approve(actor=gm_user, matrix=company_matrix)
    company_matrix.refresh_from_db()
    return company_matrix
