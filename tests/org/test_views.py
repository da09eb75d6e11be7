"""The organisation pages doing their job: read back what a form wrote, show clear errors,
build the chart and the lists in a fixed number of queries.

Who may open which page is in ``test_views_permissions.py``. The pages are requested in
English (language cookie), so messages are compared with their source text.
"""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from guardian.shortcuts import assign_perm

from org.models import Assignment, Department, Employee, Post, PostRelation, today
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    PostRelationFactory,
    UserFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def hr_client(client, org_tree):
    client.force_login(org_tree.hr_user)
    return client


def form_data(response, **overrides):
    """POST data for the form in ``response.context``, as a browser would send it unchanged."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value == "" or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        data[name] = value
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def text(response):
    return response.content.decode()


def form_errors(response):
    """Every error message of the re-rendered form, field and non-field, as one list."""
    form = response.context["form"]
    return [str(m) for errors in form.errors.values() for m in errors]


def latest_history(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# Chart -----------------------------------------------------------------------------------


def test_chart_shows_departments_holders_and_vacant_seats(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"))
    assert response.status_code == 200
    body = text(response)
    for name in ("General management", "Quality", "Production", "Workshop 1"):
        assert name in body
    for holder in ("Quinn Quality", "Erin Engineer", "Paul Production", "Otto Operator"):
        assert holder in body
    # Seats 1+1+2+1+1+3 = 9, four holders; vacant: GM 1, QA engineer 1, W1 lead 1, operator 2.
    assert response.context["totals"] == (9, 4, 5)
    assert body.count('class="badge vacant"') == 5
    assert "head: Paul Production" in body


def test_chart_as_of_a_past_day_shows_the_earlier_holder(hr_client, org_tree):
    olga = EmployeeFactory(name="Olga Old")
    AssignmentFactory(employee=olga, post=org_tree.qa_head_post, start=days_ago(800), end=days_ago(366))

    past = hr_client.get(reverse("org:chart"), {"as_of": days_ago(500).isoformat()})
    assert past.status_code == 200
    assert past.context["day"] == days_ago(500)
    assert past.context["is_past"] is True
    assert "Olga Old" in text(past)
    assert "Quinn Quality" not in text(past)
    assert "past organisation" in text(past)

    now = hr_client.get(reverse("org:chart"))
    assert "Quinn Quality" in text(now)
    assert "Olga Old" not in text(now)


def test_chart_before_the_company_existed_is_empty(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"), {"as_of": "2000-01-01"})
    assert response.status_code == 200
    assert "No departments on this date." in text(response)


def test_chart_search_keeps_only_matching_branches(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"), {"q": "otto"})
    body = text(response)
    assert response.status_code == 200
    assert "Otto Operator" in body
    assert "Workshop 1" in body
    assert "Quinn Quality" not in body
    assert f'id="dept-{org_tree.qa.pk}"' not in body


def test_chart_search_without_match_says_so(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"), {"q": "nobody-has-this-name"})
    assert response.status_code == 200
    assert "Nothing matches this search." in text(response)


def test_chart_root_shows_one_branch(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"), {"root": org_tree.prod.pk})
    body = text(response)
    assert response.status_code == 200
    assert "Org chart: Production" in body
    assert f'id="dept-{org_tree.prod.pk}"' in body
    assert f'id="dept-{org_tree.w1.pk}"' in body
    assert f'id="dept-{org_tree.qa.pk}"' not in body
    assert f'id="dept-{org_tree.gm.pk}"' not in body
    # Production: manager 1 + lead 1 + operator 3 seats, 2 held.
    assert response.context["totals"] == (5, 2, 3)


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "not-a-date"},
        {"as_of": "2024-02-30"},
        {"as_of": "9999-99-99", "q": "x" * 500},
        {"root": "abc"},
        {"root": "999999"},
    ],
)
def test_chart_bad_parameters_do_not_crash(hr_client, org_tree, params):
    response = hr_client.get(reverse("org:chart"), params)
    assert response.status_code == 200
    assert response.context["day"] == today()


def test_chart_bad_date_shows_the_form_error_and_today(hr_client, org_tree):
    response = hr_client.get(reverse("org:chart"), {"as_of": "not-a-date"})
    assert "Enter a valid date." in text(response)
    assert "Otto Operator" in text(response)


# Departments -----------------------------------------------------------------------------


def test_department_list_shows_current_departments_with_counts(hr_client, org_tree):
    closed = DepartmentFactory(code="OLD", name="Old sales", parent=org_tree.gm, valid_to=days_ago(10))
    response = hr_client.get(reverse("org:department_list"))
    assert response.status_code == 200
    rows = dict(response.context["rows"])
    assert rows[org_tree.w1] == (4, 1, 3)
    assert rows[org_tree.qa] == (3, 2, 1)
    assert closed not in rows
    assert "Old sales" not in text(response)

    with_closed = hr_client.get(reverse("org:department_list"), {"closed": "1"})
    assert "Old sales" in text(with_closed)


def test_department_detail_shows_head_posts_and_people(hr_client, org_tree):
    response = hr_client.get(reverse("org:department_detail", args=[org_tree.prod.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "Production manager" in body
    assert "Paul Production" in body
    assert "Workshop 1" in body  # sub-department
    assert response.context["head"].post.pk == org_tree.prod_head_post.pk


def test_hr_creates_a_department(hr_client, org_tree):
    page = hr_client.get(reverse("org:department_create"), {"parent": org_tree.qa.pk})
    assert page.status_code == 200
    assert page.context["form"]["parent"].value() == str(org_tree.qa.pk)
    data = form_data(page, code="QA-LAB", name="Laboratory", purpose="Testing", valid_from=today().isoformat())
    response = hr_client.post(reverse("org:department_create"), data)

    lab = Department.objects.get(code="QA-LAB")
    assert response.status_code == 302
    assert response["Location"] == lab.get_absolute_url()
    assert (lab.name, lab.parent, lab.purpose, lab.valid_from) == (
        "Laboratory",
        org_tree.qa,
        "Testing",
        today(),
    )
    record = latest_history(lab)
    assert record.history_type == "+"
    assert record.history_user == org_tree.hr_user


def test_department_create_with_a_taken_code_is_refused(hr_client, org_tree):
    response = hr_client.post(
        reverse("org:department_create"),
        {"code": "QA", "name": "Second quality", "parent": org_tree.gm.pk, "sort_order": 0},
    )
    assert response.status_code == 200
    assert "Department with this Code already exists." in form_errors(response)
    assert not Department.objects.filter(name="Second quality").exists()


def test_department_create_before_the_parent_existed_is_refused(hr_client, org_tree):
    response = hr_client.post(
        reverse("org:department_create"),
        {
            "code": "ANC",
            "name": "Ancient",
            "parent": org_tree.gm.pk,
            "sort_order": 0,
            "valid_from": "2000-01-01",
        },
    )
    assert response.status_code == 200
    assert "The parent department is not valid over this department's dates." in form_errors(response)
    assert not Department.objects.filter(code="ANC").exists()


def test_hr_renames_a_department_and_changes_its_head_post(hr_client, org_tree):
    url = reverse("org:department_update", args=[org_tree.qa.pk])
    page = hr_client.get(url)
    response = hr_client.post(
        url, form_data(page, name="Quality assurance", head_post=str(org_tree.qa_engineer_post.pk))
    )
    assert response.status_code == 302
    org_tree.qa.refresh_from_db()
    assert org_tree.qa.name == "Quality assurance"
    assert org_tree.qa.head_post == org_tree.qa_engineer_post
    record = latest_history(org_tree.qa)
    assert record.history_type == "~"
    assert record.history_user == org_tree.hr_user


def test_department_cannot_become_its_own_parent(hr_client, org_tree):
    url = reverse("org:department_update", args=[org_tree.qa.pk])
    page = hr_client.get(url)
    # QA is itself valid today, so it is among the choices; the model refuses it.
    response = hr_client.post(url, form_data(page, parent=str(org_tree.qa.pk)))
    assert response.status_code == 200
    assert "A department cannot be its own parent." in form_errors(response)
    org_tree.qa.refresh_from_db()
    assert org_tree.qa.parent == org_tree.gm


def test_department_parent_cycle_is_refused(hr_client, org_tree):
    url = reverse("org:department_update", args=[org_tree.prod.pk])
    page = hr_client.get(url)
    response = hr_client.post(url, form_data(page, parent=str(org_tree.w1.pk)))
    assert response.status_code == 200
    assert any("would make a cycle" in m for m in form_errors(response))
    org_tree.prod.refresh_from_db()
    assert org_tree.prod.parent == org_tree.gm


def test_department_head_post_must_belong_to_the_department(hr_client, org_tree):
    url = reverse("org:department_update", args=[org_tree.qa.pk])
    page = hr_client.get(url)
    response = hr_client.post(url, form_data(page, head_post=str(org_tree.operator_post.pk)))
    assert response.status_code == 200
    assert form_errors(response)  # not among the choices
    org_tree.qa.refresh_from_db()
    assert org_tree.qa.head_post == org_tree.qa_head_post


def test_hr_closes_an_empty_department(hr_client, org_tree):
    empty = DepartmentFactory(code="EMPTY", name="Empty", parent=org_tree.gm)
    url = reverse("org:department_close", args=[empty.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, reason="Merged into Quality"))
    assert response.status_code == 302
    empty.refresh_from_db()
    assert (empty.valid_to, empty.close_reason) == (today(), "Merged into Quality")
    record = latest_history(empty)
    assert record.history_user == org_tree.hr_user
    assert record.history_change_reason == "Merged into Quality"


def test_closing_a_department_with_posts_names_them(hr_client, org_tree):
    url = reverse("org:department_close", args=[org_tree.qa.pk])
    response = hr_client.post(url, {"valid_to": today().isoformat(), "reason": "Reorganisation"})
    assert response.status_code == 200
    [message] = form_errors(response)
    assert message.startswith("Close or move these first")
    assert "Quality manager (QA-01)" in message
    assert "QA engineer (QA-02)" in message
    assert "Close or move these first" in text(response)
    org_tree.qa.refresh_from_db()
    assert org_tree.qa.valid_to is None


def test_closing_a_department_needs_a_reason(hr_client, org_tree):
    empty = DepartmentFactory(code="EMPTY", parent=org_tree.gm)
    response = hr_client.post(
        reverse("org:department_close", args=[empty.pk]), {"valid_to": today().isoformat(), "reason": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in form_errors(response)
    empty.refresh_from_db()
    assert empty.valid_to is None


def test_department_access_page_lists_heads_and_grants(hr_client, org_tree):
    assign_perm("org.manage_department", org_tree.qa_engineer, org_tree.w1)
    response = hr_client.get(reverse("org:department_access", args=[org_tree.w1.pk]))
    body = text(response)
    assert response.status_code == 200
    # W1's own head post is vacant; the head of Production above it counts.
    assert "Paul Production" in body
    assert "Erin Engineer" in body
    assert "Hannah HR" in body  # by role


# Posts -----------------------------------------------------------------------------------


def test_post_list_shows_every_current_post(hr_client, org_tree):
    response = hr_client.get(reverse("org:post_list"))
    assert response.status_code == 200
    assert response.context["total"] == 6
    assert "Otto Operator" in text(response)


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"department": "PROD"}, {"PROD-01", "W1-01", "W1-02"}),
        ({"q": "engineer"}, {"QA-02"}),
        ({"q": "otto"}, {"W1-02"}),
        ({"vacant": "1"}, {"GM-01", "QA-02", "W1-01", "W1-02"}),
        ({"department": "QA", "vacant": "1"}, {"QA-02"}),
        ({"department": "nonsense"}, {"GM-01", "QA-01", "QA-02", "PROD-01", "W1-01", "W1-02"}),
    ],
)
def test_post_list_filters(hr_client, org_tree, params, codes):
    by_code = {d.code: str(d.pk) for d in org_tree.departments}
    params = {k: by_code.get(v, v) if k == "department" else v for k, v in params.items()}
    response = hr_client.get(reverse("org:post_list"), params)
    assert response.status_code == 200
    assert {n.post.code for n in response.context["page"]} == codes


def test_post_detail_shows_holders_and_superior(hr_client, org_tree):
    response = hr_client.get(reverse("org:post_detail", args=[org_tree.operator_post.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "Otto Operator" in body
    assert "Workshop lead" in body
    assert "This post has open seats." in body


def test_hr_creates_a_post(hr_client, org_tree):
    page = hr_client.get(reverse("org:post_create"), {"department": org_tree.qa.pk})
    assert page.status_code == 200
    data = form_data(
        page,
        code="QA-03",
        title="Metrologist",
        superior=str(org_tree.qa_head_post.pk),
        headcount="2",
        is_special="on",
        required_qualification="Calibration certificate",
        rotation_posts=[str(org_tree.qa_engineer_post.pk)],
    )
    response = hr_client.post(reverse("org:post_create"), data)

    post = Post.objects.get(code="QA-03")
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert (post.title, post.department, post.superior, post.headcount, post.is_special) == (
        "Metrologist",
        org_tree.qa,
        org_tree.qa_head_post,
        2,
        True,
    )
    assert list(post.rotation_posts.all()) == [org_tree.qa_engineer_post]
    assert latest_history(post).history_user == org_tree.hr_user


def test_special_post_without_qualification_is_refused(hr_client, org_tree):
    page = hr_client.get(reverse("org:post_create"))
    data = form_data(page, code="QA-04", title="Welder", department=str(org_tree.qa.pk), is_special="on")
    response = hr_client.post(reverse("org:post_create"), data)
    assert response.status_code == 200
    assert "Name the qualification a special post requires." in form_errors(response)
    assert not Post.objects.filter(code="QA-04").exists()


def test_hr_edits_a_post(hr_client, org_tree):
    post = org_tree.operator_post
    url = reverse("org:post_update", args=[post.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, title="Machine operator", headcount="4"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.headcount) == ("Machine operator", 4)
    record = latest_history(post)
    assert record.history_type == "~"
    assert record.history_user == org_tree.hr_user


def test_fewer_seats_than_holders_names_the_holders(hr_client, org_tree):
    post = org_tree.qa_engineer_post
    AssignmentFactory(employee=EmployeeFactory(name="Eve Second"), post=post)
    history_rows = post.history.count()
    url = reverse("org:post_update", args=[post.pk])
    page = hr_client.get(url)
    response = hr_client.post(url, form_data(page, headcount="1", title="Renamed"))

    assert response.status_code == 200
    [message] = response.context["form"].errors["headcount"]
    assert message.startswith("2 people hold this post at the same time")
    assert "Erin Engineer" in message
    assert "Eve Second" in message
    assert "2 people hold this post at the same time" in text(response)
    post.refresh_from_db()
    assert (post.headcount, post.title) == (2, "QA engineer")
    assert post.history.count() == history_rows


def test_post_cannot_report_to_its_subordinate(hr_client, org_tree):
    post = org_tree.w1_head_post
    url = reverse("org:post_update", args=[post.pk])
    page = hr_client.get(url)
    response = hr_client.post(url, form_data(page, superior=str(org_tree.operator_post.pk)))
    assert response.status_code == 200
    assert any("would make a cycle" in m for m in form_errors(response))
    post.refresh_from_db()
    assert post.superior == org_tree.prod_head_post


def test_post_cannot_start_after_its_holders(hr_client, org_tree):
    post = org_tree.operator_post
    started = post.valid_from
    url = reverse("org:post_update", args=[post.pk])
    page = hr_client.get(url)
    response = hr_client.post(url, form_data(page, valid_from=today().isoformat()))
    assert response.status_code == 200
    [message] = response.context["form"].errors["valid_from"]
    assert message.startswith(f"These assignments start before {today():%Y-%m-%d}: Otto Operator")
    post.refresh_from_db()
    assert post.valid_from == started


def test_hr_closes_a_post_without_holders(hr_client, org_tree):
    post = PostFactory(code="W1-09", title="Spare", department=org_tree.w1)
    url = reverse("org:post_close", args=[post.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, reason="Not needed"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.valid_to, post.close_reason) == (today(), "Not needed")
    assert latest_history(post).history_user == org_tree.hr_user


def test_closing_a_held_post_names_the_holder(hr_client, org_tree):
    post = org_tree.qa_engineer_post
    response = hr_client.post(
        reverse("org:post_close", args=[post.pk]), {"valid_to": today().isoformat(), "reason": "Outsourced"}
    )
    assert response.status_code == 200
    [message] = form_errors(response)
    assert message.startswith("End these assignments first")
    assert "Erin Engineer" in message
    post.refresh_from_db()
    assert post.valid_to is None


def test_closing_a_head_post_with_subordinates_is_refused(hr_client, org_tree):
    post = org_tree.w1_head_post
    response = hr_client.post(
        reverse("org:post_close", args=[post.pk]), {"valid_to": today().isoformat(), "reason": "Flatter"}
    )
    assert response.status_code == 200
    [message] = form_errors(response)
    assert "These posts still report to it: Operator (W1-02)" in message
    post.refresh_from_db()
    assert post.valid_to is None


# Dotted lines ----------------------------------------------------------------------------


def test_hr_adds_a_dotted_line(hr_client, org_tree):
    url = reverse("org:relation_create", args=[org_tree.qa_engineer_post.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    data = form_data(page, target=str(org_tree.operator_post.pk), kind="functional", note="Line audits")
    response = hr_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == org_tree.qa_engineer_post.get_absolute_url()
    relation = PostRelation.objects.get(source=org_tree.qa_engineer_post)
    assert (relation.target, relation.kind, relation.note, relation.valid_to) == (
        org_tree.operator_post,
        "functional",
        "Line audits",
        None,
    )
    assert latest_history(relation).history_user == org_tree.hr_user
    detail = hr_client.get(org_tree.qa_engineer_post.get_absolute_url())
    assert "Line audits" in text(detail)


def test_the_same_dotted_line_twice_is_refused(hr_client, org_tree):
    PostRelationFactory(source=org_tree.qa_engineer_post, target=org_tree.operator_post, kind="functional")
    url = reverse("org:relation_create", args=[org_tree.qa_engineer_post.pk])
    response = hr_client.post(
        url, {"target": org_tree.operator_post.pk, "kind": "functional", "valid_from": today().isoformat()}
    )
    assert response.status_code == 200
    assert "This dotted line already exists." in form_errors(response)
    assert PostRelation.objects.count() == 1


def test_a_dotted_line_to_the_post_itself_is_not_offered(hr_client, org_tree):
    post = org_tree.qa_engineer_post
    url = reverse("org:relation_create", args=[post.pk])
    page = hr_client.get(url)
    assert post not in page.context["form"].fields["target"].queryset
    response = hr_client.post(url, {"target": post.pk, "kind": "deputy", "valid_from": today().isoformat()})
    assert response.status_code == 200
    assert "target" in response.context["form"].errors
    assert not PostRelation.objects.exists()


def test_hr_ends_a_dotted_line(hr_client, org_tree):
    relation = PostRelationFactory(source=org_tree.qa_engineer_post, target=org_tree.operator_post)
    response = hr_client.post(reverse("org:relation_end", args=[relation.pk]))
    assert response.status_code == 302
    assert response["Location"] == org_tree.qa_engineer_post.get_absolute_url()
    relation.refresh_from_db()
    assert relation.valid_to == today()
    assert latest_history(relation).history_user == org_tree.hr_user


def test_ending_an_ended_dotted_line_keeps_its_end_date(hr_client, org_tree):
    relation = PostRelationFactory(
        source=org_tree.qa_engineer_post, target=org_tree.operator_post, valid_to=days_ago(30)
    )
    hr_client.post(reverse("org:relation_end", args=[relation.pk]))
    relation.refresh_from_db()
    assert relation.valid_to == days_ago(30)


# Assignments -----------------------------------------------------------------------------


def test_hr_assigns_an_employee(hr_client, org_tree):
    nina = EmployeeFactory(name="Nina New")
    url = reverse("org:assignment_create", args=[org_tree.operator_post.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, employee=str(nina.pk), kind="primary", note="Night shift"))
    assert response.status_code == 302
    assignment = Assignment.objects.get(employee=nina)
    assert (assignment.post, assignment.kind, assignment.start, assignment.end, assignment.note) == (
        org_tree.operator_post,
        "primary",
        today(),
        None,
        "Night shift",
    )
    assert latest_history(assignment).history_user == org_tree.hr_user
    assert "Nina New" in text(hr_client.get(org_tree.operator_post.get_absolute_url()))


def test_full_seats_name_the_holder(hr_client, org_tree):
    nina = EmployeeFactory(name="Nina New")
    url = reverse("org:assignment_create", args=[org_tree.qa_head_post.pk])
    response = hr_client.post(url, {"employee": nina.pk, "kind": "primary", "start": today().isoformat()})
    assert response.status_code == 200
    [message] = form_errors(response)
    assert "Quality manager (QA-01) has 1 seat(s), all taken in that period by Quinn Quality" in message
    assert "assign as acting holder" in message
    assert "all taken in that period by Quinn Quality" in text(response)
    assert not Assignment.objects.filter(employee=nina).exists()


def test_an_acting_holder_may_cover_a_full_post(hr_client, org_tree):
    nina = EmployeeFactory(name="Nina New")
    url = reverse("org:assignment_create", args=[org_tree.qa_head_post.pk])
    response = hr_client.post(url, {"employee": nina.pk, "kind": "acting", "start": today().isoformat()})
    assert response.status_code == 302
    assert Assignment.objects.get(employee=nina).kind == "acting"


def test_a_second_primary_post_is_refused(hr_client, org_tree):
    otto = org_tree.operator.employee
    url = reverse("org:assignment_create", args=[org_tree.qa_engineer_post.pk])
    response = hr_client.post(url, {"employee": otto.pk, "kind": "primary", "start": today().isoformat()})
    assert response.status_code == 200
    [message] = form_errors(response)
    assert "Otto Operator already has the primary post Operator (W1-02)" in message
    assert otto.assignments.count() == 1


def test_assignment_before_hiring_is_refused(hr_client, org_tree):
    nina = EmployeeFactory(name="Nina New", hire_date=today())
    url = reverse("org:assignment_create", args=[org_tree.operator_post.pk])
    response = hr_client.post(url, {"employee": nina.pk, "kind": "primary", "start": days_ago(5).isoformat()})
    assert response.status_code == 200
    assert f"Nina New was hired on {today():%Y-%m-%d}." in form_errors(response)
    assert not Assignment.objects.filter(employee=nina).exists()


def test_hr_ends_an_assignment(hr_client, org_tree):
    assignment = org_tree.operator_assignment
    url = reverse("org:assignment_end", args=[assignment.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, reason="Transferred"))
    assert response.status_code == 302
    assert response["Location"] == org_tree.operator_post.get_absolute_url()
    assignment.refresh_from_db()
    assert (assignment.end, assignment.end_reason) == (today(), "Transferred")
    record = latest_history(assignment)
    assert record.history_user == org_tree.hr_user
    assert record.history_change_reason == "Transferred"


def test_ending_an_assignment_before_it_started_is_refused(hr_client, org_tree):
    assignment = org_tree.operator_assignment
    response = hr_client.post(
        reverse("org:assignment_end", args=[assignment.pk]),
        {"end": days_ago(400).isoformat(), "reason": "Mistake"},
    )
    assert response.status_code == 200
    assert "The end date cannot lie before the start date." in form_errors(response)
    assignment.refresh_from_db()
    assert assignment.end is None


def test_an_ended_assignment_cannot_be_lengthened(hr_client, org_tree):
    """Lengthening could overfill the seat (here: Quinn Quality's) or outlast employment."""
    olga = EmployeeFactory(name="Olga Old")
    old = AssignmentFactory(employee=olga, post=org_tree.qa_head_post, start=days_ago(800), end=days_ago(366))
    response = hr_client.post(
        reverse("org:assignment_end", args=[old.pk]), {"end": today().isoformat(), "reason": "Typo fix"}
    )
    assert response.status_code == 200
    assert f"This assignment already ends on {days_ago(366):%Y-%m-%d}; it can only end earlier." in form_errors(
        response
    )
    old.refresh_from_db()
    assert old.end == days_ago(366)


def test_an_ended_assignment_may_end_earlier(hr_client, org_tree):
    olga = EmployeeFactory(name="Olga Old")
    old = AssignmentFactory(employee=olga, post=org_tree.qa_head_post, start=days_ago(800), end=days_ago(366))
    response = hr_client.post(
        reverse("org:assignment_end", args=[old.pk]), {"end": days_ago(400).isoformat(), "reason": "Correction"}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.end, old.end_reason) == (days_ago(400), "Correction")


# Employees -------------------------------------------------------------------------------


def test_employee_list_shows_current_posts(hr_client, org_tree):
    response = hr_client.get(reverse("org:employee_list"))
    body = text(response)
    assert response.status_code == 200
    assert "Otto Operator" in body
    assert "Operator" in body
    filtered = hr_client.get(reverse("org:employee_list"), {"q": "quinn"})
    assert [e.name for e in filtered.context["page"]] == ["Quinn Quality"]


def test_employee_list_hides_leavers_unless_asked(hr_client, org_tree):
    EmployeeFactory(name="Lena Left", leaving_date=days_ago(10))
    assert "Lena Left" not in text(hr_client.get(reverse("org:employee_list")))
    assert "Lena Left" in text(hr_client.get(reverse("org:employee_list"), {"leavers": "1"}))


def test_employee_detail_shows_posts(hr_client, org_tree):
    response = hr_client.get(reverse("org:employee_detail", args=[org_tree.operator.employee.pk]))
    assert response.status_code == 200
    assert [a.post for a in response.context["current"]] == [org_tree.operator_post]
    assert "Operator" in text(response)


def test_hr_creates_an_employee(hr_client, org_tree):
    page = hr_client.get(reverse("org:employee_create"))
    assert page.status_code == 200
    assert org_tree.no_employee_user in page.context["form"].fields["user"].queryset
    assert org_tree.operator not in page.context["form"].fields["user"].queryset
    data = form_data(
        page,
        number="E9001",
        name="Nora Newhire",
        user=str(org_tree.no_employee_user.pk),
        email="nora@example.com",
        hire_date=today().isoformat(),
    )
    response = hr_client.post(reverse("org:employee_create"), data)
    employee = Employee.objects.get(number="E9001")
    assert response.status_code == 302
    assert response["Location"] == employee.get_absolute_url()
    assert (employee.name, employee.user, employee.hire_date) == (
        "Nora Newhire",
        org_tree.no_employee_user,
        today(),
    )
    assert latest_history(employee).history_user == org_tree.hr_user


def test_employee_with_a_taken_number_is_refused(hr_client, org_tree):
    taken = org_tree.operator.employee.number
    response = hr_client.post(
        reverse("org:employee_create"), {"number": taken, "name": "Twin", "hire_date": today().isoformat()}
    )
    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert not Employee.objects.filter(name="Twin").exists()


def test_hr_edits_an_employee(hr_client, org_tree):
    employee = org_tree.operator.employee
    url = reverse("org:employee_update", args=[employee.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, phone="+86 21 5555 0101", email="otto@example.com"))
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.phone, employee.email, employee.user) == (
        "+86 21 5555 0101",
        "otto@example.com",
        org_tree.operator,
    )
    assert latest_history(employee).history_user == org_tree.hr_user


def test_leaving_ends_assignments_disables_the_login_and_lists_what_is_still_owned(hr_client, org_tree, client):
    otto = org_tree.operator.employee
    assign_perm("org.manage_department", org_tree.operator, org_tree.w1)
    concurrent = AssignmentFactory(employee=otto, post=org_tree.qa_engineer_post, kind="concurrent")
    url = reverse("org:employee_leave", args=[otto.pk])
    page = hr_client.get(url)
    assert page.status_code == 200
    response = hr_client.post(url, form_data(page, reason="Resigned"))
    assert response.status_code == 302
    assert response["Location"] == otto.get_absolute_url()

    otto.refresh_from_db()
    assert (otto.leaving_date, otto.leaving_reason) == (today(), "Resigned")
    for assignment in (org_tree.operator_assignment, concurrent):
        assignment.refresh_from_db()
        assert (assignment.end, assignment.end_reason) == (today(), "Resigned")
        assert latest_history(assignment).history_user == org_tree.hr_user
    org_tree.operator.refresh_from_db()
    assert org_tree.operator.is_active is False
    assert latest_history(otto).history_user == org_tree.hr_user

    detail = hr_client.get(otto.get_absolute_url())
    body = text(detail)
    assert "Still owns" in body
    assert "Workshop 1 (PROD-W1)" in body
    assert org_tree.w1.get_absolute_url() in body
    assert "disabled" in body
    assert "Hand over what is listed under" in body  # the success message


def test_a_leaver_is_logged_out_and_cannot_log_in(org_tree, client, django_user_model):
    from django.test import Client

    otto_client = Client()
    otto_client.force_login(org_tree.operator)
    assert otto_client.get(reverse("org:chart")).status_code == 200

    client.force_login(org_tree.hr_user)
    otto = org_tree.operator.employee
    client.post(reverse("org:employee_leave", args=[otto.pk]), {"leaving_date": today().isoformat(), "reason": "Left"})

    response = otto_client.get(reverse("org:chart"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    fresh = Client()
    login = fresh.post(reverse("login"), {"username": "operator", "password": PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in fresh.session


def test_leaving_before_a_current_assignment_started_is_refused(hr_client, org_tree):
    otto = org_tree.operator.employee
    response = hr_client.post(
        reverse("org:employee_leave", args=[otto.pk]),
        {"leaving_date": days_ago(400).isoformat(), "reason": "Oops"},
    )
    assert response.status_code == 200
    [message] = form_errors(response)
    assert message == "Assignments starting after the leaving date must be ended first: Operator (W1-02)."
    otto.refresh_from_db()
    assert otto.leaving_date is None
    org_tree.operator.refresh_from_db()
    assert org_tree.operator.is_active
    org_tree.operator_assignment.refresh_from_db()
    assert org_tree.operator_assignment.end is None


def test_leaving_without_a_reason_is_refused(hr_client, org_tree):
    otto = org_tree.operator.employee
    response = hr_client.post(
        reverse("org:employee_leave", args=[otto.pk]), {"leaving_date": today().isoformat(), "reason": "  "}
    )
    assert response.status_code == 200
    assert form_errors(response)
    otto.refresh_from_db()
    assert otto.leaving_date is None


# Vacancies, export, history --------------------------------------------------------------


def test_vacancies_list_open_seats_by_department(hr_client, org_tree):
    response = hr_client.get(reverse("org:vacancy_list"))
    assert response.status_code == 200
    assert response.context["total"] == 5
    by_department = {dept.code: [n.post.code for n in nodes] for dept, nodes in response.context["by_department"]}
    assert by_department == {"GM": ["GM-01"], "QA": ["QA-02"], "PROD-W1": ["W1-01", "W1-02"]}


def test_an_acting_holder_leaves_the_seat_vacant(hr_client, org_tree):
    AssignmentFactory(employee=EmployeeFactory(name="Acting Al"), post=org_tree.w1_head_post, kind="acting")
    response = hr_client.get(reverse("org:vacancy_list"))
    assert response.context["total"] == 5
    assert "Acting Al" in text(response)


def test_post_list_rows_give_the_grade_as_plain_text(org_tree):
    """openpyxl refuses lazy translation objects: the export needs plain strings."""
    from org.selectors import post_nodes

    grades = {n.post.code: n.post.get_grade_display() for n in post_nodes(today())}
    assert all(type(g) is str for g in grades.values())


def _sheet(response):
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    return workbook.active


def test_post_export_is_an_excel_file_with_every_post(hr_client, org_tree):
    response = hr_client.get(reverse("org:post_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="posts-{today():%Y%m%d}.xlsx"'
    ws = _sheet(response)
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == f"Post list as of {today().isoformat()}"
    assert rows[1] == (
        "Department",
        "Post code",
        "Post",
        "Direct superior",
        "Grade",
        "Special post",
        "Seats",
        "Holders",
        "Acting",
        "Vacant",
    )
    body, total = rows[2:-1], rows[-1]
    # In the order of the org chart: each department, then the departments below it.
    assert [r[1] for r in body] == ["GM-01", "QA-01", "QA-02", "PROD-01", "W1-01", "W1-02"]
    operator = next(r for r in body if r[1] == "W1-02")
    assert operator[0] == "Workshop 1"
    assert operator[2:4] == ("Operator", "Workshop lead")
    assert operator[6:] == (3, "Otto Operator", None, 2)
    assert total[2] == "Total"
    assert (total[6], total[7], total[9]) == (9, 4, 5)


def test_post_export_of_vacancies_only(hr_client, org_tree):
    response = hr_client.get(reverse("org:post_export"), {"vacant": "1"})
    rows = list(_sheet(response).iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[9]) for r in rows[:-1]] == [("GM-01", 1), ("QA-02", 1), ("W1-01", 1), ("W1-02", 2)]
    assert rows[-1][9] == 5


def test_post_export_writes_formula_like_text_as_text(hr_client, org_tree):
    PostFactory(code="X-1", title='=HYPERLINK("http://evil")', department=org_tree.qa)
    ws = _sheet(hr_client.get(reverse("org:post_export")))
    cell = next(row[2] for row in ws.iter_rows(min_row=3) if row[1].value == "X-1")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    ("name", "get_object"),
    [
        ("org:department_history", lambda tree: tree.qa),
        ("org:post_history", lambda tree: tree.qa_engineer_post),
        ("org:employee_history", lambda tree: tree.operator.employee),
        ("org:assignment_history", lambda tree: tree.operator_assignment),
    ],
)
def test_history_pages_open(hr_client, org_tree, name, get_object):
    obj = get_object(org_tree)
    response = hr_client.get(reverse(name, args=[obj.pk]))
    assert response.status_code == 200
    assert response.context["object"] == obj


def test_history_page_shows_who_changed_what(hr_client, org_tree):
    post = org_tree.operator_post
    url = reverse("org:post_update", args=[post.pk])
    hr_client.post(url, form_data(hr_client.get(url), title="Machine operator"))

    response = hr_client.get(reverse("org:post_history", args=[post.pk]))
    body = text(response)
    latest = response.context["entries"][0]
    assert (latest.who, latest.kind) == ("Hannah HR", "Changed")
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("title", "Operator", "Machine operator")]
    assert "Machine operator" in body


def test_history_of_a_missing_object_is_404(hr_client, org_tree):
    assert hr_client.get(reverse("org:post_history", args=[999999])).status_code == 404


# Query counts ----------------------------------------------------------------------------


@pytest.fixture
def bigger_org(org_tree):
    """20 more posts, each with a holder who has a login, in 4 more departments."""
    for d in range(4):
        department = DepartmentFactory(code=f"BIG{d}", name=f"Big {d}", parent=org_tree.prod)
        for p in range(5):
            post = PostFactory(code=f"BIG{d}-{p}", department=department, superior=org_tree.prod_head_post)
            user = UserFactory(username=f"big{d}{p}")
            AssignmentFactory(post=post, employee=EmployeeFactory(user=user))
    return org_tree


#: Page → the most queries it may take, whatever the size of the organisation.
#: An HTML page starts with 6: session, user, the user's groups and permissions (3), and the
#: employee named in the header; the modules' menu entries add 3 for HR (head posts held, own
#: departments, own survey campaigns), the same whatever the size of the organisation.
QUERY_BOUNDS = {
    "org:chart": 12,
    "org:post_list": 13,
    "org:department_list": 13,
    "org:employee_list": 12,
    "org:vacancy_list": 12,
    "org:post_export": 5,
}
PAGES_COUNTED = sorted(QUERY_BOUNDS)


@pytest.mark.parametrize("size", ["small", "bigger"])
@pytest.mark.parametrize("name", PAGES_COUNTED)
def test_lists_take_a_fixed_number_of_queries(client, org_tree, request, django_assert_max_num_queries, name, size):
    if size == "bigger":
        request.getfixturevalue("bigger_org")
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(QUERY_BOUNDS[name]):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES_COUNTED)
def test_query_count_does_not_grow_with_the_organisation(client, org_tree, request, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_tree.hr_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    small = count()
    request.getfixturevalue("bigger_org")
    assert count() == small
