"""The upload: checks on the raw file before parsing, and the import pages with their rights."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from org.models import Department
from responsibilities import imports
from responsibilities.imports import UploadRejected, check_upload, run_import
from tests.responsibilities.xlsx_helpers import open_xlsx, workbook_bytes

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """Pages and files in English, so they can be compared with the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


GOOD = {"Departments": [["LAB", "Laboratory", "QA", None, None, None, None, None]]}


def _zip(members: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _refused(data, filename="org.xlsx"):
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, filename)
    return caught.value.messages[0]


def test_openpyxl_parses_through_defusedxml():
    from defusedxml.ElementTree import fromstring as defused_fromstring

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.fromstring is defused_fromstring


def test_an_xml_entity_bomb_inside_the_workbook_is_refused_as_damaged(org_tree):
    data = workbook_bytes(GOOD)
    source = zipfile.ZipFile(io.BytesIO(data))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>'
    )
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    members["xl/workbook.xml"] = bomb
    with pytest.raises(UploadRejected, match="damaged"):
        run_import(actor=org_tree.hr_user, data=_zip(members), filename="bomb.xlsx")


def test_a_good_workbook_passes_the_checks():
    check_upload(workbook_bytes(GOOD), "org.xlsx")


def test_a_file_that_is_not_a_zip_is_refused():
    assert _refused(b"%PDF-1.7 not a workbook") == "This is not an Excel workbook (.xlsx)."
    assert _refused("code,name\nQA,质量部\n".encode(), "org.xlsx") == "This is not an Excel workbook (.xlsx)."


def test_only_the_xlsx_extension_is_accepted():
    data = workbook_bytes(GOOD)
    for name in ("org.xls", "org.xlsm", "org.csv"):
        assert "Only Excel workbooks (.xlsx)" in _refused(data, name)


def test_a_corrupted_workbook_is_refused():
    data = workbook_bytes(GOOD)
    assert _refused(data[: len(data) // 2]) == "The workbook is damaged and cannot be read."


def test_a_zip_that_is_not_a_workbook_is_refused():
    assert _refused(_zip({"readme.txt": "hello"})) == "This is not an Excel workbook (.xlsx)."


def test_a_workbook_with_macros_is_refused():
    data = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": b"\0" * 10})
    assert "macros" in _refused(data)


def test_an_oversized_file_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(imports, "load_workbook", _must_not_be_called)
    data = b"PK\x03\x04" + b"\0" * imports.MAX_UPLOAD_BYTES
    assert "at most 5 MB" in _refused(data)


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking(monkeypatch, org_tree):
    monkeypatch.setattr(imports, "load_workbook", _must_not_be_called)
    data = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024),
        }
    )
    assert len(data) < 1024 * 1024  # sixty megabytes of zeros pack into a few dozen kilobytes
    assert "zip bomb" in _refused(data)
    with pytest.raises(UploadRejected):
        run_import(actor=org_tree.hr_user, data=data, filename="bomb.xlsx")


def _must_not_be_called(*args, **kwargs):
    raise AssertionError("the workbook was opened")


# The pages ---------------------------------------------------------------------------------


def _upload(client, data, name="org.xlsx", **extra):
    return client.post(reverse("responsibilities:import"), {"file": io.BytesIO(data) and _named(data, name), **extra})


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_anonymous_users_are_sent_to_log_in(client, org_tree):
    for name in ("import", "import_template", "spreadsheets", "duties_export"):
        response = client.get(reverse(f"responsibilities:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["operator", "prod_head", "qa_head", "auditor", "no_employee_user"])
def test_only_hr_and_administrators_may_import(client, org_tree, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(reverse("responsibilities:import")).status_code == 403
    assert client.get(reverse("responsibilities:import_template")).status_code == 403
    assert _upload(client, workbook_bytes(GOOD)).status_code == 403
    assert not Department.objects.filter(code="LAB").exists()


@pytest.mark.parametrize("who", ["hr_user", "admin_user"])
def test_hr_and_administrators_import_a_workbook_and_see_the_counts(client, org_tree, who):
    client.force_login(getattr(org_tree, who))
    page = client.get(reverse("responsibilities:import"))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    assert b"data-working=" in page.content

    response = _upload(client, workbook_bytes(GOOD))

    assert response.status_code == 200
    counts = response.context["counts"]
    assert [(label, c.created, c.updated, c.unchanged) for label, c in counts] == [("部门 Departments", 1, 0, 0)]
    assert Department.objects.get(code="LAB").history.get().history_user == getattr(org_tree, who)
    assert "Imported: 1 rows created or updated." in [str(m) for m in response.context["messages"]]


def test_the_result_page_lists_every_error_with_sheet_row_and_column(client, org_tree):
    client.force_login(org_tree.hr_user)
    bad = {"Posts": [["NP-01", "New post", "GHOST", None, 1, None, None, None, None, None]]}

    response = _upload(client, workbook_bytes(bad))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert '<td>岗位 Posts</td><td class="num">2</td><td>C 所属部门编码 Department code</td>' in html
    assert "“GHOST” is neither in this file nor in the system." in html


def test_a_refused_file_is_shown_as_a_form_error(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = _upload(client, b"%PDF-1.4", name="org.xlsx")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This is not an Excel workbook (.xlsx)."]


def test_check_only_writes_nothing(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = _upload(client, workbook_bytes(GOOD), dry_run="on")
    assert "Check only: nothing was written" in response.content.decode()
    assert not Department.objects.filter(code="LAB").exists()


def test_get_is_the_only_method_of_the_template_download(client, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.post(reverse("responsibilities:import_template")).status_code == 405


def test_the_template_has_every_sheet_with_bilingual_headers_and_drop_down_lists(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.get(reverse("responsibilities:import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    wb = open_xlsx(response.content)
    assert wb.sheetnames == ["README", "Departments", "Posts", "Employees", "Assignments", "Duties", "Matrix"]
    posts = wb["Posts"]
    assert posts["A1"].value == "岗位编码\nPost code"
    assert posts["A1"].comment is not None
    assert posts.freeze_panes == "A2"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in posts.data_validations.dataValidation}
    assert lists["F2"] == '"junior,professional,senior,management"'
    assert lists["G2"] == '"是,否"'
    assert "Rows are matched by department code" in " ".join(str(c.value) for c in wb["README"]["A"])
    # The example rows import as they are.
    assert [c.value for c in wb["Posts"][2]][:3] == ["QA-01", "质量部经理", "QA"]


def test_the_current_organisation_download_holds_the_live_rows(client, org_tree, django_assert_max_num_queries):
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("responsibilities:import_template") + "?current=1")
    wb = open_xlsx(response.content)
    codes = [row[0] for row in wb["Posts"].iter_rows(min_row=2, values_only=True)]
    assert codes == [
        p.code for p in sorted(org_tree.posts, key=lambda p: (p.department.sort_order, p.sort_order, p.code))
    ]
    numbers = {row[0] for row in wb["Assignments"].iter_rows(min_row=2, values_only=True)}
    assert org_tree.operator.employee.number in numbers


def test_the_import_export_page_lists_what_the_user_may_download(client, org_tree):
    from org.models import Assignment  # noqa: F401 - the page needs nothing else

    client.force_login(org_tree.auditor)
    html = client.get(reverse("responsibilities:spreadsheets")).content.decode()
    assert reverse("responsibilities:duties_export") in html
    assert reverse("responsibilities:import") not in html
    assert reverse("org:post_incumbents_export") in html

    client.force_login(org_tree.hr_user)
    html = client.get(reverse("responsibilities:spreadsheets")).content.decode()
    assert reverse("responsibilities:import") in html and reverse("responsibilities:import_template") in html
    assert reverse("responsibilities:matrix_xlsx") in html

    client.force_login(org_tree.operator)
    assert client.get(reverse("responsibilities:spreadsheets")).status_code == 403


def test_the_menu_entry_shows_for_hr_auditors_and_quality_not_for_staff(client, org_tree):
    from django.contrib.auth.models import Group

    from org.choices import Role

    url = reverse("responsibilities:spreadsheets")
    for user, shown in ((org_tree.hr_user, True), (org_tree.auditor, True), (org_tree.operator, False)):
        client.force_login(user)
        assert (f'href="{url}"' in client.get(reverse("home")).content.decode()) is shown
    org_tree.qa_engineer.groups.add(Group.objects.get(name=Role.QA_ENGINEER.value))
    client.force_login(org_tree.qa_engineer)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
