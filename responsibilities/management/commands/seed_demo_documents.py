"""Demo job descriptions and department charters for the demo company of ``seed_demo``.

Every text here is written for this demo. Everything goes through the services, so the
workflow, the history and the issued PDFs are the real ones. Each step runs at its own moment
of the story, counted from today: the first versions were issued a few weeks after the system
was taken into use (``seed_demo``'s go-live), the QA engineer's revision took effect three weeks
ago, a production revision waits for approval since last week and a warehouse draft is two days
old. Running it twice changes nothing:
posts that already have a job description, and departments that already have a charter, are
skipped.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.clock import StoryCalendar, moved_clock
from org.models import Department, Employee, Post
from responsibilities import permissions, services
from responsibilities.choices import KpiDimension
from responsibilities.models import DepartmentCharter, DesignatedApprover, JobDescription

COMMON = {
    "working_hours": "标准工时，周一至周五 8:00–17:00；旺季按生产计划安排轮班",
    "working_environment": "办公室与生产现场相结合，现场需穿戴劳保用品",
}

# post code → sections, duties (title, share, description, tasks), KPIs, training
JOB_DESCRIPTIONS = {
    "QD-02": {
        "summary": "负责客户质量问题的技术分析与闭环，推动纠正预防措施落地，代表质量部对接主机厂质量工程师。",
        "performance_standards": "客户投诉按期关闭；8D 报告一次通过；内部质量损失逐季下降。",
        "supervised_by": "质量部经理",
        "supervises": "无直接下属；对检验员给予技术指导",
        "internal_relations": "生产部、技术部、采购部、客户服务中心",
        "external_relations": "主机厂 SQE、第三方检测机构",
        "authorities": "对可疑批次提出隔离和停线建议；要求责任部门提交原因分析；参与让步放行评审",
        "education": "大专及以上，机械、材料或质量管理相关专业",
        "experience": "三年以上汽车零部件质量工作经验",
        "knowledge": "IATF 16949、8D、FMEA、SPC、MSA",
        "skills": "问题分析、跨部门沟通、报告写作",
        "duties": [
            (
                "客户投诉技术分析",
                40,
                "接到投诉后组织初步分析，判断有效性并推动原因调查。",
                [
                    (
                        "QA工程师",
                        "确认不良现象与批次",
                        "调取出货记录与留样复测",
                        "接到投诉后 12 小时内",
                        "形成初步分析结论",
                    ),
                    (
                        "QA工程师",
                        "组织原因分析",
                        "5Why 与鱼骨图，必要时召集跨部门小组",
                        "投诉确认后 3 天内",
                        "找到根本原因",
                    ),
                ],
            ),
            (
                "纠正预防措施跟踪",
                30,
                "跟踪责任部门措施的实施与效果验证。",
                [
                    ("QA工程师", "跟踪措施实施", "现场验证并收集证据", "按措施计划节点", "措施按期完成"),
                    ("QA工程师", "验证措施有效性", "连续三批数据对比", "措施完成后一个月", "问题不再发生"),
                ],
            ),
            (
                "过程质量改进",
                20,
                "分析内部质量数据，提出改进课题。",
                [
                    ("QA工程师", "统计月度不良", "按缺陷类别做柏拉图", "每月 5 日前", "月度质量分析报告"),
                ],
            ),
            (
                "质量体系支持",
                10,
                "参与内审与客户审核的准备工作。",
                [
                    ("QA工程师", "准备审核资料", "按条款整理记录", "审核前一周", "资料齐全可追溯"),
                ],
            ),
        ],
        "kpis": [
            ("客户投诉按期关闭率", "按期关闭的投诉数 / 应关闭的投诉数", "≥ 95%", "monthly", 40, "投诉台账"),
            ("重复投诉次数", "同一原因再次发生的投诉数", "0 次", "quarterly", 30, "投诉台账"),
            ("内部不良率", "不良品数 / 生产总数", "≤ 0.8%", "monthly", 30, "MES 报表"),
        ],
        "training": [
            ("IATF 16949 内审员培训", False, 36),
            ("8D 问题解决方法", True, None),
        ],
    },
    "QD-01": {
        "summary": "全面负责公司质量管理体系的建立与运行，对产品质量和客户满意结果负责。",
        "performance_standards": "体系审核无严重不符合；客户质量目标达成；质量成本受控。",
        "supervised_by": "总经理",
        "supervises": "QA工程师、检验主管、供应商质量工程师、计量管理员、内审员、体系文控专员",
        "internal_relations": "各部门负责人",
        "external_relations": "客户质量部门、认证机构、政府质量监督部门",
        "authorities": "批准检验规范；决定不合格品处置方式；对质量事故提出考核意见",
        "education": "本科及以上",
        "experience": "八年以上质量管理经验，其中三年以上部门管理经验",
        "knowledge": "ISO 9001、IATF 16949、质量成本管理",
        "skills": "团队管理、决策、对外沟通",
        "duties": [
            (
                "质量体系运行",
                35,
                "组织体系文件的编制、评审与持续改进。",
                [
                    ("质量部经理", "主持管理评审资料准备", "汇总各过程绩效数据", "每年 12 月", "管理评审输入完整"),
                ],
            ),
            (
                "客户质量",
                35,
                "对客户投诉和退货的处理结果负责。",
                [
                    ("质量部经理", "审批客户回复", "审核 8D 报告后签发", "投诉有效性确认后 48 小时内", "按期回复客户"),
                ],
            ),
            (
                "部门管理",
                30,
                "制定部门目标，培养质量团队。",
                [
                    ("质量部经理", "分解部门目标", "与每位下属签订目标责任书", "每年 1 月", "目标责任书签订率 100%"),
                ],
            ),
        ],
        "kpis": [
            ("客户满意度", "调查总分 / 100", "≥ 95%", "yearly", 40, "满意度调查报告"),
            ("外部审核严重不符合项", "审核报告中的严重不符合数", "0 项", "yearly", 30, "审核报告"),
            ("质量损失率", "质量损失金额 / 销售额", "≤ 1%", "quarterly", 30, "财务报表"),
        ],
        "training": [("质量管理体系审核员", True, 36)],
    },
    "TD-03": {
        "summary": "编制和维护产品工艺文件，解决生产现场工艺问题，持续提升加工效率和一次合格率。",
        "performance_standards": "工艺文件与现场一致；新品工艺按节点释放。",
        "supervised_by": "技术部经理",
        "supervises": "无",
        "internal_relations": "生产部、质量部、设备动力科",
        "external_relations": "刀具、夹具供应商",
        "authorities": "提出工艺变更申请；现场工艺纪律检查",
        "education": "本科，机械制造相关专业",
        "experience": "两年以上机加工工艺经验",
        "knowledge": "数控加工工艺、PFMEA、控制计划",
        "skills": "CAD/CAM、数据分析",
        "duties": [
            (
                "工艺文件编制",
                50,
                "编制作业指导书、控制计划和过程流程图。",
                [
                    ("工艺工程师", "编制作业指导书", "依据图纸与 PFMEA", "新品试制前", "文件经审批发布"),
                ],
            ),
            (
                "现场工艺支持",
                50,
                "处理加工异常，组织工艺验证。",
                [
                    ("工艺工程师", "处理加工异常", "现场分析并给出临时措施", "接到通知 2 小时内到场", "恢复正常生产"),
                ],
            ),
        ],
        "kpis": [
            ("工艺文件按期释放率", "按期释放数 / 计划数", "≥ 98%", "monthly", 50, "文件发布记录"),
            ("一次合格率提升", "本季度一次合格率 - 上季度", "≥ 0.5 个百分点", "quarterly", 50, "MES 报表"),
        ],
        "training": [("PFMEA 编制", False, None)],
    },
    "PD-MC-03": {
        "summary": "按作业指导书操作数控设备完成零件加工，做好首件自检和设备日常点检。",
        "performance_standards": "按计划完成产量；自检记录完整；无批量质量问题。",
        "supervised_by": "机加工班组长",
        "supervises": "无",
        "internal_relations": "检验员、设备维修工",
        "external_relations": "无",
        "authorities": "发现异常时停机并报告",
        "education": "中专或技校，数控相关专业",
        "experience": "一年以上数控操作经验",
        "knowledge": "数控编程基础、量具使用",
        "skills": "看图、刀具更换与对刀",
        "duties": [
            (
                "零件加工",
                70,
                "按作业指导书加工零件。",
                [
                    ("数控操作工", "首件加工与自检", "按检验卡逐项测量", "每班开机和换型后", "首件合格后批量生产"),
                ],
            ),
            (
                "设备点检",
                20,
                "按点检表检查设备状态。",
                [
                    ("数控操作工", "班前点检", "对照点检表逐项确认", "每班开工前", "点检表填写完整"),
                ],
            ),
            ("5S 管理", 10, "保持工位整洁。", []),
        ],
        "kpis": [
            ("产量完成率", "实际产量 / 计划产量", "≥ 98%", "monthly", 50, "生产日报"),
            ("自检漏检次数", "检验发现而自检未发现的不良批次", "0 次", "monthly", 50, "检验记录"),
        ],
        "training": [("数控设备安全操作", True, 24)],
    },
    "PD-AS-02": {
        "summary": "按焊接工艺规程完成支架类零件焊接，对焊缝外观和尺寸负责。",
        "performance_standards": "焊缝一次合格；持证上岗。",
        "supervised_by": "装配焊接车间主任",
        "supervises": "无",
        "internal_relations": "工艺工程师、检验员",
        "external_relations": "无",
        "authorities": "焊接参数异常时停止作业",
        "education": "初中及以上",
        "experience": "两年以上焊接经验",
        "knowledge": "焊接工艺规程、焊接缺陷识别",
        "skills": "二氧化碳保护焊",
        "duties": [
            (
                "焊接作业",
                80,
                "按工艺参数完成焊接。",
                [
                    ("焊工", "核对焊接参数", "对照工艺卡检查电流电压", "每班开工前", "参数在规定范围内"),
                ],
            ),
            ("焊缝自检", 20, "目视检查焊缝外观。", []),
        ],
        "kpis": [
            ("焊缝一次合格率", "一次合格焊件数 / 焊件总数", "≥ 99%", "monthly", 100, "检验记录"),
        ],
        "training": [("焊工特种作业操作证", True, 72)],
    },
    "CSC-IN-02": {
        "summary": "受理客户电话、邮件和来访咨询与投诉，准确记录并按流程转交处理部门。",
        "performance_standards": "受理信息完整；按时转交；客户来电有回应。",
        "supervised_by": "受理组组长",
        "supervises": "无",
        "internal_relations": "质量部、销售部、回访组",
        "external_relations": "客户采购、质量联系人",
        "authorities": "要求客户补充样品和照片",
        "education": "大专及以上",
        "experience": "一年以上客服经验",
        "knowledge": "公司产品基础知识、投诉处理流程",
        "skills": "沟通、记录、办公软件",
        "duties": [
            (
                "投诉受理",
                60,
                "记录客户投诉并转交质量部。",
                [
                    (
                        "受理专员",
                        "登记投诉",
                        "在系统中填写客户、型号、批次、数量和照片",
                        "接到投诉当天",
                        "投诉记录完整",
                    ),
                ],
            ),
            ("咨询答复", 40, "答复客户的一般咨询。", []),
        ],
        "kpis": [
            ("投诉登记及时率", "当天登记的投诉数 / 投诉总数", "100%", "monthly", 60, "投诉台账"),
            ("来电接通率", "接通数 / 来电数", "≥ 95%", "monthly", 40, "呼叫中心报表"),
        ],
        "training": [("客户投诉处理流程", True, None)],
    },
    "GMO-01": {
        "summary": "主持公司经营管理工作，组织实现年度经营目标，对质量方针和质量目标负最终责任。",
        "performance_standards": "年度经营目标达成；管理体系有效运行。",
        "supervised_by": "董事会",
        "supervises": "副总经理、管理者代表、各部门经理",
        "internal_relations": "公司各部门",
        "external_relations": "客户、股东、政府部门",
        "authorities": "批准公司方针、目标和重大投资",
        "education": "本科及以上",
        "experience": "十年以上制造业管理经验",
        "knowledge": "企业管理、财务、质量管理",
        "skills": "战略决策、组织领导",
        "duties": [
            ("经营管理", 60, "制定并组织实施年度经营计划。", []),
            ("质量领导", 40, "主持管理评审，提供体系所需资源。", []),
        ],
        "kpis": [
            ("销售收入达成率", "实际收入 / 目标收入", "≥ 100%", "yearly", 60, "财务报表"),
            ("客户满意度", "调查总分 / 100", "≥ 95%", "yearly", 40, "满意度调查报告"),
        ],
        "training": [],
    },
}

#: The second version of the QA engineer's JD: one duty sharpened, one KPI target raised.
QA_REVISION = {
    "change": "投诉初步分析时限写入职责；按期关闭率目标提高到 97%。",
    "duty": ("客户投诉技术分析", "接到投诉后 12 小时内完成初步分析并判断有效性，有效投诉 24 小时内完成围堵。"),
    "kpi": ("客户投诉按期关闭率", "≥ 97%"),
}

#: A draft revision waiting for approval: the CNC operator also keeps the tool log.
OPERATOR_REVISION = ("刀具寿命记录", 10, "记录刀具更换次数与寿命，异常磨损时报告班组长。")

CHARTERS = {
    "QD": {
        "within": "公司质量方针和客户要求范围内",
        "do": "策划并监督从来料到交付的质量控制，处理客户质量问题",
        "achieve": "稳定的产品质量和持续提升的客户满意度",
        "responsibilities": [
            "质量管理体系的策划、维护与内部审核",
            "来料、过程和成品的检验与放行",
            "客户投诉与退货的分析处理",
            "纠正和预防措施的跟踪验证",
            "计量器具的管理与校准",
        ],
        "kpis": [
            (KpiDimension.FINANCIAL, "质量损失率", "质量损失金额 / 销售额", "≤ 1%"),
            (KpiDimension.CUSTOMER, "客户投诉按期关闭率", "按期关闭数 / 应关闭数", "≥ 95%"),
            (KpiDimension.INTERNAL_PROCESS, "成品一次交检合格率", "一次合格批数 / 交检批数", "≥ 99%"),
            (KpiDimension.LEARNING_GROWTH, "检验员持证率", "持证人数 / 检验员人数", "100%"),
        ],
    },
    "CSC": {
        "within": "公司服务承诺范围内",
        "do": "统一受理客户咨询与投诉，组织售后回访",
        "achieve": "客户问题有人管、有回音、有结果",
        "responsibilities": [
            "客户咨询与投诉的统一受理和登记",
            "投诉处理进度的跟踪与催办",
            "售后和投诉处理后的回访",
            "客户档案的建立与维护",
        ],
        "kpis": [
            (KpiDimension.CUSTOMER, "回访完成率", "已回访数 / 应回访数", "≥ 98%"),
            (KpiDimension.INTERNAL_PROCESS, "投诉登记及时率", "当天登记数 / 投诉总数", "100%"),
            (KpiDimension.LEARNING_GROWTH, "客服人员培训时数", "人均年培训小时", "≥ 24 小时"),
        ],
    },
}


class Command(BaseCommand):
    help = "Create the demo job descriptions and department charters (after seed_demo; idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            self.hr = User.objects.get(username="hr")
            self.admin = User.objects.get(username="admin")
        except User.DoesNotExist as exc:
            raise CommandError("Run seed_demo first.") from exc
        created = 0
        self.calendar = StoryCalendar()
        #: First issues: from the sixth week after go-live, one working day apart.
        self.first_issue = self.calendar.at(self.calendar.go_live + datetime.timedelta(days=38), 9, 30)
        with transaction.atomic():
            DesignatedApprover.objects.get_or_create(
                post=Post.objects.get(code="GMO-01"), defaults={"user": self.admin}
            )
            for code, content in JOB_DESCRIPTIONS.items():
                post = Post.objects.get(code=code)
                if JobDescription.objects.filter(post=post).exists():
                    continue
                with self.clock(self.first_issue + datetime.timedelta(days=created)):
                    self.publish(post, content)
                created += 1
                self.stdout.write(f"  job description {code} {post.title}")
            if created:
                self.qa_revision()
                self.operator_revision()
                self.draft_for_warehouse()
            for code, content in CHARTERS.items():
                department = Department.objects.get(code=code)
                if DepartmentCharter.objects.filter(department=department).exists():
                    continue
                with self.clock(self.first_issue + datetime.timedelta(days=20 + created)):
                    self.charter(department, content)
                created += 1
                self.stdout.write(f"  charter {code} {department.name}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo documents: {created} created.") if created else "Demo documents already present."
        )

    def clock(self, moment):
        """Run the enclosed steps at ``moment`` (never later than the seed's own start)."""
        self.moment = min(moment, self.calendar.started)
        return moved_clock(self.moment)

    def later(self, **delta):
        """Move the story clock on from the current step's moment."""
        return self.clock(self.moment + datetime.timedelta(**delta))

    def approver_for(self, jd):
        users = permissions.approver_candidates(jd.post, exclude=permissions.jd_authors(jd))
        return get_user_model().objects.filter(pk__in=users).order_by("username").first()

    def write(self, jd, content, *, change):
        services.jd_update(
            actor=self.hr,
            jd=jd,
            revision=jd.edit_revision,
            fields={name: content.get(name, COMMON.get(name, "")) for name in services.JD_TEXT_FIELDS}
            | {"change_description": change},
            duties=[
                {
                    "title": title,
                    "time_share": share,
                    "description": description,
                    "tasks": [dict(zip(services.TASK_FIELDS, task, strict=True)) for task in tasks],
                }
                for title, share, description, tasks in content["duties"]
            ],
            kpis=[dict(zip(services.KPI_FIELDS, kpi, strict=True)) for kpi in content["kpis"]],
            training=[dict(zip(services.TRAINING_FIELDS, t, strict=True)) for t in content["training"]],
        )
        jd.refresh_from_db()

    def approve(self, jd, effective_date=None):
        """Submitted an hour after the draft, approved the next morning."""
        with self.later(hours=1):
            services.jd_submit(actor=self.hr, jd=jd)
        jd.refresh_from_db()
        approver = self.approver_for(jd)
        with self.later(hours=23):
            services.jd_approve(actor=approver, jd=jd, effective_date=effective_date)
        jd.refresh_from_db()

    def publish(self, post, content):
        jd = services.jd_new_draft(actor=self.hr, post=post)
        self.write(jd, content, change="首次发布")
        self.approve(jd)

    def qa_revision(self):
        """v1 acknowledged by the QA engineer, then v2 takes effect: /me/ shows the change."""
        post = Post.objects.get(code="QD-02")
        v1 = JobDescription.objects.get(post=post, version=1)
        employee = Employee.objects.get(user__username="qa")
        with self.clock(v1.approved_at + datetime.timedelta(days=3)):
            services.jd_acknowledge(actor=employee.user, jd=v1, employee=employee)
        with self.clock(self.calendar.moment_ago(days=24, hours=5)):
            jd = services.jd_new_draft(actor=self.hr, post=post)
        content = dict(JOB_DESCRIPTIONS["QD-02"])
        title, description = QA_REVISION["duty"]
        content["duties"] = [(t, s, description if t == title else d, tasks) for t, s, d, tasks in content["duties"]]
        name, target = QA_REVISION["kpi"]
        content["kpis"] = [(n, f, target if n == name else tg, fr, w, src) for n, f, tg, fr, w, src in content["kpis"]]
        with self.later(hours=2):
            self.write(jd, content, change=QA_REVISION["change"])
        self.approve(jd)

    def operator_revision(self):
        """A revision in review: the production head finds it in the inbox to approve."""
        post = Post.objects.get(code="PD-MC-03")
        with self.clock(self.calendar.moment_ago(days=6, hours=3)):
            jd = services.jd_new_draft(actor=self.hr, post=post)
        content = dict(JOB_DESCRIPTIONS["PD-MC-03"])
        title, share, description = OPERATOR_REVISION
        duties = [(t, s - 10 if t == "零件加工" else s, d, tasks) for t, s, d, tasks in content["duties"]]
        content["duties"] = [*duties, (title, share, description, [])]
        with self.later(hours=2):
            self.write(jd, content, change="增加刀具寿命记录职责")
        with self.later(days=1):
            services.jd_submit(actor=self.hr, jd=jd)

    def draft_for_warehouse(self):
        post = Post.objects.get(code="LOG-03")
        with self.clock(self.calendar.moment_ago(days=2, hours=4)):
            jd = services.jd_new_draft(actor=self.hr, post=post)
        with self.later(minutes=40):
            self._warehouse_text(jd)

    def _warehouse_text(self, jd):
        services.jd_update(
            actor=self.hr,
            jd=jd,
            revision=jd.edit_revision,
            fields={"summary": "负责原材料和成品的收发存管理，保证账物一致。"},
            duties=[{"title": "收货与入库", "time_share": 40, "description": "核对送货单并办理入库。", "tasks": []}],
        )

    def charter(self, department, content):
        charter = services.charter_new_draft(actor=self.hr, department=department)
        services.charter_update(
            actor=self.hr,
            charter=charter,
            revision=charter.edit_revision,
            fields={
                "purpose_within": content["within"],
                "purpose_do": content["do"],
                "purpose_achieve": content["achieve"],
                "change_description": "首次发布",
            },
            responsibilities=content["responsibilities"],
            kpis=[
                {"dimension": dim, "name": name, "formula": formula, "target": target}
                for dim, name, formula, target in content["kpis"]
            ],
        )
        services.charter_submit(actor=self.hr, charter=charter)
        authors = services.charter_authors(charter)
        approver = (
            get_user_model()
            .objects.filter(pk__in=permissions.charter_approver_candidates(department, exclude=authors))
            .order_by("username")
            .first()
        )
        services.charter_decide(actor=approver, charter=charter, approve=True)
