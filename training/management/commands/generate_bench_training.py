"""``manage.py generate_bench_training --employees N --courses C``: training data at scale.

A company ``BT<N>`` of N/20 posts of 20 employees each in N/200 departments below one root,
C courses (the first an induction course), an effective job description per post requiring
five of the courses (rotating, so every course is required somewhere), one held training
event per course, and a pass for about four in five required cells — with one in ten of them
expiring or expired — so the matrix shows every status.

Codes start with ``BT<N>-`` so sizes live side by side; an existing prefix is skipped. Rows
are written in bulk (history rows too), in a few dozen queries.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.clock import on_day
from org.models import Assignment, Department, Employee, Post, today
from responsibilities.models import JobDescription, RequiredTraining
from training.choices import AttendanceResult, EventStatus
from training.models import Attendance, Course, Qualification, TrainingEvent, add_months

PER_POST = 20
PER_DEPARTMENT = 10  # posts
REQUIRED_PER_POST = 5


class Command(BaseCommand):
    help = "Create a synthetic company with training records for the training matrix benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=2000)
        parser.add_argument("--courses", type=int, default=30)

    def handle(self, *args, employees, courses, **options):
        prefix = f"BT{employees}"
        if Department.objects.filter(code=f"{prefix}-ROOT").exists():
            self.stdout.write(f"{prefix} already present.")
            return
        started = time.perf_counter()
        actor = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create(
            username=f"{prefix.lower()}-admin", is_superuser=True
        )
        with transaction.atomic():
            self.build(prefix, employees, courses, actor)
        self.stdout.write(f"{prefix}: done in {time.perf_counter() - started:.1f} s")

    def build(self, prefix, n, course_count, actor):
        day = today()
        start = on_day(day.year - 6, 1, 1)
        root = Department.objects.create(code=f"{prefix}-ROOT", name=f"基准公司 {n}", valid_from=start)
        post_count = max(1, n // PER_POST)
        dept_count = max(1, post_count // PER_DEPARTMENT)
        departments = bulk_create_with_history(
            [
                Department(code=f"{prefix}-D{i:03d}", name=f"部门 {i}", parent=root, valid_from=start, sort_order=i)
                for i in range(dept_count)
            ],
            Department,
        )
        departments = list(Department.objects.filter(parent=root).order_by("sort_order"))
        bulk_create_with_history(
            [
                Post(
                    code=f"{prefix}-P{i:04d}",
                    title=f"岗位 {i}",
                    department=departments[i % dept_count],
                    headcount=PER_POST,
                    valid_from=start,
                    sort_order=i,
                )
                for i in range(post_count)
            ],
            Post,
        )
        posts = list(Post.objects.filter(code__startswith=f"{prefix}-P").order_by("sort_order"))
        self.stdout.write(f"  {dept_count} departments, {len(posts)} posts")
        bulk_create_with_history(
            [Employee(number=f"{prefix}-E{i:05d}", name=f"员工{i}", hire_date=start) for i in range(n)], Employee
        )
        people = list(Employee.objects.filter(number__startswith=f"{prefix}-E").order_by("number"))
        bulk_create_with_history(
            [Assignment(employee=e, post=posts[i // PER_POST % len(posts)], start=start) for i, e in enumerate(people)],
            Assignment,
        )
        self.stdout.write(f"  {len(people)} employees assigned")
        bulk_create_with_history(
            [
                Course(
                    code=f"{prefix}-C{i:02d}",
                    name=f"{prefix} 课程 {i:02d}",
                    is_induction=i == 0,
                    validity_months=None if i % 3 == 0 else 24,
                )
                for i in range(course_count)
            ],
            Course,
        )
        catalogue = list(Course.objects.filter(code__startswith=f"{prefix}-C").order_by("code"))
        jds = bulk_create_with_history(
            [
                JobDescription(
                    post=p, version=1, status="effective", document_number=f"JD-{p.code}", effective_date=start
                )
                for p in posts
            ],
            JobDescription,
        )
        jds = list(JobDescription.objects.filter(post__in=posts).order_by("post__sort_order"))
        required = {}
        rows = []
        for i, jd in enumerate(jds):
            picks = [catalogue[1 + (i * REQUIRED_PER_POST + k) % (course_count - 1)] for k in range(REQUIRED_PER_POST)]
            required[jd.post_id] = picks
            rows += [
                RequiredTraining(job_description=jd, order=k, name=c.name, before_taking_up=k == 0)
                for k, c in enumerate(picks)
            ]
        RequiredTraining.objects.bulk_create(rows)
        events = {
            c.pk: TrainingEvent(
                course=c,
                title=c.name,
                date=add_months(day, -12),
                trainer="讲师",
                status=EventStatus.HELD,
                created_by=actor,
            )
            for c in catalogue
        }
        bulk_create_with_history(list(events.values()), TrainingEvent)
        events = {e.course_id: e for e in TrainingEvent.objects.filter(course__in=catalogue)}
        attendances = []
        for i, e in enumerate(people):
            post = posts[i // PER_POST % len(posts)]
            for k, course in enumerate([catalogue[0], *required[post.pk]]):
                if (i + k) % 5 == 4:
                    continue  # missing
                attendances.append(Attendance(event=events[course.pk], employee=e, result=AttendanceResult.PASSED))
        Attendance.objects.bulk_create(attendances, batch_size=1000)
        attendances = list(
            Attendance.objects.filter(employee__in=people).select_related("event__course").order_by("pk")
        )
        qualifications = []
        for j, a in enumerate(attendances):
            issued = a.event.date
            if j % 10 == 3:
                issued = add_months(day, -23)  # expiring
            elif j % 10 == 7:
                issued = add_months(day, -30)  # expired
            qualifications.append(
                Qualification(
                    employee_id=a.employee_id,
                    course=a.event.course,
                    attendance=a,
                    issued_on=issued,
                    valid_until=a.event.course.valid_until(issued),
                )
            )
        Qualification.objects.bulk_create(qualifications, batch_size=1000)
        self.stdout.write(
            f"  {len(catalogue)} courses, {len(attendances)} attendances, {len(qualifications)} qualifications"
        )
