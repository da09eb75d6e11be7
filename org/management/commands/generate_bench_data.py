"""``manage.py generate_bench_data --posts N``: a synthetic company of N posts for benchmarks.

About N/20 departments in a tree three levels deep (one root, about √D departments below it,
the rest below those), N posts (a head post per department reporting to the parent's head,
two leads under the head, the others under the leads; some posts have two or three seats) and
about 0.9 employees per seat, so roughly every tenth seat is vacant.

Every code starts with ``B<N>-`` (departments ``B2000-D0001``, posts ``B2000-P00001``,
employees ``B2000-E00001``), so companies of different sizes live side by side. Nothing is
ever deleted: if the prefix is already taken the command says so and stops.

Rows are written with ``bulk_create_with_history`` so that simple-history still gets a
history row for each of them, and the whole company is built in a few dozen queries.
"""

import datetime
import math
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.clock import on_day
from org.choices import AssignmentKind, Grade, Role
from org.models import Assignment, Department, Employee, Post

#: The bench company exists since 1 January six years ago (counted from the day it is built).
VALID_FROM = on_day(timezone.localdate().year - 6, 1, 1)
BATCH = 500
REASON = "generate_bench_data"

DEPARTMENT_NAMES = ["生产", "质量", "销售", "采购", "仓储", "技术", "设备", "财务", "人事", "客服"]
TITLES = ["工程师", "专员", "检验员", "操作工", "技术员", "计划员", "文员", "班组长"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
]


def department_layout(count):
    """Parent index (or None) of each of ``count`` departments: a tree three levels deep."""
    parents = [None]
    middle = max(1, min(count - 1, round(math.sqrt(max(count - 1, 0)))))
    parents += [0] * min(middle, count - 1)
    for i in range(count - len(parents)):
        parents.append(1 + i % middle)
    return parents


def seats_for(index):
    """Seats of the ``index``-th non-head post of a department: mostly one, some two or three."""
    if index % 4 == 3:
        return 3
    if index % 7 == 5:
        return 2
    return 1


class Command(BaseCommand):
    help = "Create a synthetic company of N posts (codes B<N>-…) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=200, help="number of posts (default 200)")

    def handle(self, *args, posts, **options):
        if posts < 1:
            raise CommandError("--posts must be at least 1.")
        prefix = f"B{posts}-"
        if Department.objects.filter(code__startswith=prefix).exists():
            self.stdout.write(f"Bench data {prefix}… already present: nothing created.")
            return
        self.prefix, self.started = prefix, time.perf_counter()
        users = get_user_model().objects.order_by("pk")
        self.actor = (
            users.filter(is_superuser=True).first() or users.filter(groups__name=Role.ADMINISTRATOR.value).first()
        )
        with transaction.atomic():
            departments = self.create_departments(max(1, round(posts / 20)), posts)
            post_rows = self.create_posts(departments, posts)
            self.create_people(post_rows)
        self.say(f"Done: bench company {prefix}… root department {departments[0].code} (pk {departments[0].pk}).")

    def say(self, text):
        self.stdout.write(f"[{time.perf_counter() - self.started:6.2f} s] {text}")

    def bulk(self, objs, model):
        return bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=self.actor, default_change_reason=REASON
        )

    def create_departments(self, count, posts):
        parents = department_layout(count)
        by_index = {}
        for level in range(3):
            wave = []
            for i, parent in enumerate(parents):
                depth = 0 if parent is None else (1 if parents[parent] is None else 2)
                if depth != level:
                    continue
                name = f"基准公司（{posts}岗位）" if parent is None else f"{DEPARTMENT_NAMES[i % 10]}{i:04d}部"
                wave.append(
                    (
                        i,
                        Department(
                            code=f"{self.prefix}D{i + 1:04d}",
                            name=name,
                            parent=by_index[parent] if parent is not None else None,
                            valid_from=VALID_FROM,
                            sort_order=i,
                        ),
                    )
                )
            created = self.bulk([dept for _i, dept in wave], Department)
            by_index.update({i: dept for (i, _old), dept in zip(wave, created, strict=True)})
        departments = [by_index[i] for i in range(count)]
        self.parents = parents
        self.say(f"{count} departments")
        return departments

    def create_posts(self, departments, total):
        count = len(departments)
        per_department = [total // count + (1 if i < total % count else 0) for i in range(count)]
        serial = iter(range(1, total + 1))
        grade_for = [Grade.PROFESSIONAL, Grade.JUNIOR, Grade.SENIOR]

        def new_post(department, title, superior, seats, grade, order):
            return Post(
                code=f"{self.prefix}P{next(serial):05d}",
                title=title,
                department=department,
                superior=superior,
                headcount=seats,
                grade=grade,
                valid_from=VALID_FROM,
                sort_order=order,
            )

        # Head posts level by level (each reports to the parent department's head), then the
        # leads under the heads, then everybody else under the leads.
        heads = {}
        for level in range(3):
            wave = []
            for i, department in enumerate(departments):
                parent = self.parents[i]
                depth = 0 if parent is None else (1 if self.parents[parent] is None else 2)
                if depth == level and per_department[i]:
                    superior = heads.get(parent)
                    wave.append(
                        (
                            i,
                            new_post(department, f"{department.name}负责人", superior, 1, Grade.MANAGEMENT, 0),
                        )
                    )
            for (i, _old), post in zip(wave, self.bulk([p for _i, p in wave], Post), strict=True):
                heads[i] = post
        leads, wave = {}, []
        for i, department in enumerate(departments):
            for k in range(min(2, per_department[i] - 1)):
                wave.append(
                    (
                        i,
                        new_post(department, f"{department.name}主管{k + 1}", heads[i], 1, Grade.SENIOR, k + 1),
                    )
                )
        for (i, _old), post in zip(wave, self.bulk([p for _i, p in wave], Post), strict=True):
            leads.setdefault(i, []).append(post)
        wave = []
        for i, department in enumerate(departments):
            for k in range(per_department[i] - 1 - len(leads.get(i, []))):
                superior = leads[i][k % len(leads[i])]
                title = f"{TITLES[k % len(TITLES)]}{k + 1:02d}"
                wave.append(new_post(department, title, superior, seats_for(k), grade_for[k % 3], k + 3))
        others = self.bulk(wave, Post)
        all_posts = list(heads.values()) + [p for group in leads.values() for p in group] + others
        self.say(f"{len(all_posts)} posts, {sum(p.headcount for p in all_posts)} seats")

        for i, department in enumerate(departments):
            department.head_post = heads.get(i)
        bulk_update_with_history(
            departments,
            Department,
            ["head_post"],
            batch_size=BATCH,
            default_user=self.actor,
            default_change_reason=REASON,
        )
        self.say("head posts set")
        return all_posts

    def create_people(self, posts):
        seats = [post for post in sorted(posts, key=lambda p: p.code) for _seat in range(post.headcount)]
        filled = [post for n, post in enumerate(seats) if n % 10 != 9]
        employees = []
        for n in range(len(filled)):
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[n % 7]
            hired = VALID_FROM + datetime.timedelta(days=n % 1500)
            employees.append(Employee(number=f"{self.prefix}E{n + 1:05d}", name=name, hire_date=hired))
        employees = self.bulk(employees, Employee)
        self.say(f"{len(employees)} employees")
        assignments = [
            Assignment(employee=employee, post=post, kind=AssignmentKind.PRIMARY, start=employee.hire_date)
            for employee, post in zip(employees, filled, strict=True)
        ]
        self.bulk(assignments, Assignment)
        self.say(f"{len(assignments)} assignments, {len(seats) - len(filled)} vacant seats")
