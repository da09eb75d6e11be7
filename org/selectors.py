"""Reads of the organisation, as of any day, in a fixed small number of queries.

The chart and the post list load the departments, posts and assignments valid on the day
in one query each and assemble the tree in Python, so the number of queries does not grow
with the size of the company.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.urls import reverse

from .choices import SEAT_FILLING_KINDS
from .models import Assignment, Department, Employee, Post, PostRelation, today


@dataclass
class PostNode:
    post: Post
    url: str
    holders: list = field(default_factory=list)  # seat-filling assignments
    acting: list = field(default_factory=list)
    superior_title: str = ""

    @property
    def filled(self):
        return len(self.holders)

    @property
    def vacant(self):
        return max(self.post.headcount - len(self.holders), 0)

    @property
    def vacant_seats(self):
        return range(self.vacant)

    def matches(self, needle):
        post = self.post
        return (
            needle in post.title.lower()
            or needle in post.code.lower()
            or any(
                needle in a.employee.name.lower() or needle in a.employee.number.lower()
                for a in self.holders + self.acting
            )
        )


@dataclass
class DepartmentNode:
    department: Department
    url: str
    depth: int = 0
    posts: list = field(default_factory=list)
    children: list = field(default_factory=list)
    planned: int = 0
    filled: int = 0
    vacant: int = 0
    head_names: str = ""

    def total(self):
        """Roll the counts up from the posts and sub-departments (call once, bottom-up)."""
        self.planned = sum(n.post.headcount for n in self.posts)
        self.filled = sum(n.filled for n in self.posts)
        self.vacant = sum(n.vacant for n in self.posts)
        for child in self.children:
            child.total()
            self.planned += child.planned
            self.filled += child.filled
            self.vacant += child.vacant


def _url_maker(name):
    """A fast ``reverse`` for one id-only route: reverse once, then format."""
    prefix = reverse(name, args=[987654321])
    head, tail = prefix.split("987654321")
    return lambda pk: f"{head}{pk}{tail}"


def post_nodes(day: datetime.date, department_ids=None) -> list[PostNode]:
    """Posts valid on ``day`` with their holders that day: three queries."""
    post_url, employee_url = _url_maker("org:post_detail"), _url_maker("org:employee_detail")
    posts = (
        Post.objects.valid_on(day)
        .select_related("department", "superior")
        .order_by("department__sort_order", "department__code", "sort_order", "code")
    )
    if department_ids is not None:
        posts = posts.filter(department_id__in=department_ids)
    nodes = {}
    for post in posts:
        nodes[post.pk] = PostNode(
            post=post, url=post_url(post.pk), superior_title=post.superior.title if post.superior_id else ""
        )
    assignments = (
        Assignment.objects.current(day)
        .filter(post__in=posts.values("pk"))
        .select_related("employee")
        .only("post_id", "kind", "start", "end", "employee__name", "employee__number")
        .order_by("kind", "start", "pk")
    )
    for a in assignments:
        node = nodes.get(a.post_id)
        if node is None:
            continue
        a.employee.url = employee_url(a.employee_id)
        (node.holders if a.kind in SEAT_FILLING_KINDS else node.acting).append(a)
    return list(nodes.values())


def org_chart(day: datetime.date | None = None, *, root_id=None, query="") -> list[DepartmentNode]:
    """The company as a tree of departments → posts → holders on ``day``.

    Returns the root nodes (or the one node ``root_id``); ``query`` keeps only the branches
    with a matching post, person or department.
    """
    day = day or today()
    dept_url = _url_maker("org:department_detail")
    departments = Department.objects.valid_on(day).order_by("sort_order", "code")
    by_id = {d.pk: DepartmentNode(department=d, url=dept_url(d.pk)) for d in departments}
    for node in post_nodes(day):
        dept_node = by_id.get(node.post.department_id)
        if dept_node is not None:
            dept_node.posts.append(node)
    posts_by_id = {p.post.pk: p for n in by_id.values() for p in n.posts}
    roots = []
    for node in by_id.values():
        d = node.department
        parent = by_id.get(d.parent_id)
        (parent.children if parent else roots).append(node)
        head = posts_by_id.get(d.head_post_id)
        if head:
            node.head_names = "、".join(a.employee.name for a in head.holders + head.acting)
    if root_id is not None:
        roots = [by_id[root_id]] if root_id in by_id else []
    for root in roots:
        root.total()
    needle = query.strip().lower()
    if needle:
        roots = [r for r in (_prune(r, needle) for r in roots) if r]
    _set_depth(roots, 0)
    return roots


def _prune(node, needle):
    d = node.department
    if needle in d.name.lower() or needle in d.code.lower():
        return node
    node.posts = [p for p in node.posts if p.matches(needle)]
    node.children = [c for c in (_prune(c, needle) for c in node.children) if c]
    return node if node.posts or node.children else None


def _set_depth(nodes, depth):
    for node in nodes:
        node.depth = depth
        _set_depth(node.children, depth + 1)


def flatten(roots):
    """The tree as a flat list of ("open", dept) and ("close", dept) events.

    One loop in the template renders it (posts inside "open"): far faster than a recursive
    include.
    """
    events = []

    def walk(node):
        events.append(("open", node))
        for child in node.children:
            walk(child)
        events.append(("close", node))

    for root in roots:
        walk(root)
    return events


def department_counts(day=None):
    """{department id: (planned, filled, vacant)} for the department alone (direct posts)."""
    counts = {}
    for node in post_nodes(day or today()):
        planned, filled, vacant = counts.get(node.post.department_id, (0, 0, 0))
        counts[node.post.department_id] = (planned + node.post.headcount, filled + node.filled, vacant + node.vacant)
    return counts


def vacancies(day=None, department_ids=None) -> list[PostNode]:
    return [n for n in post_nodes(day or today(), department_ids) if n.vacant]


def department_detail(department: Department, day=None):
    """Everything the department page shows."""
    day = day or today()
    children = list(department.children.valid_on(day).order_by("sort_order", "code"))
    nodes = post_nodes(day, department_ids=[department.pk])
    head = next((n for n in nodes if n.post.pk == department.head_post_id), None)
    return {
        "children": children,
        "posts": nodes,
        "head": head,
        "planned": sum(n.post.headcount for n in nodes),
        "filled": sum(n.filled for n in nodes),
        "vacant": sum(n.vacant for n in nodes),
        "ancestors": list(reversed(department.ancestors_and_self()[1:])),
    }


def post_detail(post: Post, day=None):
    day = day or today()
    assignments = list(post.assignments.select_related("employee").order_by("-start", "pk"))
    relations = PostRelation.objects.valid_on(day).select_related("source__department", "target__department")
    return {
        "current": [a for a in assignments if a.is_current_on(day)],
        "past": [a for a in assignments if not a.is_current_on(day)],
        "subordinates": list(post.subordinates.valid_on(day).select_related("department")),
        "rotation_posts": list(post.rotation_posts.select_related("department")),
        "dotted_out": list(relations.filter(source=post)),
        "dotted_in": list(relations.filter(target=post)),
        "headed_departments": list(post.headed_departments.valid_on(day)),
    }


def employee_list(query="", include_leavers=False):
    employees = Employee.objects.select_related("user").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.current().select_related("post__department"),
            to_attr="current_assignments",
        )
    )
    if not include_leavers:
        employees = employees.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today()))
    if query:
        employees = employees.filter(Q(name__icontains=query) | Q(number__icontains=query))
    return employees


#: Functions ``(employee) -> list[OpenItem]`` that other apps register in ``ready()`` to say
#: what a person still owns (open tasks, documents …) so a leaver's work can be handed over.
OPEN_ITEM_PROVIDERS = []


@dataclass
class OpenItem:
    label: str
    url: str = ""


def employee_open_items(employee: Employee) -> list[OpenItem]:
    """What ``employee`` still owns and someone else must take over."""
    from guardian.models import UserObjectPermission

    items = []
    if employee.user_id:
        for grant in UserObjectPermission.objects.filter(user_id=employee.user_id).select_related(
            "permission", "content_type"
        ):
            obj = grant.content_object
            items.append(
                OpenItem(label=f"{grant.permission.name}: {obj}", url=getattr(obj, "get_absolute_url", lambda: "")())
            )
    for provider in OPEN_ITEM_PROVIDERS:
        items.extend(provider(employee))
    return items


def posts_for_user(user, day=None):
    """The current assignments of the logged-in user, for the inbox."""
    if not user.is_authenticated:
        return []
    return list(
        Assignment.objects.current(day)
        .filter(employee__user=user)
        .select_related("post__department", "post__superior")
        .order_by("kind", "start")
    )
