"""Matrix pages: everybody logged in reads the company matrix in force; drafts are for HR,
administrators, the general and the quality manager (404 for others); one click on a cell
(JSON for matrix.js, or a plain form POST) saves it; the workflow buttons post to services."""

# ruff: noqa: F811
import pytest
from django.urls import reverse

from responsibilities import matrix_services
from responsibilities.choices import CellValue, DocumentStatus
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


@pytest.fixture(autouse=True)
def _in_english(english_pages):
    """These tests compare messages with the English source strings: pages in English."""


COMPANY = reverse("responsibilities:matrix")


def cell_url(matrix):
    return reverse("responsibilities:matrix_cell", args=[matrix.pk])


def test_anonymous_is_sent_to_login(client, effective_matrix):
    for url in (COMPANY, effective_matrix.get_absolute_url(), reverse("responsibilities:matrix_xlsx")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(cell_url(effective_matrix), {"cell": "1:1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_reads_the_effective_company_matrix(client, effective_matrix, org_tree, english):
    client.force_login(org_tree.operator)
    response = client.get(COMPANY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "QR-RM-01" in html and "V1.0" in html
    assert "Quality responsibility matrix" in html
    assert 'name="cell"' not in html  # read only
    assert html.count("●") >= 3


def test_staff_gets_404_for_a_draft_and_hr_sees_it(client, company_matrix, org_tree):
    client.force_login(org_tree.operator)
    assert client.get(company_matrix.get_absolute_url()).status_code == 404
    client.force_login(org_tree.auditor)
    assert client.get(company_matrix.get_absolute_url()).status_code == 404
    client.force_login(org_tree.hr_user)
    response = client.get(company_matrix.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('name="cell"') == 3 * 4


def test_company_page_without_a_matrix_offers_hr_to_create_it(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.get(COMPANY)
    assert reverse("responsibilities:matrix_create") in response.content.decode()
    client.force_login(org_tree.operator)
    assert reverse("responsibilities:matrix_create") not in client.get(COMPANY).content.decode()


def test_company_page_filters_by_department_and_clause_group(client, effective_matrix, org_tree):
    client.force_login(org_tree.auditor)
    response = client.get(COMPANY, {"department": org_tree.qa.pk})
    grid = response.context["grid"]
    assert [c.department.code for c in grid.columns] == ["QA"]
    assert [r.row.clause.number for r in grid.rows] == ["4.1", "6.3"]
    response = client.get(COMPANY, {"group": 8})
    assert [r.row.clause.number for r in response.context["grid"].rows] == ["8.4"]


def test_cell_click_answers_json_with_the_row_checks(client, company_matrix, org_tree, english):
    client.force_login(org_tree.hr_user)
    r, c = row(company_matrix, "8.4"), column(company_matrix, "QA")
    response = client.post(cell_url(company_matrix), {"cell": f"{r.pk}:{c.pk}"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["value"] == "lead" and data["symbol"] == "●" and data["problems"] == []
    assert c.pk not in data["empty_columns"]
    gm_column = column(company_matrix, "GM")
    response = client.post(cell_url(company_matrix), {"cell": f"{r.pk}:{gm_column.pk}"}, HTTP_ACCEPT="application/json")
    assert response.json()["problems"] == ["Two leads: 2 departments lead this row."]
    cell = MatrixCell.objects.get(row=r, column=c)
    assert cell.value == CellValue.LEAD
    assert cell.history.get().history_user == org_tree.hr_user


def test_cell_click_without_javascript_redirects_back_to_the_row(client, company_matrix, org_tree):
    client.force_login(org_tree.admin_user)
    r, c = row(company_matrix, "4.1"), column(company_matrix, "GM")
    response = client.post(cell_url(company_matrix), {"cell": f"{r.pk}:{c.pk}"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{company_matrix.get_absolute_url()}#row-{r.pk}")
    assert MatrixCell.objects.get(row=r, column=c).value == CellValue.LEAD


def test_cell_get_is_405(client, company_matrix, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.get(cell_url(company_matrix)).status_code == 405


@pytest.mark.parametrize("who", ["qa_head", "prod_head"])
def test_cell_click_by_non_hr_is_404_or_403(client, effective_matrix, company_matrix, org_tree, who, gm_user):
    client.force_login(getattr(org_tree, who))
    r, c = row(effective_matrix, "4.1"), column(effective_matrix, "GM")
    response = client.post(cell_url(effective_matrix), {"cell": f"{r.pk}:{c.pk}"})
    assert response.status_code == 403
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    assert client.post(cell_url(draft), {"cell": "1:1"}).status_code == 404


def test_general_manager_may_read_a_draft_but_not_edit_it(client, company_matrix, org_tree, gm_user):
    client.force_login(gm_user)
    assert client.get(company_matrix.get_absolute_url()).status_code == 200
    r, c = row(company_matrix, "4.1"), column(company_matrix, "GM")
    assert client.post(cell_url(company_matrix), {"cell": f"{r.pk}:{c.pk}"}).status_code == 403
    assert not MatrixCell.objects.exists()


def test_cell_of_an_effective_matrix_is_refused_with_a_message(client, effective_matrix, org_tree, english):
    client.force_login(org_tree.hr_user)
    r, c = row(effective_matrix, "4.1"), column(effective_matrix, "GM")
    response = client.post(cell_url(effective_matrix), {"cell": f"{r.pk}:{c.pk}"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert "Start a new version" in response.json()["error"]
    assert effective_matrix.cells.get(row=r, column=c).value == CellValue.LEAD


def test_cell_of_another_matrix_is_404(client, company_matrix, effective_matrix, org_tree):
    client.force_login(org_tree.hr_user)
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    r, c = row(effective_matrix, "4.1"), column(effective_matrix, "GM")
    assert client.post(cell_url(draft), {"cell": f"{r.pk}:{c.pk}"}).status_code == 404


def test_hr_creates_a_matrix_from_the_form(client, org_tree, clauses):
    client.force_login(org_tree.hr_user)
    response = client.post(
        reverse("responsibilities:matrix_create"),
        {"title": "Complaint handling", "kind": "process", "scheme": "raci", "steps": "Register\nAnalyse\n"},
    )
    matrix = Matrix.objects.get(title="Complaint handling")
    assert response.status_code == 302 and response["Location"] == matrix.get_absolute_url()
    assert [r.text for r in matrix.rows.all()] == ["Register", "Analyse"]
    assert matrix.columns.count() == 4 and matrix.scheme == "raci"
    client.force_login(org_tree.qa_head)
    assert client.post(reverse("responsibilities:matrix_create"), {"title": "x"}).status_code == 403


def test_post_level_matrix_form_needs_a_department(client, org_tree, clauses, english):
    client.force_login(org_tree.hr_user)
    response = client.post(
        reverse("responsibilities:matrix_create"), {"title": "Duties", "kind": "post", "scheme": "lead_assist"}
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Matrix.objects.exists()


def test_add_row_and_column(client, org_tree, clauses):
    matrix = matrix_services.matrix_create(
        actor=org_tree.hr_user, title="Process", kind="process", departments=[org_tree.qa], steps=["One"]
    )
    client.force_login(org_tree.hr_user)
    client.post(reverse("responsibilities:matrix_add_row", args=[matrix.pk]), {"text": "Two"})
    client.post(reverse("responsibilities:matrix_add_column", args=[matrix.pk]), {"department": org_tree.prod.pk})
    assert [r.text for r in matrix.rows.all()] == ["One", "Two"]
    assert [c.department for c in matrix.columns.all()] == [org_tree.qa, org_tree.prod]


def test_workflow_submit_decide_and_new_version_through_the_pages(client, company_matrix, org_tree, gm_user):
    fill(company_matrix, org_tree.hr_user, CLEAN)
    client.force_login(org_tree.hr_user)
    client.post(reverse("responsibilities:matrix_submit", args=[company_matrix.pk]))
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.IN_REVIEW
    decide = reverse("responsibilities:matrix_decide", args=[company_matrix.pk])
    assert client.get(decide).status_code == 403
    client.force_login(gm_user)
    assert client.get(decide).status_code == 200
    response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 302
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.EFFECTIVE and company_matrix.approved_by == gm_user
    assert company_matrix.history.filter(status="approved", history_user=gm_user).exists()
    client.force_login(org_tree.hr_user)
    response = client.post(reverse("responsibilities:matrix_new_version", args=[company_matrix.pk]))
    draft = Matrix.objects.get(version=2)
    assert response["Location"] == draft.get_absolute_url()
    assert draft.cells.count() == len(CLEAN)


def test_return_without_comment_shows_the_error(client, company_matrix, org_tree, qm_user, english):
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    client.force_login(qm_user)
    decide = reverse("responsibilities:matrix_decide", args=[company_matrix.pk])
    response = client.post(decide, {"decision": "return", "comment": ""})
    assert "comment" in response.context["form"].errors
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.IN_REVIEW


def test_history_page_lists_cell_changes(client, company_matrix, org_tree):
    fill(company_matrix, org_tree.hr_user, {("4.1", "GM"): CellValue.LEAD})
    fill(company_matrix, org_tree.hr_user, {("4.1", "GM"): CellValue.ASSIST})
    client.force_login(org_tree.hr_user)
    response = client.get(reverse("responsibilities:matrix_history", args=[company_matrix.pk]))
    changes = response.context["cell_changes"]
    assert [(c["old"], c["new"]) for c in changes] == [("●", "○"), ("", "●")]
    assert changes[0]["column"] == "General management"
    client.force_login(org_tree.operator)
    assert client.get(reverse("responsibilities:matrix_history", args=[company_matrix.pk])).status_code == 404


def test_list_shows_drafts_only_to_those_who_may_read_them(client, effective_matrix, org_tree):
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=effective_matrix)
    client.force_login(org_tree.operator)
    assert list(client.get(reverse("responsibilities:matrix_list")).context["matrices"]) == [effective_matrix]
    client.force_login(org_tree.hr_user)
    assert set(client.get(reverse("responsibilities:matrix_list")).context["matrices"]) == {effective_matrix, draft}


def _big_matrix(org_tree, clauses, n_rows):
    matrix = matrix_services.matrix_create(
        actor=org_tree.hr_user,
        title=f"Big {n_rows}",
        kind="process",
        departments=org_tree.departments,
        steps=[f"Step {i}" for i in range(n_rows)],
    )
    for r in matrix.rows.all():
        for c in matrix.columns.all()[:2]:
            matrix_services.matrix_set_cell(actor=org_tree.hr_user, matrix=matrix, row=r, column=c, value="assist")
    return matrix


def test_matrix_page_query_count_does_not_grow_with_rows(client, org_tree, clauses, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_tree.hr_user)
    counts = []
    for n_rows in (2, 12):
        matrix = _big_matrix(org_tree, clauses, n_rows)
        with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as queries:
            response = client.get(matrix.get_absolute_url())
        assert len(response.context["grid"].rows) == n_rows
        counts.append(len(queries))
    assert counts[0] == counts[1]
