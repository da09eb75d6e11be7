"""Demo data of the training module, on top of ``seed_demo`` and ``seed_demo_documents``.

The catalogue (mapped by alias to the demo's job descriptions and special posts), this
year's approved and published plan, the training events that carried it out with their
assessments (qualifications issued by the passes, some of them expiring soon), back-filled
induction records, a new hire not yet released for duty, and a few open needs. The demo's
special-post holders all hold their valid qualification, so the demo obeys the gate.

Every date is counted from today and every step runs at its moment of the story
(``core.clock.moved_clock``): this year's plan was drafted in December of last year and
approved and published before Christmas; each event is set up on its day and its results are
recorded that afternoon; sessions older than the system (its go-live) are back-filled on the
go-live day; the new hire joined ten days ago and the open needs were raised in the last weeks.

Idempotent: a second run finds the catalogue and stops.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.clock import StoryCalendar, moved_clock
from org import services as org_services
from org.models import Assignment, Department, Employee, Post, today
from training import services
from training.choices import AssessmentMethod, AttendanceResult, CourseKind, NeedSource, TrainingMethod
from training.models import Course, Qualification, TrainingEvent, TrainingNeed, add_months

INT, EXT, OJT = TrainingMethod.INTERNAL, TrainingMethod.EXTERNAL, TrainingMethod.ON_THE_JOB
WRT, PRA, EXM = AssessmentMethod.WRITTEN, AssessmentMethod.PRACTICAL, AssessmentMethod.EXTERNAL_EXAM

# code, name, kind, induction, validity months, hours, method, assessment, aliases, content
COURSES = [
    (
        "IND-01",
        "新员工入职培训",
        CourseKind.COURSE,
        True,
        None,
        16,
        INT,
        WRT,
        "",
        "四个单元：公司规章与员工手册；安全文明生产常识与劳保用品；质量意识与相关法规；"
        "本岗位职责与操作要点（由班组长带教）。四个单元考核合格后方可上岗。",
    ),
    (
        "QMS-AUD",
        "质量管理体系内审员",
        CourseKind.QUALIFICATION,
        False,
        36,
        24,
        EXT,
        EXM,
        "ISO 9001 内审员培训合格证书\n质量管理体系审核员",
        "外部机构组织的 ISO 9001 内审员课程，考试合格取得证书，三年复训一次。",
    ),
    (
        "IATF-AUD",
        "IATF 16949 过程审核员",
        CourseKind.QUALIFICATION,
        False,
        36,
        24,
        EXT,
        EXM,
        "IATF 16949 内审员培训",
        "汽车行业质量体系与过程审核方法，面向质量工程师。",
    ),
    (
        "SP-WELD",
        "特种作业：焊接与热切割",
        CourseKind.QUALIFICATION,
        False,
        72,
        40,
        EXT,
        EXM,
        "特种作业操作证（焊接与热切割）\n焊工特种作业操作证",
        "应急管理部门考核发证，六年有效，期间按要求复审。",
    ),
    (
        "SP-FORK",
        "特种设备作业：场内机动车辆（叉车）",
        CourseKind.QUALIFICATION,
        False,
        48,
        32,
        EXT,
        EXM,
        "特种设备作业人员证（场内机动车辆 N1）",
        "市场监管部门考核发证，四年复审。",
    ),
    (
        "CNC-SAFE",
        "数控设备安全操作",
        CourseKind.COURSE,
        False,
        24,
        6,
        OJT,
        PRA,
        "",
        "开机点检、防护门联锁、急停与换刀安全，现场实操考核。",
    ),
    (
        "PFMEA",
        "PFMEA 编制",
        CourseKind.COURSE,
        False,
        None,
        8,
        INT,
        WRT,
        "",
        "过程失效模式分析的步骤、评分与措施跟踪。",
    ),
    (
        "CS-COMP",
        "客户投诉处理流程",
        CourseKind.COURSE,
        False,
        None,
        4,
        INT,
        WRT,
        "",
        "投诉受理、登记、分派、答复时限与回访要求。",
    ),
    (
        "SPC",
        "统计过程控制（SPC）基础",
        CourseKind.COURSE,
        False,
        None,
        8,
        INT,
        WRT,
        "",
        "控制图的选择、判异规则与过程能力指数。",
    ),
    ("8D", "8D 问题解决方法", CourseKind.COURSE, False, None, 6, INT, WRT, "", "团队组建、围堵、根因分析与防止再发。"),
]

#: Plan lines of this year: month, course code, audience departments, audience posts, trainer, budget.
PLAN_LINES = [
    (1, "IND-01", (), (), "毕若楠", 0),
    (3, "SPC", ("QD", "PD-MC"), (), "王海峰", 1500),
    (4, "CNC-SAFE", (), ("PD-MC-03",), "柏国栋", 0),
    (5, "8D", ("QD", "SD"), (), "李明哲", 800),
    (6, "SP-WELD", (), ("PD-AS-02",), "市安全生产培训中心", 2400),
    (7, "CS-COMP", ("CSC",), (), "曹丽娟", 0),
    (9, "IATF-AUD", (), ("QD-02",), "外部认证机构讲师", 6000),
    (10, "QMS-AUD", (), ("QD-09", "QD-01"), "外部认证机构讲师", 4500),
    (11, "PFMEA", ("TD",), (), "皮文杰", 600),
    (12, "SP-FORK", (), ("LOG-05",), "市特种设备检验所", 1600),
]


class Command(BaseCommand):
    help = "Create the training demo: catalogue, this year's plan, events, qualifications and needs (idempotent)."

    def handle(self, *args, **options):
        if Course.objects.filter(code="IND-01").exists():
            self.stdout.write("Training demo already present.")
            return
        User = get_user_model()
        try:
            self.hr = User.objects.get(username="hr")
            self.gm = User.objects.get(username="gm")
            self.head = User.objects.get(username="head")
        except User.DoesNotExist as error:
            raise CommandError("Run seed_demo first.") from error
        self.today = today()
        self.calendar = StoryCalendar(self.today)
        self.go_live = self.calendar.at(self.calendar.go_live, 10, 0)
        with transaction.atomic(), moved_clock(self.go_live):
            self.courses = {}
            for code, name, kind, induction, months, hours, method, assessment, aliases, content in COURSES:
                self.courses[code] = services.course_create(
                    actor=self.hr,
                    code=code,
                    name=name,
                    kind=kind,
                    is_induction=induction,
                    validity_months=months,
                    default_hours=Decimal(hours),
                    method=method,
                    assessment_method=assessment,
                    aliases=aliases,
                    description=content,
                )
            self.stdout.write(f"  catalogue: {len(self.courses)} courses")
        with transaction.atomic():
            self.inductions()
            self.qualifications()
            plan = self.plan()
            self.new_hire()
            self.needs()
            self.check_gate()
        self.stdout.write(
            self.style.SUCCESS(
                f"Training demo: {Course.objects.count()} courses, plan {plan.year} with {plan.items.count()} lines, "
                f"{TrainingEvent.objects.count()} events, {Qualification.objects.count()} qualifications, "
                f"{TrainingNeed.objects.count()} needs."
            )
        )

    # Helpers -------------------------------------------------------------------------------

    def moments(self, day):
        """When an event of ``day`` was set up and when its results were recorded: that morning
        and that afternoon, or the go-live day for sessions older than the system."""
        if self.calendar.at(day, 17, 0) <= self.go_live:
            return self.go_live, self.go_live + datetime.timedelta(minutes=30)
        started = self.calendar.started
        return min(self.calendar.at(day, 8, 30), started), min(self.calendar.at(day, 17, 0), started)

    def event(self, code, day, trainer, numbers, *, title="", failed=(), plan_item=None, cost=0, held=True):
        set_up, done = self.moments(day)
        with moved_clock(set_up):
            event = self.event_create(code, day, trainer, numbers, title, plan_item, cost)
        if held:
            with moved_clock(done):
                self.event_results(event, failed)
        return event

    def event_create(self, code, day, trainer, numbers, title, plan_item, cost):
        course = self.courses[code]
        employees = list(Employee.objects.filter(number__in=numbers).order_by("number"))
        return services.event_create(
            actor=self.hr,
            course=course,
            plan_item=plan_item,
            title=title or course.name,
            date=day,
            trainer=trainer,
            location="培训室" if course.method != EXT else "外部考点",
            method=course.method,
            hours=course.default_hours,
            assessment_method=course.assessment_method,
            cost=Decimal(cost),
            pass_score=Decimal(60) if course.assessment_method == WRT else None,
            attendees=employees,
        )

    def event_results(self, event, failed):
        for attendance in event.attendances.select_related("employee"):
            fail = attendance.employee.number in failed
            score = None
            if event.pass_score is not None:
                score = Decimal(52 if fail else 70 + (int(attendance.employee.number[-2:]) * 7) % 28)
            services.attendance_record_result(
                actor=self.hr,
                attendance=attendance,
                result=AttendanceResult.FAILED if fail else AttendanceResult.PASSED,
                score=score,
            )
        services.event_complete(actor=self.hr, event=event)

    def expiring_in(self, days, months):
        """The exam date that makes a qualification of ``months`` run out in ``days`` days."""
        return add_months(self.today + datetime.timedelta(days=days), -months)

    # Content -------------------------------------------------------------------------------

    def inductions(self):
        """Back-filled induction records: one session per hiring year for the people hired then."""
        employees = list(Employee.objects.all())
        by_year = {}
        for e in employees:
            by_year.setdefault(e.hire_date.year, []).append(e)
        count = 0
        for year, people in sorted(by_year.items()):
            day = max(e.hire_date for e in people) + datetime.timedelta(days=7)
            if day > self.today:
                continue
            present = [e.number for e in people if e.is_employed_on(day)]
            self.event("IND-01", day, "毕若楠", present, title=f"{year}年新员工入职培训（档案补录）")
            count += 1
        self.stdout.write(f"  induction: {count} back-filled sessions")

    def qualifications(self):
        """Licences and certificates: every special-post holder is qualified; some run out soon."""
        t = self.today
        # Special posts: internal auditors, welders, forklift driver.
        self.event(
            "QMS-AUD",
            self.expiring_in(45, 36),
            "外部认证机构讲师",
            ["E0006"],
            title="ISO 9001 内审员取证（质量部经理）",
        )
        self.event("QMS-AUD", add_months(t, -14), "外部认证机构讲师", ["E0019", "E0020"], title="ISO 9001 内审员复训")
        self.event(
            "SP-WELD", add_months(t, -30), "市安全生产培训中心", ["E0049", "E0051"], title="焊工特种作业操作证复审"
        )
        self.event(
            "SP-WELD",
            self.expiring_in(38, 72),
            "市安全生产培训中心",
            ["E0050"],
            title="焊工特种作业操作证复审（韦国华）",
        )
        self.event("SP-FORK", add_months(t, -20), "市特种设备检验所", ["E0070"], title="叉车作业人员证复审")
        # Required by job descriptions.
        self.event("IATF-AUD", add_months(t, -30), "外部认证机构讲师", ["E0007"], title="IATF 16949 过程审核员培训")
        self.event("PFMEA", add_months(t, -26), "皮文杰", ["E0081"], title="PFMEA 编制方法")
        self.event("CS-COMP", add_months(t, -8), "曹丽娟", ["E0030", "E0031", "E0029"], title="投诉处理流程宣贯")
        self.event("CNC-SAFE", self.expiring_in(20, 24), "柏国栋", ["E0045"], title="数控设备安全操作（补训）")
        self.event("CNC-SAFE", add_months(t, -30), "柏国栋", ["E0046"], title="数控设备安全操作（新员工）")
        self.stdout.write(f"  qualifications: {Qualification.objects.count()} issued so far")

    def plan(self):
        year = self.today.year
        drafted = self.calendar.at(self.calendar.year(-1, 12, 10), 9, 0)
        with moved_clock(drafted):
            plan = services.plan_create(actor=self.hr, year=year, title=f"{year}年度培训计划")
            items = self.plan_items(plan)
        with moved_clock(drafted + datetime.timedelta(days=5)):
            services.plan_submit(actor=self.hr, plan=plan)
        with moved_clock(drafted + datetime.timedelta(days=10, hours=6)):
            services.plan_approve(actor=self.gm, plan=plan, comment="同意，按计划组织实施并控制费用。")
        with moved_clock(drafted + datetime.timedelta(days=12)):
            services.plan_publish(actor=self.hr, plan=plan, departments=Department.objects.valid_on())
        self.plan_events(year, items)
        self.stdout.write(f"  plan {plan}: approved, published to {plan.distributions.count()} departments")
        return plan

    def plan_items(self, plan):
        departments = {d.code: d for d in Department.objects.all()}
        posts = {p.code: p for p in Post.objects.all()}
        items = {}
        for month, code, dept_codes, post_codes, trainer, budget in PLAN_LINES:
            course = self.courses[code]
            items[code] = services.plan_item_save(
                actor=self.hr,
                plan=plan,
                course=course,
                content=course.name,
                planned_month=month,
                method=course.method,
                trainer=trainer,
                hours=course.default_hours,
                assessment_method=course.assessment_method,
                budget=Decimal(budget),
                departments=[departments[c] for c in dept_codes] or ([] if post_codes else [departments["GMO"]]),
                posts=[posts[c] for c in post_codes],
            )
        return items

    def plan_events(self, year, items):
        month = self.today.month

        def day_in(m, d=15):
            return min(datetime.date(year, m, d), self.today - datetime.timedelta(days=1))

        # Lines carried out so far (the others are due later, or overdue to show in the KPIs).
        if month > 3:
            self.event(
                "SPC",
                day_in(3),
                "王海峰",
                ["E0007", "E0008", "E0010", "E0039", "E0040", "E0047"],
                plan_item=items["SPC"],
                cost=1200,
            )
        if month > 4:
            self.event(
                "CNC-SAFE",
                day_in(4),
                "柏国栋",
                ["E0041", "E0042", "E0043", "E0044"],
                plan_item=items["CNC-SAFE"],
            )
        if month > 5:
            self.event(
                "8D",
                day_in(5),
                "李明哲",
                ["E0007", "E0008", "E0009", "E0023", "E0024"],
                failed=["E0024"],
                plan_item=items["8D"],
                cost=650,
            )
        if month > 7:
            self.event("CS-COMP", day_in(7), "曹丽娟", ["E0028", "E0032"], plan_item=items["CS-COMP"])
        if month > 10:
            self.event("QMS-AUD", day_in(10, 20), "外部认证机构讲师", ["E0021"], plan_item=items["QMS-AUD"], cost=4200)

    def new_hire(self):
        """A new assembly worker, hired ten days ago: induction still to come."""
        hired = self.today - datetime.timedelta(days=10)
        with moved_clock(self.calendar.at(hired, 8, 30)):
            employee = Employee.objects.filter(number="E0084").first() or org_services.employee_create(
                actor=self.hr, number="E0084", name="顾小川", hire_date=hired
            )
            post = Post.objects.get(code="PD-AS-04")
            org_services.assignment_create(actor=self.hr, employee=employee, post=post, start=hired)
        session = self.today + datetime.timedelta(days=5)
        with moved_clock(self.calendar.at(hired, 10, 0)):
            self.event_create(
                "IND-01",
                session,
                "毕若楠",
                ["E0084"],
                f"{session.year}年第{(session.month - 1) // 3 + 1}季度新员工入职培训",
                None,
                0,
            )
        self.stdout.write("  new hire E0084 顾小川: not yet released for duty")

    def check_gate(self):
        """The demo obeys its own gate: every special-post holder is qualified today."""
        for a in Assignment.objects.current().filter(post__is_special=True).select_related("employee", "post"):
            missing = services.missing_for_post(a.employee, a.post)
            if missing:
                raise CommandError(f"{a.employee} lacks {', '.join(c.name for c in missing)} for {a.post}.")

    def needs(self):
        departments = {d.code: d for d in Department.objects.all()}
        with moved_clock(self.calendar.moment_ago(days=19, hours=6)):
            self.need_spc(departments)
        with moved_clock(self.calendar.moment_ago(days=9, hours=4)):
            self.need_iatf(departments)
        with moved_clock(self.calendar.moment_ago(days=3, hours=5)):
            self.need_welding(departments)
        self.stdout.write(f"  needs: {TrainingNeed.objects.filter(status='open').count()} open")

    def need_spc(self, departments):
        services.need_create(
            actor=self.head,
            department=departments["PD-MC"],
            course=self.courses["SPC"],
            topic=self.courses["SPC"].name,
            reason="新导入的曲轴类零件需班组长自行判读控制图。",
            due_date=datetime.date(self.today.year + 1, 3, 31),
            employees=list(Employee.objects.filter(number__in=["E0039", "E0040"])),
        )

    def need_iatf(self, departments):
        services.need_create(
            actor=self.hr,
            department=departments["QD"],
            course=self.courses["IATF-AUD"],
            topic=self.courses["IATF-AUD"].name,
            source=NeedSource.DEPARTMENT,
            reason="QA工程师岗位说明书要求，赵婧尚未取得。",
            due_date=datetime.date(self.today.year + 1, 4, 30),
            employees=list(Employee.objects.filter(number="E0008")),
        )

    def need_welding(self, departments):
        services.need_create(
            actor=self.head,
            department=departments["PD-AS"],
            topic="焊接返修作业指导书更新宣贯",
            reason="客户反馈焊缝外观不良后修订了返修工艺。",
            due_date=self.today + datetime.timedelta(days=30),
        )
