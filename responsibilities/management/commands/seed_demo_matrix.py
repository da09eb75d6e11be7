"""``manage.py seed_demo_matrix``: the demo company's quality responsibility matrix, a charter
for every department and one deliberate grey area of each kind.

Runs after ``seed_demo`` and ``seed_demo_documents``. Everything goes through the services, so
the workflow and the history are the real ones; every text is written for this demo. The
matrix marks every ISO 9001 clause for the main departments and is approved by the general
manager. Three grey areas are planted for the report to find: clause 8.4 led by both the
purchasing and the quality department (overlap), clause 6.3 that nobody leads (gap), and the
same duty in the job descriptions of a purchasing and a quality post (overlap). Running it
twice changes nothing.

The story's dates are counted from today: the charters, the two job descriptions and the
matrix were written about ten weeks after the system was taken into use, the matrix approved
by the general manager two days after it was submitted, and the grey area recorded twelve days
ago, so its follow-up is still open.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.clock import StoryCalendar, moved_clock
from org.models import Department, Post
from responsibilities import matrix_services, permissions, services
from responsibilities.choices import CellValue, DocumentStatus, GreyAreaKind, KpiDimension, MatrixKind
from responsibilities.matrix_selectors import grey_area_findings
from responsibilities.models import DepartmentCharter, GreyArea, IsoClause, JobDescription, Matrix

COLUMNS = ("GMO", "QD", "SD", "CSC", "PD", "PUR", "LOG", "HRD", "FIN", "TD")

# clause → (lead department codes, assisting department codes)
MARKS = {
    "4.1": (["GMO"], ["QD", "SD"]),
    "4.2": (["GMO"], ["SD", "QD", "CSC"]),
    "4.3": (["QD"], ["GMO"]),
    "4.4": (["QD"], ["GMO", "PD", "TD"]),
    "5.1": (["GMO"], ["QD"]),
    "5.2": (["GMO"], ["QD", "HRD"]),
    "5.3": (["HRD"], ["GMO", "QD"]),
    "6.1": (["QD"], ["GMO", "PD", "TD", "SD"]),
    "6.2": (["GMO"], ["QD", "SD", "PD", "PUR", "LOG", "HRD", "FIN", "TD"]),
    # Deliberate gap: changes to the system are planned by nobody in particular.
    "6.3": ([], ["QD", "TD"]),
    "7.1": (["GMO"], ["HRD", "PD", "FIN"]),
    "7.2": (["HRD"], ["QD", "PD", "TD"]),
    "7.3": (["HRD"], ["QD"]),
    "7.4": (["GMO"], ["HRD", "SD", "CSC"]),
    "7.5": (["QD"], ["GMO", "TD"]),
    "8.1": (["PD"], ["TD", "QD", "LOG"]),
    "8.2": (["SD"], ["TD", "QD", "CSC"]),
    "8.3": (["TD"], ["QD", "PD", "SD"]),
    # Deliberate overlap: purchasing and quality both claim the lead on suppliers.
    "8.4": (["PUR", "QD"], ["LOG", "TD"]),
    "8.5": (["PD"], ["TD", "QD", "LOG", "CSC"]),
    "8.6": (["QD"], ["PD", "LOG"]),
    "8.7": (["QD"], ["PD", "TD", "LOG"]),
    "9.1": (["QD"], ["CSC", "PD", "FIN", "SD"]),
    "9.2": (["QD"], ["GMO"]),
    "9.3": (["GMO"], ["QD"]),
    "10.1": (["QD"], ["GMO"]),
    "10.2": (["QD"], ["PD", "TD", "CSC"]),
    "10.3": (["GMO"], ["QD", "HRD"]),
}

# department code → purpose (within, do, achieve), key responsibilities, one KPI
CHARTERS = {
    "GMO": (
        ("公司章程与年度经营目标", "统筹资源、决策重大事项、推动质量方针落地", "公司稳健经营并持续满足客户要求"),
        [
            "制定经营计划与质量目标并分解到部门",
            "主持管理评审和重大事项决策",
            "协调跨部门事务并督办落实",
            "管理行政后勤与公文印章",
        ],
        ("经营目标达成率", "实际利润 / 目标利润", "≥ 100%"),
    ),
    "SD": (
        ("年度销售目标和价格政策", "开发维护客户、评审合同、跟踪交付与回款", "订单按期交付、应收账款可控"),
        ["编制销售计划并跟踪达成", "组织合同评审与签订", "协调交付计划与发货对账", "跟进应收账款与客户信用"],
        ("销售计划达成率", "实际销售额 / 计划销售额", "≥ 95%"),
    ),
    "CSC-IN": (
        ("客户服务中心的受理规范", "登记客户来电来函并转交责任部门", "每条客户反馈有记录、有人跟、有结果"),
        ["接听热线并登记反馈", "核对订单批次等基本信息", "按时限转交并跟踪移交", "每周整理受理台账"],
        ("按时转交率", "按时转交件数 / 受理件数", "≥ 98%"),
    ),
    "CSC-FU": (
        ("客户服务中心的回访计划", "回访客户并收集满意度信息", "确认问题真正解决、客户意见回流公司"),
        ["投诉关闭后按期回访", "重点客户定期走访", "发放回收满意度调查", "把仍不满意的问题退回质量部"],
        ("回访完成率", "已回访件数 / 应回访件数", "≥ 95%"),
    ),
    "PD": (
        ("安全、环保与质量要求", "计划并组织加工、焊接与装配", "以合理成本按期交付合格产品"),
        [
            "编制主生产计划与车间作业计划",
            "组织生产并控制交期与在制品",
            "落实工艺纪律与首件自检互检",
            "负责安全生产与设备管理",
        ],
        ("生产计划完成率", "按期完成工单 / 计划工单", "≥ 96%"),
    ),
    "PD-MC": (
        ("生产部下达的作业计划", "完成零件的车铣钻等机加工", "按时产出尺寸合格的零件"),
        ["按计划安排机台与人员", "执行首件确认与过程自检", "做好刀具与量具的日常管理", "统计产量与报废"],
        ("机加工一次合格率", "一次合格件数 / 加工件数", "≥ 98.5%"),
    ),
    "PD-AS": (
        ("生产部下达的作业计划", "完成焊接与总成装配", "按时交付功能合格的总成"),
        ["安排焊接与装配工位", "控制焊接参数并做焊缝检查", "执行装配防错与终检前自检", "维护工装夹具"],
        ("装配一次合格率", "一次合格总成 / 装配总成", "≥ 99%"),
    ),
    "PD-EQ": (
        ("设备管理制度", "点检、保养和维修生产设备与动力设施", "设备稳定可用、停机时间受控"),
        ["编制并执行预防性维护计划", "及时处理设备故障", "管理备品备件", "统计分析设备停机数据"],
        ("设备综合效率", "可用率 × 性能率 × 合格率", "≥ 85%"),
    ),
    "PUR": (
        ("采购制度与年度预算", "选择评价供应商并按需采购物料", "物料按时到货、质量合格、成本受控"),
        ["开发和评价供应商", "编制采购计划并下达订单", "跟踪交期并处理异常", "控制采购成本"],
        ("物料准时到货率", "准时到货批次 / 到货批次", "≥ 95%"),
    ),
    "LOG": (
        ("仓储与物流管理规定", "收发存物料和成品并安排发运", "账物一致、先进先出、准时发运"),
        ["办理入库出库并维护台账", "分区存放并执行先进先出", "组织盘点", "安排成品发运"],
        ("账物一致率", "账物相符项数 / 盘点项数", "≥ 99.5%"),
    ),
    "HRD": (
        ("公司人事制度与编制", "招聘、培训、考核并维护岗位职责", "岗位有人、人岗匹配、能力持续提升"),
        ["编制招聘计划并组织招聘", "组织培训并评价效果", "组织绩效考核", "维护组织架构、岗位说明书与职责矩阵"],
        ("培训计划完成率", "已完成培训 / 计划培训", "≥ 95%"),
    ),
    "FIN": (
        ("会计准则与公司财务制度", "核算、预算、资金与成本管理", "账务准确及时、资金安全"),
        ["按期完成会计核算与报表", "编制预算并监控执行", "管理资金收付", "开展成本分析"],
        ("报表按期提交率", "按期提交报表 / 应交报表", "100%"),
    ),
    "TD": (
        ("客户技术要求与公司开发流程", "开展产品与工艺设计开发并维护技术文件", "按节点完成开发、图纸工艺准确"),
        ["组织新产品开发与评审", "编制工艺文件与作业指导书", "管理工程变更", "支持生产和质量问题的技术分析"],
        ("开发节点达成率", "按期完成节点 / 计划节点", "≥ 90%"),
    ),
}

# The deliberate shared duty: the same work in a purchasing and a quality post's JD,
# written with different spacing and punctuation.
SHARED_DUTY = {
    "PUR-02": ("组织供应商年度质量审核", "牵头编制审核计划并带队到供应商现场审核。"),
    "QD-03": ("组织供应商 年度质量审核。", "按审核计划到供应商现场审核质量体系与过程。"),
}
OTHER_DUTIES = {
    "PUR-02": [("新供应商开发与评价", 50, "寻找潜在供应商并组织样品与能力评价。")],
    "QD-03": [("来料质量问题处理", 50, "分析来料不良并要求供应商整改。")],
}


class Command(BaseCommand):
    help = "Fill the demo company's quality responsibility matrix, charters and planted grey areas."

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            self.hr = User.objects.get(username="hr")
            self.gm = User.objects.get(username="gm")
            self.qm = User.objects.get(username="qm")
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first.") from exc
        if not IsoClause.objects.exists():
            raise CommandError("The ISO 9001 clauses are missing: run migrate.")
        self.calendar = StoryCalendar()
        written = self.calendar.at(self.calendar.go_live + datetime.timedelta(days=70), 10, 0)
        with transaction.atomic():
            charters = self.charters(written)
            with moved_clock(written + datetime.timedelta(days=10)):
                duties = self.shared_duty()
            cells = self.matrix(written + datetime.timedelta(days=20))
            with moved_clock(self.calendar.moment_ago(days=12, hours=2)):
                recorded = self.record_grey_area()
        findings = grey_area_findings()
        by_kind = {kind: sum(1 for f in findings if f.kind == kind) for kind in GreyAreaKind.values}
        self.stdout.write(f"Charters written: {charters}; job descriptions written: {duties}.")
        self.stdout.write(f"Matrix cells marked: {cells}; grey areas recorded: {recorded}.")
        self.stdout.write(
            "Grey-area report: " + ", ".join(f"{kind} {n}" for kind, n in by_kind.items() if kind != "other")
        )
        self.stdout.write(self.style.SUCCESS("Demo matrix ready."))

    # Charters --------------------------------------------------------------------------------------

    def charters(self, written: datetime.datetime) -> int:
        """Each charter on ``written``, or two weeks after its department was set up if later."""
        count = 0
        for code, (purpose, responsibilities, kpi) in CHARTERS.items():
            department = Department.objects.filter(code=code).first()
            if department is None or DepartmentCharter.objects.filter(department=department).exists():
                continue
            start = self.calendar.at(department.valid_from + datetime.timedelta(days=14), 10, 0)
            with moved_clock(min(max(written, start), self.calendar.started)):
                count += self.charter(department, purpose, responsibilities, kpi)
        return count

    def charter(self, department, purpose, responsibilities, kpi) -> int:
        charter = services.charter_new_draft(actor=self.hr, department=department)
        services.charter_update(
            actor=self.hr,
            charter=charter,
            revision=charter.edit_revision,
            fields={
                "purpose_within": purpose[0],
                "purpose_do": purpose[1],
                "purpose_achieve": purpose[2],
                "change_description": "首次发布",
            },
            responsibilities=responsibilities,
            kpis=[{"dimension": KpiDimension.INTERNAL_PROCESS, "name": kpi[0], "formula": kpi[1], "target": kpi[2]}],
        )
        services.charter_submit(actor=self.hr, charter=charter)
        candidates = permissions.charter_approver_candidates(department, exclude=services.charter_authors(charter))
        approver = get_user_model().objects.filter(pk__in=candidates).order_by("username").first()
        if approver is None:
            self.stdout.write(f"  charter {department.code}: nobody may approve it; left in review")
            return 0
        services.charter_decide(actor=approver, charter=charter, approve=True)
        self.stdout.write(f"  charter {department.code} {department.name}")
        return 1

    # The shared duty ---------------------------------------------------------------------------------

    def shared_duty(self) -> int:
        written = 0
        for code, (title, description) in SHARED_DUTY.items():
            post = Post.objects.filter(code=code).first()
            if post is None or JobDescription.objects.filter(post=post).exists():
                continue
            jd = services.jd_new_draft(actor=self.hr, post=post)
            duties = [{"title": title, "time_share": 30, "description": description, "tasks": []}]
            duties += [{"title": t, "time_share": s, "description": d, "tasks": []} for t, s, d in OTHER_DUTIES[code]]
            services.jd_update(
                actor=self.hr,
                jd=jd,
                revision=jd.edit_revision,
                fields={"summary": f"{post.title}岗位职责（首次发布）。", "change_description": "首次发布"},
                duties=duties,
            )
            services.jd_submit(actor=self.hr, jd=jd)
            jd.refresh_from_db()
            candidates = permissions.approver_candidates(post, exclude=permissions.jd_authors(jd))
            approver = get_user_model().objects.filter(pk__in=candidates).order_by("username").first()
            services.jd_approve(actor=approver, jd=jd)
            written += 1
            self.stdout.write(f"  job description {code} {post.title}")
        return written

    # The matrix -------------------------------------------------------------------------------------

    def matrix(self, drafted: datetime.datetime) -> int:
        if Matrix.objects.filter(kind=MatrixKind.COMPANY, status=DocumentStatus.EFFECTIVE).exists():
            self.stdout.write("  company matrix already in force")
            return 0
        matrix = Matrix.objects.filter(kind=MatrixKind.COMPANY, status=DocumentStatus.DRAFT).first()
        if matrix is None:
            with moved_clock(drafted):
                matrix = self._create_matrix()
        with moved_clock(drafted + datetime.timedelta(hours=3)):
            marked = self._mark(matrix)
        with moved_clock(drafted + datetime.timedelta(days=1)):
            matrix_services.matrix_submit(actor=self.hr, matrix=matrix)
        with moved_clock(drafted + datetime.timedelta(days=3)):
            matrix_services.matrix_approve(actor=self.gm, matrix=matrix)
        self.stdout.write(f"  company matrix {matrix.document_number} {matrix.version_label} in force")
        return marked

    def _create_matrix(self):
        return matrix_services.matrix_create(
            actor=self.hr,
            title="质量职能分配表",
            kind=MatrixKind.COMPANY,
            scope="适用于公司质量管理体系覆盖的全部部门，按 ISO 9001:2015 条款分配主责与协助部门。",
            departments=[Department.objects.get(code=code) for code in COLUMNS],
        )

    def _mark(self, matrix) -> int:
        rows = {row.clause.number: row for row in matrix.rows.select_related("clause")}
        columns = {column.department.code: column for column in matrix.columns.select_related("department")}
        marked = 0
        for number, (leads, assists) in MARKS.items():
            for codes, value in ((leads, CellValue.LEAD), (assists, CellValue.ASSIST)):
                for code in codes:
                    if number in rows and code in columns:
                        matrix_services.matrix_set_cell(
                            actor=self.hr, matrix=matrix, row=rows[number], column=columns[code], value=value
                        )
                        marked += 1
        return marked

    def record_grey_area(self) -> int:
        finding = next((f for f in grey_area_findings() if f.kind == GreyAreaKind.TWO_LEADS), None)
        if finding is None or GreyArea.objects.filter(finding_key=finding.key).exists():
            return 0
        matrix_services.grey_area_record(
            actor=self.hr,
            kind=finding.kind,
            description=finding.description,
            owner=self.qm,
            departments=finding.departments,
            proposal="由采购部主责供应商的选择、评价与交期，质量部主责来料质量与供应商质量审核；修订质量职能分配表 8.4 行。",
            finding_key=finding.key,
        )
        return 1
