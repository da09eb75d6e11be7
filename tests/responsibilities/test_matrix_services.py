"""Matrix rules and services: cells cycle through the scheme's marks, only drafts change, the
checks find rows without exactly one lead and departments without a mark, a new version
copies everything, and only HR / administrators edit while the general manager or quality
manager (not the author) approves."""

# ruff: noqa: F811
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import DomainError
from org.models import today
from responsibilities import matrix_services
from responsibilities.choices import CellScheme, CellValue, DocumentStatus, MatrixKind
from responsibilities.matrix_selectors import matrix_grid, row_problems
from responsibilities.models import Matrix, MatrixCell
from tests.responsibilities.matrix_fixtures import (  # noqa: F401
    CLEAN,
    clauses,
    column,
    company_matrix,
    effective_matrix,
    fill,
    gm_user,
    qm_user,
    row,
)

pytestmark = pytest.mark.django_db


def test_lead_assist_row_needs_exactly_one_lead(english):
    assert row_problems(CellScheme.LEAD_ASSIST, [CellValue.LEAD, CellValue.ASSIST, ""])[0] == []
    problems, leads = row_problems(CellScheme.LEAD_ASSIST, [CellValue.LEAD, CellValue.LEAD])
    assert leads == 2 and problems == ["Two leads: 2 departments lead this row."]
    assert row_problems(CellScheme.LEAD_ASSIST, [CellValue.ASSIST, ""])[0] == ["No lead (●)."]
    assert row_problems(CellScheme.LEAD_ASSIST, ["", ""])[0] == ["Nobody takes part and nobody leads."]


def test_raci_row_needs_one_accountable_and_a_responsible(english):
    assert row_problems(CellScheme.RACI, ["A", "R", "C"])[0] == []
    assert row_problems(CellScheme.RACI, ["A", "A", "R"])[0] == ["2 “A”s: exactly one is accountable."]
    assert row_problems(CellScheme.RACI, ["R", "I"])[0] == ["No “A”: nobody is accountable."]
    assert row_problems(CellScheme.RACI, ["A", "C"])[0] == ["No “R”: nobody does the work."]


def test_company_matrix_gets_departments_as_columns_and_clauses_as_rows(company_matrix, org_tree):
    assert company_matrix.status == DocumentStatus.DRAFT
    assert company_matrix.document_number == matrix_services.COMPANY_MATRIX_NUMBER
    assert [c.department.code for c in company_matrix.columns.all()] == ["GM", "QA", "PROD", "PROD-W1"]
    assert [r.clause.number for r in company_matrix.rows.all()] == ["4.1", "6.3", "8.4"]
    assert company_matrix.history.first().history_user == org_tree.hr_user


def test_one_click_cycles_empty_lead_assist_empty_with_history(company_matrix, org_tree):
    hr, r, c = org_tree.hr_user, row(company_matrix, "4.1"), column(company_matrix, "QA")
    seen = [matrix_services.matrix_cycle_cell(actor=hr, matrix=company_matrix, row=r, column=c).value for _ in range(3)]
    assert seen == [CellValue.LEAD, CellValue.ASSIST, ""]
    cell = MatrixCell.objects.get(row=r, column=c)
    assert [h.value for h in cell.history.order_by("history_date")] == ["lead", "assist", ""]
    assert {h.history_user for h in cell.history.all()} == {hr}


def test_raci_cycle_goes_through_r_a_c_i(org_tree, clauses):
    matrix = matrix_services.matrix_create(
        actor=org_tree.hr_user,
        title="Complaint process",
        kind=MatrixKind.PROCESS,
        scheme=CellScheme.RACI,
        departments=[org_tree.qa],
        steps=["Analyse the complaint"],
    )
    assert matrix.document_number == "QR-PM-01"
    r, c = matrix.rows.get(), matrix.columns.get()
    values = [
        matrix_services.matrix_cycle_cell(actor=org_tree.hr_user, matrix=matrix, row=r, column=c).value
        for _ in range(5)
    ]
    assert values == ["R", "A", "C", "I", ""]


def test_set_cell_refuses_a_mark_of_the_other_scheme(company_matrix, org_tree):
    with pytest.raises(ValidationError):
        matrix_services.matrix_set_cell(
            actor=org_tree.hr_user,
            matrix=company_matrix,
            row=row(company_matrix, "4.1"),
            column=column(company_matrix, "GM"),
            value=CellValue.ACCOUNTABLE,
        )
    assert not MatrixCell.objects.exists()


def test_set_cell_twice_with_the_same_value_writes_nothing(company_matrix, org_tree):
    args = {
        "actor": org_tree.hr_user,
        "matrix": company_matrix,
        "row": row(company_matrix, "4.1"),
        "column": column(company_matrix, "GM"),
        "value": CellValue.LEAD,
    }
    matrix_services.matrix_set_cell(**args)
    matrix_services.matrix_set_cell(**args)
    assert MatrixCell.history.count() == 1


def test_row_of_another_matrix_is_refused(company_matrix, org_tree, clauses):
    other = matrix_services.matrix_create(
        actor=org_tree.hr_user, title="Other", kind=MatrixKind.PROCESS, departments=[org_tree.qa], steps=["Step"]
    )
    with pytest.raises(ValidationError):
        matrix_services.matrix_set_cell(
            actor=org_tree.hr_user,
            matrix=company_matrix,
            row=other.rows.get(),
            column=column(company_matrix, "QA"),
            value=CellValue.LEAD,
        )


@pytest.mark.parametrize("who", ["qa_head", "auditor", "operator", "prod_head"])
def test_only_hr_and_administrators_edit_cells(company_matrix, org_tree, who):
    with pytest.raises(PermissionDenied):
        matrix_services.matrix_set_cell(
            actor=getattr(org_tree, who),
            matrix=company_matrix,
            row=row(company_matrix, "4.1"),
            column=column(company_matrix, "GM"),
            value=CellValue.LEAD,
        )
    matrix_services.matrix_set_cell(
        actor=org_tree.admin_user,
        matrix=company_matrix,
        row=row(company_matrix, "4.1"),
        column=column(company_matrix, "GM"),
        value=CellValue.LEAD,
    )
    assert MatrixCell.objects.get().value == CellValue.LEAD


def test_grid_checks_two_leads_no_lead_and_unmarked_departments(company_matrix, org_tree, english):
    fill(
        company_matrix,
        org_tree.hr_user,
        {
            ("4.1", "GM"): CellValue.LEAD,
            ("8.4", "GM"): CellValue.LEAD,
            ("8.4", "QA"): CellValue.LEAD,
            ("6.3", "QA"): CellValue.ASSIST,
        },
    )
    grid = matrix_grid(company_matrix)
    problems = {r.row.clause.number: r.problems for r in grid.problem_rows}
    assert problems == {"6.3": ["No lead (●)."], "8.4": ["Two leads: 2 departments lead this row."]}
    assert [c.department.code for c in grid.empty_columns] == ["PROD", "PROD-W1"]
    assert grid.warning_count == 4


def test_grid_filters_by_department_and_clause_group(company_matrix, org_tree):
    fill(company_matrix, org_tree.hr_user, CLEAN)
    only_qa = matrix_grid(company_matrix, department_id=org_tree.qa.pk)
    assert [c.department.code for c in only_qa.columns] == ["QA"]
    assert [r.row.clause.number for r in only_qa.rows] == ["4.1", "6.3"]
    assert [r.row.clause.number for r in matrix_grid(company_matrix, group=8).rows] == ["8.4"]


def test_submit_approve_makes_it_effective_and_frozen(effective_matrix, org_tree, gm_user):
    assert effective_matrix.status == DocumentStatus.EFFECTIVE
    assert effective_matrix.approved_by == gm_user
    assert effective_matrix.effective_date == today()
    with pytest.raises(DomainError):
        matrix_services.matrix_set_cell(
            actor=org_tree.hr_user,
            matrix=effective_matrix,
            row=row(effective_matrix, "4.1"),
            column=column(effective_matrix, "GM"),
            value="",
        )
    assert effective_matrix.cells.get(row__clause__number="4.1", column__department__code="GM").value == "lead"


def test_the_author_cannot_approve_even_as_quality_manager(company_matrix, org_tree, qm_user):
    company_matrix.prepared_by = qm_user
    company_matrix.save()
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    with pytest.raises(PermissionDenied):
        matrix_services.matrix_approve(actor=qm_user, matrix=company_matrix)


@pytest.mark.parametrize("who", ["hr_user", "auditor", "qa_head", "admin_user"])
def test_only_general_or_quality_manager_approves(company_matrix, org_tree, who):
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    with pytest.raises(PermissionDenied):
        matrix_services.matrix_approve(actor=getattr(org_tree, who), matrix=company_matrix)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.IN_REVIEW


def test_approving_a_draft_is_an_illegal_transition(company_matrix, gm_user):
    with pytest.raises(DomainError):
        matrix_services.matrix_approve(actor=gm_user, matrix=company_matrix)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.DRAFT


def test_return_needs_a_comment_and_reopens_the_draft(company_matrix, org_tree, qm_user):
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    with pytest.raises(ValidationError):
        matrix_services.matrix_reject(actor=qm_user, matrix=company_matrix, comment=" ")
    matrix_services.matrix_reject(actor=qm_user, matrix=company_matrix, comment="8.4 needs one lead")
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.DRAFT
    assert company_matrix.review_comment == "8.4 needs one lead"


def test_future_effective_date_waits_for_activation(company_matrix, org_tree, gm_user):
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    tomorrow = today() + datetime.timedelta(days=1)
    matrix_services.matrix_approve(actor=gm_user, matrix=company_matrix, effective_date=tomorrow)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.APPROVED
    assert matrix_services.matrix_activate_due(day=tomorrow) == 1
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.EFFECTIVE


def test_new_version_copies_rows_columns_cells_and_supersedes_on_approval(effective_matrix, org_tree, gm_user):
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    assert (draft.version, draft.status) == (2, DocumentStatus.DRAFT)
    assert draft.document_number == effective_matrix.document_number
    copied = {
        (c.row.clause.number, c.column.department.code): c.value
        for c in draft.cells.select_related("row__clause", "column__department")
    }
    assert copied == {key: str(value) for key, value in CLEAN.items()}
    with pytest.raises(DomainError):
        matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    matrix_services.matrix_set_cell(
        actor=org_tree.hr_user, matrix=draft, row=row(draft, "4.1"), column=column(draft, "QA"), value=""
    )
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=draft)
    matrix_services.matrix_approve(actor=gm_user, matrix=draft)
    effective_matrix.refresh_from_db()
    assert effective_matrix.status == DocumentStatus.SUPERSEDED
    assert Matrix.objects.get(status=DocumentStatus.EFFECTIVE) == draft
    assert effective_matrix.cells.get(row__clause__number="4.1", column__department__code="QA").value == "assist"


def test_draft_for_edit_reuses_the_open_draft_or_starts_one(effective_matrix, org_tree):
    draft = matrix_services.matrix_draft_for_edit(actor=org_tree.hr_user, matrix=effective_matrix)
    assert draft.version == 2
    assert matrix_services.matrix_draft_for_edit(actor=org_tree.hr_user, matrix=effective_matrix) == draft


def test_rows_and_columns_are_found_by_import_keys(company_matrix, org_tree):
    matrix_services.matrix_add_row(actor=org_tree.hr_user, matrix=company_matrix, text="Incoming inspection")
    assert matrix_services.matrix_row_by_key(company_matrix, "8.4").clause.number == "8.4"
    assert matrix_services.matrix_row_by_key(company_matrix, "Incoming inspection").text == "Incoming inspection"
    assert matrix_services.matrix_row_by_key(company_matrix, "9.9") is None
    assert matrix_services.matrix_column_by_key(company_matrix, "QA").department == org_tree.qa
    assert matrix_services.matrix_column_by_key(company_matrix, "NOPE") is None


def test_a_department_is_a_column_only_once(company_matrix, org_tree):
    with pytest.raises(ValidationError):
        matrix_services.matrix_add_column(actor=org_tree.hr_user, matrix=company_matrix, department=org_tree.qa)


def test_post_level_matrix_has_posts_as_columns(org_tree, clauses):
    matrix = matrix_services.matrix_create(
        actor=org_tree.hr_user,
        title="Quality department duties",
        kind=MatrixKind.POST,
        posts=[org_tree.qa_head_post, org_tree.qa_engineer_post],
        clauses=[],
        steps=["Release the first article"],
    )
    assert [c.label for c in matrix.columns.all()] == ["Quality manager", "QA engineer"]
    with pytest.raises(ValidationError):
        matrix_services.matrix_add_column(actor=org_tree.hr_user, matrix=matrix, department=org_tree.qa)
