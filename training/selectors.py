"""Reads of the training module, already narrowed to what the user may see.

Every function here runs a constant number of queries, however many employees, posts and
courses there are: the training matrix is built from six queries and then put together in
Python.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from org.models import Assignment, Department, Employee, Post, today
from org.permissions import department_tree, with_descendants
from responsibilities.choices import DocumentStatus
from responsibilities.models import RequiredTraining

from .choices import MEETS, PLAN_IN_FORCE, CellStatus, EventStatus, NeedStatus, PlanStatus
from .models import Attendance, Course, Qualification, TrainingEvent, TrainingNeed, TrainingPlan, normalise
from .permissions import own_employee_id, visible_department_ids


def warning_days() -> int:
    """How many days before expiry a qualification counts as expiring (default 60)."""
    return int(getattr(settings, "TRAINING_EXPIRY_WARNING_DAYS", 60))


# Requirements ----------------------------------------------------------------------------


@dataclass
class Requirement:
    course: Course
    before_taking_up: bool
    #: Where the requirement comes from: the job description, the special post, induction.
    origin: str


@dataclass
class Requirements:
    #: post id → {course id: Requirement}
    by_post: dict
    #: post id → requirement names that match no course of the catalogue
    unmatched: dict
    induction: list


def catalogue_index(courses) -> dict:
    index = {}
    for course in courses:
        for name in course.names():
            index.setdefault(name, course)
    return index


def post_requirements(post_ids, courses=None) -> Requirements:
    """What each post requires: the required training of its effective job description, the
    qualification of a special post, and every induction course (three queries)."""
    courses = list(Course.objects.filter(is_active=True)) if courses is None else courses
    index = catalogue_index(courses)
    induction = [c for c in courses if c.is_induction]
    by_post, unmatched = defaultdict(dict), defaultdict(list)

    def add(post_id, name, before, origin):
        course = index.get(normalise(name))
        if course is None:
            unmatched[post_id].append(name)
            return
        known = by_post[post_id].get(course.pk)
        by_post[post_id][course.pk] = Requirement(
            course, before or (known.before_taking_up if known else False), origin
        )

    rows = RequiredTraining.objects.filter(
        job_description__status=DocumentStatus.EFFECTIVE, job_description__post_id__in=post_ids
    ).values_list("job_description__post_id", "name", "before_taking_up")
    for post_id, name, before in rows:
        add(post_id, name, before, _("job description"))
    special = Post.objects.filter(pk__in=post_ids, is_special=True).values_list("pk", "required_qualification")
    for post_id, name in special:
        if name.strip():
            add(post_id, name, True, _("special post"))
    return Requirements(by_post=by_post, unmatched=unmatched, induction=induction)


def requirements_of_post(post) -> tuple[list, list]:
    """(requirements, names not in the catalogue) of one post, induction courses included."""
    reqs = post_requirements([post.pk])
    own = reqs.by_post.get(post.pk, {})
    merged = [Requirement(c, True, "induction") for c in reqs.induction if c.pk not in own] + list(own.values())
    return merged, reqs.unmatched.get(post.pk, [])


# Qualification status --------------------------------------------------------------------


def best_qualifications(employee_filter, day=None) -> dict:
    """(employee id, course id) → the latest ``valid_until`` in force (``None`` = no expiry),
    in one query. Pass a queryset or list of employee ids."""
    day = day or today()
    rows = (
        Qualification.objects.in_force()
        .filter(employee_id__in=employee_filter, issued_on__lte=day)
        .values_list("employee_id", "course_id", "valid_until")
    )
    best = {}
    for employee_id, course_id, valid_until in rows:
        key = (employee_id, course_id)
        if key not in best or best[key] is not None and (valid_until is None or valid_until > best[key]):
            best[key] = valid_until
    return best


MISSING = object()


def cell_status(valid_until, day, warn_days) -> str:
    return _status(valid_until, day, day + datetime.timedelta(days=warn_days))


def _status(valid_until, day, horizon) -> str:
    if valid_until is MISSING:
        return MISSING_S
    if valid_until is None:
        return VALID_S
    if valid_until < day:
        return EXPIRED_S
    if valid_until <= horizon:
        return EXPIRING_S
    return VALID_S


VALID_S, EXPIRING_S, EXPIRED_S, MISSING_S, NOT_REQUIRED_S = (
    CellStatus.VALID.value,
    CellStatus.EXPIRING.value,
    CellStatus.EXPIRED.value,
    CellStatus.MISSING.value,
    CellStatus.NOT_REQUIRED.value,
)


def released_for_duty(employee_id, induction, best) -> bool:
    return all(best.get((employee_id, c.pk), MISSING) is not MISSING for c in induction)


# The training matrix ---------------------------------------------------------------------


@dataclass
class MatrixCell:
    status: str
    valid_until: datetime.date | None = None
    before_taking_up: bool = False


@dataclass
class MatrixRow:
    employee: Employee
    post: Post
    department: Department
    cells: list
    released: bool
    meets_all: bool


@dataclass
class Matrix:
    day: datetime.date
    columns: list
    groups: list = field(default_factory=list)  # [(department, [(post, [rows])])]
    unmatched: dict = field(default_factory=dict)  # post → [names]
    row_count: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def rows(self):
        return [row for _d, posts in self.groups for _p, rows in posts for row in rows]


def _visible_assignments(user, day):
    qs = Assignment.objects.current(day).filter(
        Q(employee__leaving_date__isnull=True) | Q(employee__leaving_date__gte=day)
    )
    ids = visible_department_ids(user)
    if ids is not None:
        qs = qs.filter(post__department_id__in=ids)
    return qs


def training_matrix(user, *, department=None, post=None, course=None, status="", day=None) -> Matrix:
    """Employees (rows, grouped by department and post) × required courses (columns).

    Six queries whatever the size: assignments, courses, required training, special posts,
    qualifications, the department tree (for the department filter).
    """
    day = day or today()
    warn = warning_days()
    assignments = _visible_assignments(user, day).select_related("employee", "post__department")
    if department is not None:
        assignments = assignments.filter(post__department_id__in=with_descendants([department.pk], department_tree()))
    if post is not None:
        assignments = assignments.filter(post=post)
    assignments = list(
        assignments.order_by(
            "post__department__sort_order",
            "post__department__code",
            "post__sort_order",
            "post__code",
            "employee__number",
        )
    )
    courses = list(Course.objects.filter(is_active=True).order_by("-is_induction", "code"))
    post_ids = {a.post_id for a in assignments}
    reqs = post_requirements(post_ids, courses)
    best = best_qualifications([a.employee_id for a in assignments], day) if assignments else {}

    required_ids = {c.pk for c in reqs.induction}
    for by_course in reqs.by_post.values():
        required_ids.update(by_course)
    columns = [c for c in courses if c.pk in required_ids and (course is None or c.pk == course.pk)]

    groups, by_department, by_post = [], {}, {}
    counts = dict.fromkeys(CellStatus.values, 0)
    rows_kept = 0
    horizon = day + datetime.timedelta(days=warn)
    not_required = MatrixCell(NOT_REQUIRED_S)
    induction_ids = [c.pk for c in reqs.induction]
    for a in assignments:
        own = reqs.by_post.get(a.post_id, {})
        employee_id = a.employee_id
        cells = []
        for c in columns:
            requirement = own.get(c.pk)
            if requirement is None and not c.is_induction:
                cells.append(not_required)
                continue
            valid_until = best.get((employee_id, c.pk), MISSING)
            cells.append(
                MatrixCell(
                    _status(valid_until, day, horizon),
                    None if valid_until is MISSING else valid_until,
                    requirement.before_taking_up if requirement else True,
                )
            )
        meets_all = all(
            _status(best.get((employee_id, cid), MISSING), day, horizon) in MEETS for cid in (*own, *induction_ids)
        )
        row = MatrixRow(
            employee=a.employee,
            post=a.post,
            department=a.post.department,
            cells=cells,
            released=released_for_duty(a.employee_id, reqs.induction, best),
            meets_all=meets_all,
        )
        if status and not any(cell.status == status for cell in cells):
            continue
        for cell in cells:
            counts[cell.status] += 1
        rows_kept += 1
        dept = a.post.department
        if dept.pk not in by_department:
            by_department[dept.pk] = (dept, [])
            groups.append(by_department[dept.pk])
        if a.post_id not in by_post:
            by_post[a.post_id] = (a.post, [])
            by_department[dept.pk][1].append(by_post[a.post_id])
        by_post[a.post_id][1].append(row)
    posts = {a.post_id: a.post for a in assignments}
    unmatched = {posts[pid]: names for pid, names in reqs.unmatched.items() if pid in posts}
    return Matrix(day=day, columns=columns, groups=groups, unmatched=unmatched, row_count=rows_kept, counts=counts)


# Employee training file ------------------------------------------------------------------


def visible_employees(user):
    qs = Employee.objects.all()
    ids = visible_department_ids(user)
    if ids is None:
        return qs
    own = own_employee_id(user)
    in_branch = Assignment.objects.current().filter(post__department_id__in=ids).values("employee_id")
    return qs.filter(Q(pk__in=in_branch) | Q(pk=own))


def employee_file(employee, day=None) -> dict:
    """Everything the training file of one employee shows (constant queries)."""
    day = day or today()
    warn = warning_days()
    attendances = list(employee.training_attendances.select_related("event__course").order_by("-event__date", "-pk"))
    qualifications = list(
        employee.qualifications.select_related("course", "attendance__event").order_by("course__code", "-issued_on")
    )
    latest = {}
    for q in qualifications:
        if not q.voided and q.issued_on <= day:
            latest.setdefault(q.course_id, q)  # ordered newest first within a course
    for q in qualifications:
        q.status = CellStatus.EXPIRED if q.voided else cell_status(q.valid_until, day, warn)
        # An older certificate of a course renewed since no longer expires for anyone.
        q.renewed = not q.voided and latest.get(q.course_id) not in (None, q)
    posts = list(Assignment.objects.current(day).filter(employee=employee).select_related("post__department"))
    reqs = post_requirements([a.post_id for a in posts])
    best = best_qualifications([employee.pk], day)
    requirements = []
    seen = set()
    for course in reqs.induction:
        seen.add(course.pk)
        requirements.append(
            (course, _("induction"), cell_status(best.get((employee.pk, course.pk), MISSING), day, warn), None)
        )
    for a in posts:
        for course_id, requirement in reqs.by_post.get(a.post_id, {}).items():
            if course_id in seen:
                continue
            seen.add(course_id)
            requirements.append(
                (
                    requirement.course,
                    a.post.title,
                    cell_status(best.get((employee.pk, course_id), MISSING), day, warn),
                    requirement.before_taking_up,
                )
            )
    return {
        "employee": employee,
        "posts": posts,
        "attendances": attendances,
        "qualifications": qualifications,
        "requirements": requirements,
        "unmatched": [name for a in posts for name in reqs.unmatched.get(a.post_id, [])],
        "released": released_for_duty(employee.pk, reqs.induction, best),
        "hours": sum((a.event.hours for a in attendances if a.result in ("passed", "failed")), Decimal(0)),
        "day": day,
    }


# Expiring qualifications -----------------------------------------------------------------


def expiring_qualifications(*, days=None, day=None, user=None):
    """Qualifications in force that run out within ``days`` and have not been renewed by a
    later one of the same course (two queries)."""
    day = day or today()
    days = warning_days() if days is None else days
    horizon = day + datetime.timedelta(days=days)
    candidates = list(
        Qualification.objects.in_force()
        .filter(valid_until__gte=day, valid_until__lte=horizon)
        .select_related("employee", "course")
        .order_by("valid_until", "employee__number")
    )
    if user is not None:
        visible = set(visible_employees(user).values_list("pk", flat=True))
        candidates = [q for q in candidates if q.employee_id in visible]
    if not candidates:
        return []
    best = best_qualifications([q.employee_id for q in candidates], day)
    return [q for q in candidates if best.get((q.employee_id, q.course_id)) == q.valid_until]


# Needs, plans and KPIs -------------------------------------------------------------------


def visible_needs(user):
    qs = TrainingNeed.objects.select_related("department", "course", "post", "plan_item__plan", "requested_by")
    ids = visible_department_ids(user)
    if ids is None:
        return qs
    return qs.filter(department_id__in=ids)


def plan_in_force(year):
    """The latest approved or published revision of ``year``'s plan, or ``None``."""
    return TrainingPlan.objects.filter(year=year, status__in=PLAN_IN_FORCE).order_by("-revision").first()


def completed_line_keys(year) -> set:
    """Plan lines of ``year`` that a held training event carried out."""
    return set(
        TrainingEvent.objects.filter(status=EventStatus.HELD, plan_item__plan__year=year).values_list(
            "plan_item__line_key", flat=True
        )
    )


@dataclass
class PlanProgress:
    plan: TrainingPlan | None
    items_due: int = 0
    items_done: int = 0
    hours_due: Decimal = Decimal(0)
    hours_done: Decimal = Decimal(0)
    budget: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    items_total: int = 0

    @property
    def rate(self):
        return round(100 * self.items_done / self.items_due) if self.items_due else None

    @property
    def hours_rate(self):
        return round(100 * self.hours_done / self.hours_due) if self.hours_due else None


def _due_month(year, day):
    if year < day.year:
        return 12
    if year > day.year:
        return 0
    return day.month


def plan_progress(year, *, day=None, items=None, plan=None, done=None) -> PlanProgress:
    """Completion (items and hours completed / due so far) and cost of ``year``'s plan."""
    day = day or today()
    plan = plan if plan is not None else plan_in_force(year)
    progress = PlanProgress(plan=plan)
    if plan is None:
        return progress
    items = list(plan.items.all()) if items is None else items
    done = completed_line_keys(year) if done is None else done
    due_month = _due_month(year, day)
    progress.items_total = len(items)
    for item in items:
        progress.budget += item.budget
        if item.planned_month <= due_month:
            progress.items_due += 1
            progress.hours_due += item.hours
            if item.line_key in done:
                progress.items_done += 1
                progress.hours_done += item.hours
    if items is not None:
        progress.cost = sum(
            TrainingEvent.objects.filter(status=EventStatus.HELD, date__year=year).values_list("cost", flat=True),
            Decimal(0),
        )
    return progress


def item_departments(items) -> dict:
    """plan item id → ids of the departments its audience belongs to (two queries)."""
    result = {item.pk: set() for item in items}
    employee_ids = {e.pk for item in items for e in item.audience_employees.all()}
    departments_of = defaultdict(set)
    for employee_id, dept_id in (
        Assignment.objects.current()
        .filter(employee_id__in=employee_ids)
        .values_list("employee_id", "post__department_id")
    ):
        departments_of[employee_id].add(dept_id)
    for item in items:
        result[item.pk].update(d.pk for d in item.audience_departments.all())
        result[item.pk].update(p.department_id for p in item.audience_posts.all())
        for e in item.audience_employees.all():
            result[item.pk].update(departments_of[e.pk])
    return result


def kpis(user, *, year=None, day=None) -> dict:
    """Plan completion and the share of employees meeting every requirement of their posts,
    for the company and each department ``user`` may see (constant queries)."""
    day = day or today()
    year = year or day.year
    plan = plan_in_force(year)
    items = (
        list(plan.items.prefetch_related("audience_departments", "audience_posts", "audience_employees"))
        if plan
        else []
    )
    done = completed_line_keys(year)
    company = plan_progress(year, day=day, items=items, plan=plan, done=done)
    departments_of_item = item_departments(items)
    matrix = training_matrix(user, day=day)
    meets = defaultdict(dict)  # department id → {employee id: meets all}
    company_meets = {}
    for row in matrix.rows:
        dept = meets[row.department.pk]
        dept[row.employee.pk] = dept.get(row.employee.pk, True) and row.meets_all
        company_meets[row.employee.pk] = company_meets.get(row.employee.pk, True) and row.meets_all
    visible = visible_department_ids(user)
    departments = Department.objects.valid_on(day).order_by("sort_order", "code")
    if visible is not None:
        departments = departments.filter(pk__in=visible)
    per_department = []
    for department in departments:
        dept_items = [i for i in items if department.pk in departments_of_item[i.pk]]
        progress = plan_progress(year, day=day, items=dept_items, plan=plan, done=done) if plan else PlanProgress(None)
        staff = meets.get(department.pk, {})
        per_department.append(
            {
                "department": department,
                "progress": progress,
                "staff": len(staff),
                "meeting": sum(staff.values()),
                "share": round(100 * sum(staff.values()) / len(staff)) if staff else None,
            }
        )
    return {
        "year": year,
        "company": company,
        "company_staff": len(company_meets),
        "company_meeting": sum(company_meets.values()),
        "company_share": round(100 * sum(company_meets.values()) / len(company_meets)) if company_meets else None,
        "departments": per_department,
        "show_company": visible is None,
    }


def open_needs_count(user) -> int:
    return visible_needs(user).filter(status=NeedStatus.OPEN).count()


def plans_awaiting_approval():
    return list(TrainingPlan.objects.filter(status=PlanStatus.SUBMITTED))


#: Attendees are asked for feedback on the events of the last this many days.
FEEDBACK_DAYS = 60


def my_invitations(user):
    """Attendances of the user's own employee: to confirm, and to give feedback on."""
    employee_id = own_employee_id(user)
    if employee_id is None:
        return [], []
    rows = list(
        Attendance.objects.filter(employee_id=employee_id)
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event")
    )
    to_confirm = [a for a in rows if a.event.status == EventStatus.PLANNED and a.confirmed_at is None]
    since = today() - datetime.timedelta(days=FEEDBACK_DAYS)
    to_feedback = [a for a in rows if a.result in ("passed", "failed") and not a.feedback_at and a.event.date >= since]
    return to_confirm, to_feedback
