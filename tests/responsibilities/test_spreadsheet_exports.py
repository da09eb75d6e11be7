"""The workbook of every effective job description's duties and KPIs."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from org.choices import Role
from responsibilities import exports, services
from tests.factories import PostFactory
from tests.responsibilities.xlsx_helpers import effective_jd, open_xlsx, sheet_values

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """Pages and files in English, so they can be compared with the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


DUTIES = [
    {"title": "Run the lathe", "description": "To the drawing", "time_share": 60},
    {"title": '=HYPERLINK("http://evil.example","x")', "description": "@SUM(A1)", "time_share": 20},
]
KPIS = [
    {"name": "First pass yield", "formula": "-1+1", "target": "+98%", "frequency": "monthly", "weight": 70},
    {"name": "Scrap", "formula": "", "target": "<1%", "frequency": "weekly", "weight": 30},
]


@pytest.fixture
def jds(org_tree, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    operator = effective_jd(
        org_tree.operator_post,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        capture=capture,
        duties=DUTIES,
        kpis=KPIS,
    )
    inspector = PostFactory(
        code="W1-03", title="Inspector", department=org_tree.w1, superior=org_tree.w1_head_post, sort_order=5
    )
    inspector_jd = effective_jd(
        inspector,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        capture=capture,
        duties=[{"title": "Review control plans", "description": "", "time_share": 50}],
    )
    # A draft is not in force: its duties stay out of the export.
    draft = services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.w1_head_post)
    services.jd_update(actor=org_tree.hr_user, jd=draft, revision=draft.edit_revision, duties=[{"title": "Draft duty"}])
    return operator, inspector_jd


def test_one_row_per_duty_of_every_effective_job_description(jds):
    wb = open_xlsx(exports.duties_kpis_xlsx())

    assert wb.sheetnames == ["Duties", "KPIs"]
    duties = wb["Duties"]
    assert duties["A1"].value.startswith("Duties of the effective job descriptions")
    assert sheet_values(duties, 2)[0][:9] == [
        "Department code",
        "Department",
        "Post code",
        "Post",
        "Document number",
        "Version",
        "Effective date",
        "No.",
        "Duty",
    ]
    rows = sheet_values(duties, 3)
    assert [(r[2], r[7], r[8], r[10]) for r in rows] == [
        ("W1-02", 1, "Run the lathe", 60),
        ("W1-02", 2, DUTIES[1]["title"], 20),
        ("W1-03", 1, "Review control plans", 50),
    ]
    assert rows[0][4:6] == ["JD-W1-02", "V1.0"]
    assert rows[0][11] == "First pass yield: +98% (70 %)\nScrap: <1% (30 %)"
    assert "Draft duty" not in str(rows)
    kpis = sheet_values(wb["KPIs"], 3)
    assert [(r[2], r[8], r[9], r[10], r[11], r[12]) for r in kpis] == [
        ("W1-02", "First pass yield", "-1+1", "+98%", "Monthly", 70),
        ("W1-02", "Scrap", None, "<1%", "Weekly", 30),
    ]


def test_formula_like_texts_are_text_cells_and_numbers_stay_numbers(jds):
    wb = open_xlsx(exports.duties_kpis_xlsx())
    ws = wb["Duties"]
    injected = ws.cell(row=4, column=9)
    assert injected.value == DUTIES[1]["title"] and injected.data_type == "s"
    assert ws.cell(row=4, column=10).value == "@SUM(A1)" and ws.cell(row=4, column=10).data_type == "s"
    assert ws.cell(row=4, column=11).value == 20 and ws.cell(row=4, column=11).data_type == "n"
    kpi = wb["KPIs"]
    assert kpi.cell(row=3, column=10).value == "-1+1" and kpi.cell(row=3, column=10).data_type == "s"
    assert kpi.cell(row=3, column=11).value == "+98%" and kpi.cell(row=3, column=11).data_type == "s"


def test_the_workbook_is_set_up_for_printing(jds):
    ws = open_xlsx(exports.duties_kpis_xlsx())["Duties"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"
    assert ws.freeze_panes == "A3"
    assert ws.oddFooter.right.text == "&P / &N"
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}


def test_the_export_uses_openpyxls_write_only_mode(jds, monkeypatch):
    from core import spreadsheet

    made = []
    original = spreadsheet.new_write_only_workbook

    def spy():
        wb = original()
        made.append(wb)
        return wb

    monkeypatch.setattr(spreadsheet, "new_write_only_workbook", spy)
    exports.duties_kpis_xlsx()
    assert made and made[0].write_only


def test_query_count_does_not_grow_with_the_number_of_job_descriptions(
    org_tree, jds, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_assert_num_queries(3):
        exports.duties_kpis_xlsx()
    for n in range(4):
        post = PostFactory(code=f"W1-1{n}", department=org_tree.w1, superior=org_tree.w1_head_post)
        effective_jd(
            post,
            editor=org_tree.hr_user,
            approver=org_tree.prod_head,
            capture=django_capture_on_commit_callbacks,
            duties=DUTIES,
            kpis=KPIS,
        )
    with django_assert_num_queries(3):
        content = exports.duties_kpis_xlsx()
    assert len(sheet_values(open_xlsx(content)["Duties"], 3)) == 3 + 4 * 2


@pytest.mark.parametrize("who", ["hr_user", "admin_user", "auditor"])
def test_hr_administrators_and_auditors_download_it(client, org_tree, jds, who):
    client.force_login(getattr(org_tree, who))
    response = client.get(reverse("responsibilities:duties_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="duties-kpis-')
    assert open_xlsx(response.content).sheetnames == ["Duties", "KPIs"]


@pytest.mark.parametrize("role", [Role.QUALITY_MANAGER, Role.QA_ENGINEER])
def test_the_quality_department_downloads_it(client, org_tree, jds, role):
    org_tree.qa_engineer.groups.add(Group.objects.get(name=role.value))
    client.force_login(org_tree.qa_engineer)
    assert client.get(reverse("responsibilities:duties_export")).status_code == 200


@pytest.mark.parametrize("who", ["operator", "prod_head", "no_employee_user"])
def test_staff_and_department_heads_are_refused(client, org_tree, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(reverse("responsibilities:duties_export")).status_code == 403


def test_the_view_runs_in_a_constant_number_of_queries(client, org_tree, jds, django_assert_max_num_queries):
    client.force_login(org_tree.auditor)
    with django_assert_max_num_queries(12):
        client.get(reverse("responsibilities:duties_export"))
