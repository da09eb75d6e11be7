"""Reads of the organisation: the chart as of any day, counts, and what a leaver still owns."""

import pytest
from guardian.shortcuts import assign_perm

from org import selectors
from org.models import Assignment, Post, today
from org.selectors import OpenItem
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    EmployeeFactory,
    PostFactory,
    PostRelationFactory,
    UserFactory,
    days_ago,
    days_ahead,
)

pytestmark = pytest.mark.django_db


def nodes_by_code(roots):
    """{department code: node} for every department in the tree."""
    found = {}

    def walk(node):
        found[node.department.code] = node
        for child in node.children:
            walk(child)

    for root in roots:
        walk(root)
    return found


def counts(node):
    return node.planned, node.filled, node.vacant


def post_codes(node):
    return [p.post.code for p in node.posts]


# org_chart -------------------------------------------------------------------------------


def test_org_chart_builds_the_tree_in_order(org_tree):
    (root,) = selectors.org_chart()
    assert root.department == org_tree.gm
    assert [c.department.code for c in root.children] == ["QA", "PROD"]
    (prod,) = [c for c in root.children if c.department.code == "PROD"]
    assert [c.department.code for c in prod.children] == ["PROD-W1"]
    nodes = nodes_by_code([root])
    assert {code: n.depth for code, n in nodes.items()} == {"GM": 0, "QA": 1, "PROD": 1, "PROD-W1": 2}
    assert post_codes(nodes["QA"]) == ["QA-01", "QA-02"]
    assert nodes["QA"].url == org_tree.qa.get_absolute_url()
    assert nodes["QA"].posts[1].url == org_tree.qa_engineer_post.get_absolute_url()
    assert nodes["QA"].posts[1].superior_title == "Quality manager"


def test_org_chart_counts_planned_filled_vacant_rolled_up(org_tree):
    nodes = nodes_by_code(selectors.org_chart())
    assert counts(nodes["PROD-W1"]) == (4, 1, 3)  # workshop lead vacant, 1 of 3 operators
    assert counts(nodes["PROD"]) == (5, 2, 3)  # own head post + the workshop
    assert counts(nodes["QA"]) == (3, 2, 1)
    assert counts(nodes["GM"]) == (9, 4, 5)


def test_org_chart_names_the_heads(org_tree):
    nodes = nodes_by_code(selectors.org_chart())
    assert nodes["QA"].head_names == "Quinn Quality"
    assert nodes["PROD"].head_names == "Paul Production"
    assert nodes["PROD-W1"].head_names == ""


def test_acting_holder_shown_but_seat_still_vacant(org_tree):
    AssignmentFactory(employee=EmployeeFactory(name="Andy Acting"), post=org_tree.w1_head_post, kind="acting")
    w1 = nodes_by_code(selectors.org_chart())["PROD-W1"]
    lead = w1.posts[0]
    assert lead.post.pk == org_tree.w1_head_post.pk
    assert [a.employee.name for a in lead.acting] == ["Andy Acting"]
    assert (lead.filled, lead.vacant, list(lead.vacant_seats)) == (0, 1, [0])
    assert counts(w1) == (4, 1, 3)
    assert w1.head_names == "Andy Acting"


def test_concurrent_holder_fills_a_seat(org_tree):
    AssignmentFactory(employee=org_tree.qa_engineer.employee, post=org_tree.operator_post, kind="concurrent")
    assert counts(nodes_by_code(selectors.org_chart())["PROD-W1"]) == (4, 2, 2)


def test_org_chart_holder_links_to_employee(org_tree):
    qa = nodes_by_code(selectors.org_chart())["QA"]
    (holder,) = qa.posts[0].holders
    assert holder.employee.url == org_tree.qa_head.employee.get_absolute_url()


def test_org_chart_as_of_a_past_date(org_tree):
    new_post = PostFactory(code="QA-03", department=org_tree.qa, valid_from=days_ago(10))
    former = AssignmentFactory(
        employee=EmployeeFactory(name="Fiona Former"),
        post=org_tree.qa_engineer_post,
        start=days_ago(300),
        end=days_ago(30),
    )
    new_department = DepartmentFactory(code="NEW", parent=org_tree.gm, valid_from=days_ago(10))

    then = nodes_by_code(selectors.org_chart(days_ago(100)))
    assert "NEW" not in then
    assert post_codes(then["QA"]) == ["QA-01", "QA-02"]
    engineers = then["QA"].posts[1]
    assert {a.employee.name for a in engineers.holders} == {"Erin Engineer", "Fiona Former"}
    assert counts(then["QA"]) == (3, 3, 0)

    now = nodes_by_code(selectors.org_chart())
    assert now["NEW"].department == new_department
    assert post_codes(now["QA"]) == ["QA-01", "QA-02", "QA-03"]
    assert [a.employee.name for a in now["QA"].posts[1].holders] == ["Erin Engineer"]
    assert former.end < today()
    assert new_post.pk in {p.post.pk for p in now["QA"].posts}


def test_org_chart_before_assignments_began_shows_only_posts(org_tree):
    nodes = nodes_by_code(selectors.org_chart(days_ago(500)))
    assert counts(nodes["GM"]) == (9, 0, 9)


def test_org_chart_leaves_out_closed_posts_and_departments(org_tree):
    Post.objects.filter(pk=org_tree.gm_post.pk).update(valid_to=days_ago(1))
    old = DepartmentFactory(code="OLD", parent=org_tree.gm, valid_to=days_ago(1))
    nodes = nodes_by_code(selectors.org_chart())
    assert "OLD" not in nodes and post_codes(nodes["GM"]) == []
    assert nodes_by_code(selectors.org_chart(days_ago(1)))["OLD"].department == old


def test_org_chart_from_one_root(org_tree):
    (prod,) = selectors.org_chart(root_id=org_tree.prod.pk)
    assert prod.department == org_tree.prod
    assert prod.depth == 0 and prod.children[0].depth == 1
    assert counts(prod) == (5, 2, 3)
    assert selectors.org_chart(root_id=999999) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("operator", {"GM": [], "PROD": [], "PROD-W1": ["W1-02"]}),  # post title
        ("  OPERATOR ", {"GM": [], "PROD": [], "PROD-W1": ["W1-02"]}),  # trimmed, any case
        ("qa-02", {"GM": [], "QA": ["QA-02"]}),  # post code
        ("quinn", {"GM": [], "QA": ["QA-01"]}),  # holder's name
        ("workshop", {"GM": [], "PROD": [], "PROD-W1": ["W1-01", "W1-02"]}),  # department: all of it
        ("manager", {"GM": ["GM-01"], "QA": ["QA-01"], "PROD": ["PROD-01"]}),
    ],
)
def test_query_keeps_only_matching_branches(org_tree, query, expected):
    nodes = nodes_by_code(selectors.org_chart(query=query))
    assert {code: post_codes(node) for code, node in nodes.items()} == expected


def test_query_finds_acting_holder_and_employee_number(org_tree):
    employee = EmployeeFactory(name="Andy Acting", number="A-777")
    AssignmentFactory(employee=employee, post=org_tree.w1_head_post, kind="acting")
    for query in ("andy", "a-777"):
        nodes = nodes_by_code(selectors.org_chart(query=query))
        assert post_codes(nodes["PROD-W1"]) == ["W1-01"], query


def test_query_without_match_gives_empty_chart(org_tree):
    assert selectors.org_chart(query="no such thing") == []


def _grow(org_tree, count):
    """Add ``count`` posts in new departments, each with a holder, a superior and a dotted line."""
    for i in range(count):
        department = DepartmentFactory(parent=org_tree.w1 if i % 2 else org_tree.qa)
        post = PostFactory(department=department, superior=org_tree.operator_post, headcount=2)
        department.head_post = post
        department.save()
        AssignmentFactory(post=post)
        AssignmentFactory(post=post, kind="acting")
        PostRelationFactory(source=post, target=org_tree.gm_post)


@pytest.mark.parametrize("extra_posts", [0, 30])
def test_org_chart_query_count_does_not_grow_with_size(org_tree, extra_posts, django_assert_max_num_queries):
    _grow(org_tree, extra_posts)
    with django_assert_max_num_queries(6):
        roots = selectors.org_chart(query="")
        selectors.flatten(roots)
        # Touch everything a page shows.
        shown = [post for node in nodes_by_code(roots).values() for post in node.posts]
        for node in shown:
            _ = [node.post.department.name, node.post.get_grade_display(), node.superior_title, node.vacant]
            _ = [(a.employee.name, a.employee.number, a.employee.url) for a in node.holders + node.acting]
    assert len(shown) == 6 + extra_posts


@pytest.mark.parametrize("extra_posts", [0, 30])
def test_post_nodes_query_count_does_not_grow_with_size(org_tree, extra_posts, django_assert_max_num_queries):
    _grow(org_tree, extra_posts)
    with django_assert_max_num_queries(4):
        nodes = selectors.post_nodes(today())
        _ = [(n.post.department.name, n.superior_title, [a.employee.name for a in n.holders]) for n in nodes]
    assert len(nodes) == 6 + extra_posts


def test_flatten_opens_and_closes_each_department(org_tree):
    events = selectors.flatten(selectors.org_chart(root_id=org_tree.prod.pk))
    assert [kind for kind, _info in events] == ["open", "open", "close", "close"]
    (_, prod), (_, workshop) = events[:2]
    assert (prod["code"], workshop["code"]) == ("PROD", "PROD-W1")
    assert [p["title"] for p in workshop["posts"]] == ["Workshop lead", "Operator"]
    assert (workshop["planned"], workshop["filled"], workshop["vacant"]) == (4, 1, 3)


# Other reads -----------------------------------------------------------------------------


def test_department_counts_are_for_direct_posts(org_tree):
    result = selectors.department_counts()
    assert result[org_tree.prod.pk] == (1, 1, 0)
    assert result[org_tree.w1.pk] == (4, 1, 3)
    assert result[org_tree.gm.pk] == (1, 0, 1)


def test_vacancies_lists_posts_with_free_seats(org_tree):
    assert {n.post.code for n in selectors.vacancies()} == {"GM-01", "QA-02", "W1-01", "W1-02"}
    assert {n.post.code for n in selectors.vacancies(department_ids=[org_tree.w1.pk])} == {"W1-01", "W1-02"}


def test_department_detail(org_tree):
    detail = selectors.department_detail(org_tree.prod)
    assert detail["children"] == [org_tree.w1]
    assert detail["head"].post.pk == org_tree.prod_head_post.pk
    assert (detail["planned"], detail["filled"], detail["vacant"]) == (1, 1, 0)
    assert selectors.department_detail(org_tree.w1)["ancestors"] == [org_tree.gm, org_tree.prod]


def test_post_detail_splits_current_and_past_holders(org_tree):
    post = org_tree.qa_engineer_post
    past = AssignmentFactory(post=post, start=days_ago(300), end=days_ago(30))
    relation = PostRelationFactory(source=post, target=org_tree.prod_head_post)
    detail = selectors.post_detail(post)
    assert detail["current"] == [org_tree.qa_engineer_assignment]
    assert detail["past"] == [past]
    assert detail["dotted_out"] == [relation] and detail["dotted_in"] == []
    assert selectors.post_detail(org_tree.prod_head_post)["dotted_in"] == [relation]
    assert selectors.post_detail(org_tree.qa_head_post)["subordinates"] == [post]
    assert selectors.post_detail(org_tree.qa_head_post)["headed_departments"] == [org_tree.qa]


def test_employee_list_hides_leavers_unless_asked(org_tree):
    leaver = EmployeeFactory(name="Larry Left", leaving_date=days_ago(1))
    leaving_today = EmployeeFactory(name="Tina Today", leaving_date=today())
    listed = list(selectors.employee_list())
    assert leaver not in listed and leaving_today in listed
    assert leaver in selectors.employee_list(include_leavers=True)
    assert list(selectors.employee_list(query="quinn")) == [org_tree.qa_head.employee]
    (operator,) = selectors.employee_list(query=org_tree.operator.employee.number)
    assert [a.post for a in operator.current_assignments] == [org_tree.operator_post]


def test_posts_for_user(org_tree):
    AssignmentFactory(employee=org_tree.qa_engineer.employee, post=org_tree.w1_head_post, kind="acting")
    AssignmentFactory(
        employee=org_tree.qa_engineer.employee,
        post=org_tree.operator_post,
        kind="concurrent",
        start=days_ahead(3),
    )
    posts = [a.post for a in selectors.posts_for_user(org_tree.qa_engineer)]
    assert posts == [org_tree.w1_head_post, org_tree.qa_engineer_post]  # ordered by kind
    assert selectors.posts_for_user(org_tree.no_employee_user) == []


# employee_open_items ---------------------------------------------------------------------


def test_employee_open_items_lists_guardian_grants(org_tree, monkeypatch):
    monkeypatch.setattr(selectors, "OPEN_ITEM_PROVIDERS", [])
    employee = org_tree.operator.employee
    assert selectors.employee_open_items(employee) == []
    assign_perm("org.manage_department", org_tree.operator, org_tree.qa)
    (item,) = selectors.employee_open_items(employee)
    assert item.label.endswith(": Quality (QA)")
    assert item.url == org_tree.qa.get_absolute_url()


def test_employee_open_items_asks_registered_providers(org_tree, monkeypatch):
    def provider(employee):
        return [OpenItem(label=f"Open task of {employee.name}")]

    monkeypatch.setattr(selectors, "OPEN_ITEM_PROVIDERS", [provider])
    employee = EmployeeFactory(name="Nobody Login")
    assert selectors.employee_open_items(employee) == [OpenItem(label="Open task of Nobody Login")]


def test_employee_open_items_ignores_other_users_grants(org_tree, monkeypatch):
    monkeypatch.setattr(selectors, "OPEN_ITEM_PROVIDERS", [])
    assign_perm("org.manage_department", UserFactory(), org_tree.qa)
    assert selectors.employee_open_items(org_tree.operator.employee) == []
    assert Assignment.objects.count() == 4
