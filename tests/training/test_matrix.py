"""The training matrix: statuses per employee × required course, filters, permissions,
constant query count, the print-ready workbook."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from org.models import today
from tests.factories import AssignmentFactory, EmployeeFactory, PostFactory
from training.choices import CellStatus
from training.models import add_months
from training.selectors import training_matrix

pytestmark = pytest.mark.django_db

#: Session, user, roles, navigation, and the matrix's own queries (assignments, courses,
#: required training, special posts, qualifications, filter choices).
MATRIX_PAGE_QUERIES = 17


def row_of(matrix, employee):
    return next(r for r in matrix.rows if r.employee == employee)


def statuses(matrix, row):
    return {c.code: cell.status for c, cell in zip(matrix.columns, row.cells, strict=True)}


def test_cells_show_valid_expiring_expired_missing_and_not_required(
    org_tree, catalogue, operator_jd, forklift_post, qualify
):
    operator = org_tree.operator.employee
    driver = EmployeeFactory(name="Dora Driver")
    AssignmentFactory(employee=driver, post=forklift_post)
    colleague = EmployeeFactory(name="Carl Colleague")
    AssignmentFactory(employee=colleague, post=org_tree.operator_post)
    qualify([operator], catalogue.press, day=add_months(today(), -11))  # runs out within 60 days
    qualify([operator, driver], catalogue.induction, day=today() - datetime.timedelta(days=300))
    qualify([driver], catalogue.forklift, day=add_months(today(), -25))  # expired
    qualify([colleague], catalogue.press, day=today() - datetime.timedelta(days=10))

    matrix = training_matrix(org_tree.hr_user)
    assert [c.code for c in matrix.columns] == ["IND", "FORK", "PRESS"]
    assert statuses(matrix, row_of(matrix, operator)) == {
        "IND": CellStatus.VALID,
        "FORK": CellStatus.NOT_REQUIRED,
        "PRESS": CellStatus.EXPIRING,
    }
    assert statuses(matrix, row_of(matrix, driver)) == {
        "IND": CellStatus.VALID,
        "FORK": CellStatus.EXPIRED,
        "PRESS": CellStatus.NOT_REQUIRED,
    }
    colleague_row = row_of(matrix, colleague)
    assert statuses(matrix, colleague_row)["IND"] == CellStatus.MISSING
    assert not colleague_row.released and row_of(matrix, operator).released
    assert row_of(matrix, operator).meets_all and not row_of(matrix, driver).meets_all
    # Grouped by department, then post.
    w1_posts = {d.code: posts for d, posts in matrix.groups}["PROD-W1"]
    assert [p.code for p, _rows in w1_posts] == ["W1-02", "W1-03"]


def test_head_sees_only_the_staff_of_their_branch(org_tree, catalogue):
    matrix = training_matrix(org_tree.prod_head)
    names = {r.employee.name for r in matrix.rows}
    assert "Otto Operator" in names and "Paul Production" in names
    assert "Erin Engineer" not in names


def test_filters_by_department_course_and_status(org_tree, catalogue, operator_jd, qualify):
    qualify([org_tree.operator.employee], catalogue.press)
    matrix = training_matrix(org_tree.hr_user, department=org_tree.prod)
    assert {r.department.code for r in matrix.rows} == {"PROD", "PROD-W1"}
    matrix = training_matrix(org_tree.hr_user, course=catalogue.press)
    assert [c.code for c in matrix.columns] == ["PRESS"]
    matrix = training_matrix(org_tree.hr_user, status=CellStatus.VALID)
    assert [r.employee.name for r in matrix.rows if any(c.status == "valid" for c in r.cells)] == ["Otto Operator"]
    assert {r.employee.name for r in matrix.rows} == {"Otto Operator"}


def _grow(org_tree, n):
    post = PostFactory(department=org_tree.w1, headcount=n, code=f"BIG{n}", title=f"Big {n}")
    for i in range(n):
        AssignmentFactory(employee=EmployeeFactory(name=f"Worker {n}-{i}"), post=post)


def test_matrix_page_query_count_does_not_grow_with_staff(
    client, org_tree, catalogue, operator_jd, qualify, django_assert_num_queries
):
    client.force_login(org_tree.hr_user)
    qualify([org_tree.operator.employee], catalogue.press)
    with django_assert_num_queries(MATRIX_PAGE_QUERIES):
        small = client.get("/training/matrix/")
    _grow(org_tree, 40)
    with django_assert_num_queries(MATRIX_PAGE_QUERIES):
        big = client.get("/training/matrix/")
    assert small.status_code == big.status_code == 200
    assert big.content.decode().count('data-employee="') == small.content.decode().count('data-employee="') + 40


def test_matrix_page_shows_statuses_and_unmatched_requirements(client, org_tree, catalogue, operator_jd, qualify):
    from responsibilities.models import RequiredTraining

    RequiredTraining.objects.create(job_description=operator_jd, name="Crane signalling")
    qualify([org_tree.operator.employee], catalogue.press)
    client.force_login(org_tree.hr_user)
    html = client.get("/training/matrix/").content.decode()
    assert 'data-employee="' + org_tree.operator.employee.number + '"' in html
    assert 'data-status="valid"' in html and 'data-status="missing"' in html
    assert "Crane signalling" in html


def test_matrix_is_closed_to_staff_and_anonymous(client, org_tree):
    assert client.get("/training/matrix/").status_code == 302
    client.force_login(org_tree.operator)
    assert client.get("/training/matrix/").status_code == 403
    assert client.get("/training/matrix.xlsx").status_code == 403


def test_matrix_workbook_is_print_ready_and_matches_the_page(
    client, org_tree, catalogue, operator_jd, qualify, django_assert_max_num_queries
):
    qualify([org_tree.operator.employee], catalogue.press, day=today() - datetime.timedelta(days=5))
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(14):
        response = client.get("/training/matrix.xlsx?department=" + str(org_tree.w1.pk))
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in ws[2]]
    assert header[:5] == ["Department", "Post", "Employee number", "Name", "Released for duty"]
    assert header[5:] == ["Induction", "Press safety"]
    rows = {r[3]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[3]}
    valid_until = add_months(today() - datetime.timedelta(days=5), 12).isoformat()
    assert rows["Otto Operator"][6] == f"Valid {valid_until}"
    assert rows["Otto Operator"][5] == "Missing"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2"
    assert ws.freeze_panes == "F3"
