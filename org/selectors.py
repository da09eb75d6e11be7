"""Reads of the organisation, as of any day, in a fixed small number of queries.

The chart and the post list load the departments, posts and assignments valid on the day
in one query each and assemble the tree in Python, so the number of queries does not grow
with the size of the company.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.urls import reverse

from .choices import SEAT_FILLING_KINDS, Grade
from .models import Assignment, Department, Employee, Post, PostRelation, today
from .permissions import with_descendants


@dataclass
class PostNode:
    post: "PostRow"
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
    def people(self):
        """Holders, then acting holders: one list for one loop in the chart."""
        return self.holders + self.acting

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


@dataclass(slots=True)
class Person:
    name: str
    number: str
    url: str


@dataclass(slots=True)
class Holder:
    """One assignment as the chart and lists show it (lighter than a model instance)."""

    kind: str
    employee: Person


@dataclass(slots=True)
class PostRow:
    """The fields of a post that lists and the chart show; built from one ``values_list``."""

    pk: int
    code: str
    title: str
    headcount: int
    grade: str
    is_special: bool
    department_id: int
    superior_id: int | None
    department: Department | None = None

    def get_grade_display(self):
        return str(Grade(self.grade).label) if self.grade in Grade.values else self.grade

    def get_absolute_url(self):
        return reverse("org:post_detail", args=[self.pk])


POST_FIELDS = ("pk", "code", "title", "headcount", "grade", "is_special", "department_id", "superior_id")


def post_nodes(day: datetime.date, department_ids=None, departments=None) -> list[PostNode]:
    """Posts valid on ``day`` with their holders that day, in at most four queries.

    ``departments`` ({id: Department}) saves the department query when the caller has them.
    """
    post_url, employee_url = _url_maker("org:post_detail"), _url_maker("org:employee_detail")
    posts = Post.objects.valid_on(day).order_by("sort_order", "code")
    if department_ids is not None:
        posts = posts.filter(department_id__in=department_ids)
    nodes = {}
    for values in posts.values_list(*POST_FIELDS):
        row = PostRow(*values)
        nodes[row.pk] = PostNode(post=row, url=post_url(row.pk))
    wanted = {n.post.department_id for n in nodes.values()}
    if departments is None or not wanted <= set(departments):
        departments = Department.objects.in_bulk(wanted)
    titles = {pk: n.post.title for pk, n in nodes.items()}
    missing = {n.post.superior_id for n in nodes.values()} - set(titles) - {None}
    if missing:
        titles.update(Post.objects.filter(pk__in=missing).values_list("pk", "title"))
    for node in nodes.values():
        post = node.post
        post.department = departments[post.department_id]
        node.superior_title = titles.get(post.superior_id, "")
    rows = (
        Assignment.objects.current(day)
        .filter(post__in=posts.values("pk"))
        .order_by("kind", "start", "pk")
        .values_list("post_id", "kind", "employee_id", "employee__name", "employee__number")
    )
    people = {}
    for post_id, kind, employee_id, name, number in rows:
        node = nodes.get(post_id)
        if node is None:
            continue
        person = people.get(employee_id)
        if person is None:
            person = people[employee_id] = Person(name, number, employee_url(employee_id))
        (node.holders if kind in SEAT_FILLING_KINDS else node.acting).append(Holder(kind, person))
    ordering = _tree_order(departments.values())
    return sorted(nodes.values(), key=lambda n: ordering.get(n.post.department_id, 0))


def _tree_order(departments):
    """{department id: position} walking the tree depth-first, siblings by order and code."""
    departments = sorted(departments, key=lambda d: (d.sort_order, d.code))
    ids = {d.pk for d in departments}
    children = {}
    for d in departments:
        children.setdefault(d.parent_id if d.parent_id in ids else None, []).append(d.pk)
    order, stack = {}, list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()
        order[pk] = len(order)
        stack.extend(reversed(children.get(pk, [])))
    return order


def org_chart(day: datetime.date | None = None, *, root_id=None, query="") -> list[DepartmentNode]:
    """The company as a tree of departments → posts → holders on ``day``.

    Returns the root nodes (or the one node ``root_id``); ``query`` keeps only the branches
    with a matching post, person or department.
    """
    day = day or today()
    dept_url = _url_maker("org:department_detail")
    departments = {d.pk: d for d in Department.objects.valid_on(day).order_by("sort_order", "code")}
    by_id = {pk: DepartmentNode(department=d, url=dept_url(pk)) for pk, d in departments.items()}
    branch = None
    if root_id is not None:
        branch = with_descendants([root_id], {pk: d.parent_id for pk, d in departments.items()})
    for node in post_nodes(day, department_ids=branch, departments=departments):
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
    """The tree as a flat list of ("open", dept) and ("close", dept) events for the chart.

    One loop in the template renders it (posts inside "open"), far faster than a recursive
    include. Departments, posts and people are plain dicts: the template engine finds dict
    keys at its first try, where attributes cost it a caught exception each.
    """
    events = []

    def person(holder):
        return {"url": holder.employee.url, "name": holder.employee.name, "kind": holder.kind}

    def walk(node):
        d = node.department
        posts = [
            {
                "url": p.url,
                "title": p.post.title,
                "special": p.post.is_special,
                "people": [person(h) for h in p.holders] + [person(h) for h in p.acting],
                "vacant_seats": range(p.vacant),
            }
            for p in node.posts
        ]
        info = {
            "pk": d.pk,
            "url": node.url,
            "name": d.name,
            "code": d.code,
            "head_names": node.head_names,
            "planned": node.planned,
            "filled": node.filled,
            "vacant": node.vacant,
            "posts": posts,
        }
        events.append(("open", info))
        for child in node.children:
            walk(child)
        events.append(("close", None))

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
