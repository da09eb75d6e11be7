"""Posts with their incumbents and vacancies, as Excel."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import AssignmentFactory, EmployeeFactory, PostFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _english_client(client, settings):
    """Pages and files in English, so they can be compared with the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


URL = "org:post_incumbents_export"


def _rows(content):
    ws = load_workbook(io.BytesIO(content)).active
    return ws, [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_one_row_per_seat_with_its_holder_or_vacant(client, org_tree):
    acting = EmployeeFactory(name="Vera Acting", number="E-ACT")
    AssignmentFactory(employee=acting, post=org_tree.w1_head_post, kind="acting")
    client.force_login(org_tree.operator)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="posts-incumbents-')
    ws, rows = _rows(response.content)
    assert ws["A1"].value.startswith("Posts with incumbents and vacancies as of")
    operator_rows = [(r[6], r[7], r[8], r[9], r[10]) for r in rows if r[2] == "W1-02"]
    assert operator_rows == [
        (1, "Filled", org_tree.operator.employee.number, "Otto Operator", "Primary"),
        (2, "Vacant", None, None, None),
        (3, "Vacant", None, None, None),
    ]
    lead_rows = [(r[6], r[7], r[9]) for r in rows if r[2] == "W1-01"]
    assert lead_rows == [(1, "Vacant", None), (None, "Acting", "Vera Acting")]
    total = rows[-1]
    planned = sum(p.headcount for p in org_tree.posts)
    assert total[3] == "Total" and total[5] == planned
    assert total[7] == f"4 filled, {planned - 4} vacant"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2"


def test_filters_of_the_post_list_apply(client, org_tree):
    client.force_login(org_tree.hr_user)
    _ws, rows = _rows(client.get(reverse(URL), {"department": org_tree.qa.pk}).content)
    assert {r[2] for r in rows[:-1]} == {"QA-01", "QA-02"}


def test_formula_like_titles_are_text_cells(client, org_tree):
    PostFactory(code="X-1", title='=HYPERLINK("http://evil")', department=org_tree.qa, headcount=1)
    client.force_login(org_tree.hr_user)
    ws, rows = _rows(client.get(reverse(URL)).content)
    row = next(i for i, r in enumerate(rows, start=3) if r[2] == "X-1")
    assert ws.cell(row=row, column=4).data_type == "s"
    assert ws.cell(row=row, column=6).data_type == "n"


def test_query_count_does_not_grow_with_the_posts(client, org_tree, django_assert_max_num_queries):
    client.force_login(org_tree.hr_user)
    client.get(reverse(URL))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(URL))
    for n in range(10):
        post = PostFactory(code=f"QA-X{n}", department=org_tree.qa, headcount=2)
        AssignmentFactory(post=post)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(URL))


def test_anonymous_users_are_sent_to_log_in(client, org_tree):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/login/" in response["Location"]
