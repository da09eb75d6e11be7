"""``manage.py seed_demo``: a demo company to click through.

常州瑞拓汽车零部件有限公司, a maker of brake-system brackets, calipers and welded assemblies
for car makers: 14 departments in a tree under the general manager's office, about 60 posts,
about 80 employees, and one login for every role (all with the password ``DEMO_PASSWORD``).

Everything is written through ``org.services`` with the ``admin`` user as actor, so the
history shows who made each row. Each item is looked up by its key (department / post code,
employee number, user name, assignment employee + post + start) and only created when it is
missing: running the command twice changes nothing, and a half-seeded database is completed.

Every date is counted from the day the command runs (``years_ago(5, 3, 15)`` is 15 March five
years ago), so the story is the same on any day: the company was founded eleven years ago, and
it changed last year (the follow-up group of the customer-service centre was set up on 1 March,
an intake clerk moved there, an inspector retired on 30 June), so the chart as of the middle of
the year before last shows a different picture. Each row is recorded at the moment it happened
(never before the system was taken into use: ``StoryCalendar.go_live``), so
the history reads like the company's own.
"""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.clock import StoryCalendar, moved_clock
from org import services
from org.choices import AssignmentKind, Grade, RelationKind, Role
from org.models import Assignment, Department, Employee, Post, PostRelation, today

DEMO_PASSWORD = "qms-demo-2026"
COMPANY_NAME = "常州瑞拓汽车零部件有限公司"
EMAIL_DOMAIN = "ruituo-auto.example"


class years_ago(NamedTuple):  # noqa: N801 - reads as a date in the tables below
    """A day ``years`` years before this year: resolved when the command runs."""

    years: int
    month: int
    day: int


FOUNDED = years_ago(11, 3, 1)


# Departments ------------------------------------------------------------------------------
# code, name, parent code, head post code, valid from, purpose, functions

DEPARTMENTS = [
    (
        "GMO",
        "总经理办公室",
        None,
        "GMO-01",
        FOUNDED,
        "依据公司章程和年度经营目标统筹各部门资源，确定经营方针与质量方针，使公司稳定盈利并持续满足整车厂客户的要求。",
        "1. 组织制定中长期规划、年度经营计划和质量目标，并分解到各部门；\n"
        "2. 主持管理评审，批准质量手册和公司级制度；\n"
        "3. 审批重大投资、重要合同和客户索赔；\n"
        "4. 协调跨部门事项，督办会议决议的落实；\n"
        "5. 负责行政后勤、信息系统、公文和印章管理。",
    ),
    (
        "QD",
        "质量部",
        "GMO",
        "QD-01",
        FOUNDED,
        "在 IATF 16949 与 ISO 9001 体系框架内，策划并监控从来料到交付的质量活动，"
        "使产品一次合格率和客户满意度逐年提高。",
        "1. 建立并维护质量管理体系文件，组织内部审核，准备管理评审输入；\n"
        "2. 负责来料、过程和成品的检验与试验，判定并处置不合格品；\n"
        "3. 牵头客户投诉的原因分析、纠正预防措施和效果验证；\n"
        "4. 管理供应商质量，参与供应商的选择、评价和年度审核；\n"
        "5. 管理计量器具的周期检定与校准；\n"
        "6. 统计分析质量数据，每月发布质量报告。",
    ),
    (
        "SD",
        "销售部",
        "GMO",
        "SD-01",
        FOUNDED,
        "按照年度销售目标和价格政策，开发并维护整车厂及一级配套商客户，保证订单按期交付、货款及时回笼。",
        "1. 收集市场与客户需求，编制年度和月度销售计划；\n"
        "2. 组织合同评审，签订销售合同并跟踪执行；\n"
        "3. 与生产部协调交付计划，跟踪发货与对账；\n"
        "4. 催收应收账款，配合财务部做好客户信用管理；\n"
        "5. 归口管理客户服务中心，接收并传递客户投诉。",
    ),
    (
        "CSC",
        "客户服务中心",
        "SD",
        "CSC-01",
        years_ago(10, 3, 1),
        "以客户为中心，统一受理咨询、投诉和退货要求，跟进处理进度并回访确认，巩固客户关系。",
        "1. 统一受理来电、邮件和现场反馈，登记后在规定时限内转交责任部门；\n"
        "2. 跟踪投诉和退货的处理进度，按时答复客户；\n"
        "3. 组织售后回访和年度满意度调查，汇总分析结果；\n"
        "4. 建立并维护客户档案与服务记录；\n"
        "5. 制定客户服务规范，培训一线服务人员。",
    ),
    (
        "CSC-IN",
        "受理组",
        "CSC",
        "CSC-IN-01",
        years_ago(10, 3, 1),
        "让客户的每一次来电、来函都有记录、有人负责、有结果。",
        "1. 接听服务热线，登记咨询、投诉与退货申请；\n"
        "2. 核对订单号、批次和数量，必要时向客户索取照片或样件；\n"
        "3. 谁接待谁负责，一直跟踪到移交完成；\n"
        "4. 每周汇总受理台账。",
    ),
    (
        "CSC-FU",
        "回访组",
        "CSC",
        "CSC-FU-01",
        years_ago(1, 3, 1),
        "通过有计划的回访确认问题真正解决，并把客户的意见带回公司。",
        "1. 投诉关闭后一周内回访客户并记录结果；\n"
        "2. 对重点客户开展季度走访；\n"
        "3. 发放和回收满意度调查表，整理评分；\n"
        "4. 客户仍不满意的问题重新提交质量部处理。",
    ),
    (
        "PD",
        "生产部",
        "GMO",
        "PD-01",
        FOUNDED,
        "在保障安全、环保和质量的前提下，按计划组织机加工、焊接与装配，以合理成本按期完成交付。",
        "1. 依据订单和库存编制主生产计划与车间作业计划；\n"
        "2. 组织车间生产，控制在制品、产能和交期；\n"
        "3. 落实工艺纪律和首件、自检、互检制度；\n"
        "4. 负责安全生产、职业健康与环境保护；\n"
        "5. 管理生产设备的点检、保养与维修；\n"
        "6. 统计产量、工时和损耗，每月提交生产报表。",
    ),
    (
        "PD-MC",
        "机加工车间",
        "PD",
        "PD-MC-01",
        FOUNDED,
        "按工艺文件完成支架和钳体类零件的数控加工，保证尺寸精度和生产节拍。",
        "1. 执行车间作业计划，合理安排班组与机床；\n"
        "2. 执行首件确认和过程自检，保存加工记录；\n"
        "3. 管理刀具、量具和现场 5S；\n"
        "4. 配合质量部处理过程异常和不合格品。",
    ),
    (
        "PD-AS",
        "装配焊接车间",
        "PD",
        "PD-AS-01",
        FOUNDED,
        "完成焊接总成和制动钳总成的焊接、装配与下线检测，满足客户的节拍和质量要求。",
        "1. 组织焊接、装配和气密检测作业；\n"
        "2. 确保焊工持证上岗并按焊接工艺规程操作；\n"
        "3. 维护工装夹具和防错装置；\n"
        "4. 对下线产品进行标识并保存追溯记录。",
    ),
    (
        "PD-EQ",
        "设备动力科",
        "PD",
        "PD-EQ-01",
        FOUNDED,
        "保持生产设备和水电气系统完好可用，减少非计划停机。",
        "1. 编制设备年度保养计划并组织实施；\n"
        "2. 处理故障报修，记录维修履历；\n"
        "3. 管理备品备件，安排特种设备的定期检验；\n"
        "4. 统计设备综合效率并提出改进措施。",
    ),
    (
        "PUR",
        "采购部",
        "GMO",
        "PUR-01",
        FOUNDED,
        "在成本预算和质量要求之内，按时采购原材料、外协件和辅料，建立稳定的供应渠道。",
        "1. 开发、评估并维护合格供应商名录；\n"
        "2. 根据物料需求计划下达采购订单并跟催交期；\n"
        "3. 组织询价、比价和采购合同谈判；\n"
        "4. 与质量部共同处理来料不合格和供应商整改；\n"
        "5. 每季度对供应商进行绩效评价。",
    ),
    (
        "LOG",
        "仓储物流部",
        "GMO",
        "LOG-01",
        FOUNDED,
        "保证物料收、存、发准确及时，账实相符，并按客户要求把成品安全送达。",
        "1. 办理原材料和外购件的到货验收与入库；\n"
        "2. 按先进先出管理库存和库位，定期盘点；\n"
        "3. 按领料单和发货通知发料、发货；\n"
        "4. 隔离存放并标识不合格品和退货；\n"
        "5. 安排运输车辆，管理叉车等场内搬运设备。",
    ),
    (
        "HRD",
        "人力资源部",
        "GMO",
        "HRD-01",
        FOUNDED,
        "依据公司发展规划配置和培养人员，让每个岗位都有合格的任职者。",
        "1. 维护组织架构、岗位设置与编制；\n"
        "2. 办理招聘、入职、调岗和离职；\n"
        "3. 编制并实施年度培训计划，管理培训档案和上岗资格；\n"
        "4. 组织绩效考核，核算薪酬；\n"
        "5. 管理劳动合同和员工关系。",
    ),
    (
        "FIN",
        "财务部",
        "GMO",
        "FIN-01",
        FOUNDED,
        "遵守会计准则和税法，真实及时地核算经营成果，为经营决策提供可靠的数据。",
        "1. 编制财务预算并监控执行；\n"
        "2. 负责会计核算、纳税申报和财务报表；\n"
        "3. 核算产品成本和质量损失；\n"
        "4. 审核费用报销与付款；\n"
        "5. 按审批结果处理客户索赔和供应商扣款。",
    ),
    (
        "TD",
        "技术部",
        "GMO",
        "TD-01",
        FOUNDED,
        "负责新产品开发和工艺设计，把客户图纸和技术要求转化为能稳定制造的工艺方案。",
        "1. 组织产品先期质量策划和新品开发项目；\n"
        "2. 编制控制计划、作业指导书和工艺流程图；\n"
        "3. 设计和验证工装夹具与检具；\n"
        "4. 处理工程变更，维护技术文件的版本；\n"
        "5. 参与不合格原因分析，提出技术改进方案。",
    ),
]

# Posts ------------------------------------------------------------------------------------
# code, title, department code, superior post code, seats, grade, roles of its holders,
# valid from (None = from the department's start)

M, S, P, J = Grade.MANAGEMENT, Grade.SENIOR, Grade.PROFESSIONAL, Grade.JUNIOR
HEAD = Role.DEPARTMENT_HEAD
STAFF = (Role.STAFF,)

POSTS = [
    ("GMO-01", "总经理", "GMO", None, 1, M, (Role.GENERAL_MANAGER,), None),
    ("GMO-02", "副总经理（运营）", "GMO", "GMO-01", 1, M, STAFF, None),
    ("GMO-03", "管理者代表", "GMO", "GMO-01", 1, M, STAFF, None),
    ("GMO-04", "行政主管", "GMO", "GMO-01", 1, S, STAFF, None),
    ("GMO-05", "信息系统管理员", "GMO", "GMO-04", 1, P, (Role.ADMINISTRATOR,), years_ago(9, 7, 1)),
    ("GMO-06", "行政文员", "GMO", "GMO-04", 1, J, STAFF, None),
    ("QD-01", "质量部经理", "QD", "GMO-01", 1, M, (Role.QUALITY_MANAGER, HEAD), None),
    ("QD-02", "QA工程师", "QD", "QD-01", 3, P, (Role.QA_ENGINEER,), None),
    ("QD-03", "供应商质量工程师", "QD", "QD-01", 1, P, (Role.QA_ENGINEER,), years_ago(8, 1, 1)),
    ("QD-04", "检验主管", "QD", "QD-01", 1, S, (Role.QA_ENGINEER,), None),
    ("QD-05", "来料检验员", "QD", "QD-04", 2, J, STAFF, None),
    ("QD-06", "过程检验员", "QD", "QD-04", 3, J, STAFF, None),
    ("QD-07", "成品检验员", "QD", "QD-04", 2, J, STAFF, None),
    ("QD-08", "计量管理员", "QD", "QD-01", 1, P, STAFF, None),
    ("QD-09", "内审员", "QD", "QD-01", 2, S, (Role.AUDITOR,), years_ago(10, 6, 1)),
    ("QD-10", "体系文控专员", "QD", "QD-01", 1, P, STAFF, None),
    ("SD-01", "销售部经理", "SD", "GMO-01", 1, M, (Role.SALES, HEAD), None),
    ("SD-02", "销售工程师", "SD", "SD-01", 3, P, (Role.SALES,), None),
    ("SD-03", "销售内勤", "SD", "SD-01", 1, J, (Role.SALES,), None),
    ("CSC-01", "客户服务中心主任", "CSC", "SD-01", 1, S, (Role.SALES, HEAD), None),
    ("CSC-IN-01", "受理组组长", "CSC-IN", "CSC-01", 1, S, (Role.SALES, HEAD), None),
    ("CSC-IN-02", "受理专员", "CSC-IN", "CSC-IN-01", 2, J, (Role.SALES,), None),
    ("CSC-FU-01", "回访组组长", "CSC-FU", "CSC-01", 1, S, (Role.SALES, HEAD), None),
    ("CSC-FU-02", "回访专员", "CSC-FU", "CSC-FU-01", 2, J, (Role.SALES,), None),
    ("PD-01", "生产部经理", "PD", "GMO-02", 1, M, (HEAD,), None),
    ("PD-02", "生产计划员", "PD", "PD-01", 2, P, STAFF, None),
    ("PD-03", "安全环保专员", "PD", "PD-01", 1, P, STAFF, None),
    ("PD-04", "生产统计员", "PD", "PD-01", 1, J, STAFF, None),
    ("PD-MC-01", "机加工车间主任", "PD-MC", "PD-01", 1, S, (HEAD,), None),
    ("PD-MC-02", "机加工班组长", "PD-MC", "PD-MC-01", 2, P, STAFF, None),
    ("PD-MC-03", "数控操作工", "PD-MC", "PD-MC-02", 8, J, STAFF, None),
    ("PD-MC-04", "车间质量员", "PD-MC", "PD-MC-01", 1, P, STAFF, None),
    ("PD-AS-01", "装配焊接车间主任", "PD-AS", "PD-01", 1, S, (HEAD,), None),
    ("PD-AS-02", "焊工", "PD-AS", "PD-AS-01", 3, P, STAFF, None),
    ("PD-AS-03", "装配班组长", "PD-AS", "PD-AS-01", 1, P, STAFF, None),
    ("PD-AS-04", "装配工", "PD-AS", "PD-AS-03", 6, J, STAFF, None),
    ("PD-EQ-01", "设备动力科科长", "PD-EQ", "PD-01", 1, S, (HEAD,), None),
    ("PD-EQ-02", "设备维修工", "PD-EQ", "PD-EQ-01", 3, P, STAFF, None),
    ("PD-EQ-03", "设备管理员", "PD-EQ", "PD-EQ-01", 1, J, STAFF, None),
    ("PUR-01", "采购部经理", "PUR", "GMO-02", 1, M, (HEAD,), None),
    ("PUR-02", "采购工程师", "PUR", "PUR-01", 2, P, STAFF, None),
    ("PUR-03", "采购员", "PUR", "PUR-01", 1, J, STAFF, None),
    ("LOG-01", "仓储物流部经理", "LOG", "GMO-02", 1, M, (Role.WAREHOUSE, HEAD), None),
    ("LOG-02", "仓库主管", "LOG", "LOG-01", 1, S, (Role.WAREHOUSE,), None),
    ("LOG-03", "仓库管理员", "LOG", "LOG-02", 3, J, (Role.WAREHOUSE,), None),
    ("LOG-04", "发运专员", "LOG", "LOG-01", 1, J, (Role.WAREHOUSE,), None),
    ("LOG-05", "叉车司机", "LOG", "LOG-02", 2, J, (Role.WAREHOUSE,), None),
    ("HRD-01", "人力资源部经理", "HRD", "GMO-01", 1, M, (Role.HR, HEAD), None),
    ("HRD-02", "招聘培训专员", "HRD", "HRD-01", 1, P, (Role.HR,), None),
    ("HRD-03", "薪酬绩效专员", "HRD", "HRD-01", 1, P, (Role.HR,), None),
    ("FIN-01", "财务部经理", "FIN", "GMO-01", 1, M, (Role.FINANCE, HEAD), None),
    ("FIN-02", "总账会计", "FIN", "FIN-01", 1, P, (Role.FINANCE,), None),
    ("FIN-03", "成本会计", "FIN", "FIN-01", 1, P, (Role.FINANCE,), None),
    ("FIN-04", "出纳", "FIN", "FIN-01", 1, J, (Role.FINANCE,), None),
    ("TD-01", "技术部经理", "TD", "GMO-01", 1, M, (HEAD,), None),
    ("TD-02", "产品工程师", "TD", "TD-01", 2, S, STAFF, None),
    ("TD-03", "工艺工程师", "TD", "TD-01", 3, P, STAFF, None),
    ("TD-04", "工装夹具工程师", "TD", "TD-01", 1, P, STAFF, None),
]

#: Special posts (特殊岗位) and the qualification a holder needs before taking up duty.
SPECIAL_POSTS = {
    "QD-09": "ISO 9001 内审员培训合格证书",
    "PD-AS-02": "特种作业操作证（焊接与热切割）",
    "LOG-05": "特种设备作业人员证（场内机动车辆 N1）",
}

#: Posts whose holders stand in for each other (可轮换岗位).
ROTATION_PAIRS = [("QD-05", "QD-06")]

#: Dotted lines: source post, target post, kind, note, valid from.
DOTTED_LINES = [
    (
        "QD-02",
        "PD-MC-04",
        RelationKind.FUNCTIONAL,
        "QA工程师对车间质量员的检验方法和质量记录进行业务指导",
        years_ago(10, 11, 1),
    ),
    ("TD-02", "QD-02", RelationKind.PROJECT, "新品开发项目中与QA工程师共同完成控制计划", years_ago(2, 9, 1)),
]

# Employees --------------------------------------------------------------------------------
# number, name, hire date, current primary post (held from the hire date, or from the day the
# post was set up if that is later)

EMPLOYEES = [
    ("E0001", "周建国", years_ago(11, 3, 1), "GMO-01"),
    ("E0002", "陈立新", years_ago(11, 3, 1), "GMO-02"),
    ("E0003", "刘雅琴", years_ago(11, 5, 18), "GMO-04"),
    ("E0004", "孙浩然", years_ago(9, 7, 3), "GMO-05"),
    ("E0005", "何晓燕", years_ago(5, 3, 15), "GMO-06"),
    ("E0006", "王海峰", years_ago(11, 4, 1), "QD-01"),
    ("E0007", "李明哲", years_ago(8, 7, 9), "QD-02"),
    ("E0008", "赵婧", years_ago(6, 3, 2), "QD-02"),
    ("E0009", "钱正宇", years_ago(7, 5, 13), "QD-03"),
    ("E0010", "吴国强", years_ago(11, 6, 1), "QD-04"),
    ("E0011", "郑丽华", years_ago(9, 2, 20), "QD-05"),
    ("E0012", "冯晓东", years_ago(4, 8, 1), "QD-05"),
    ("E0013", "陈静", years_ago(10, 9, 5), "QD-06"),
    ("E0014", "褚文博", years_ago(7, 11, 11), "QD-06"),
    ("E0015", "卫红梅", years_ago(3, 4, 3), "QD-06"),
    ("E0016", "蒋志刚", years_ago(8, 3, 19), "QD-07"),
    ("E0017", "沈秀英", years_ago(11, 8, 10), "QD-07"),
    ("E0018", "韩磊", years_ago(10, 10, 10), "QD-08"),
    ("E0019", "杨慧敏", years_ago(9, 4, 17), "QD-09"),
    ("E0020", "朱永康", years_ago(6, 9, 14), "QD-09"),
    ("E0021", "秦雪", years_ago(5, 6, 21), "QD-10"),
    ("E0022", "许振华", years_ago(11, 3, 1), "SD-01"),
    ("E0023", "何俊杰", years_ago(10, 5, 9), "SD-02"),
    ("E0024", "吕佳怡", years_ago(7, 8, 19), "SD-02"),
    ("E0025", "施云飞", years_ago(4, 2, 14), "SD-02"),
    ("E0026", "张梦琪", years_ago(6, 7, 6), "SD-03"),
    ("E0027", "孔德明", years_ago(10, 3, 7), "CSC-01"),
    ("E0028", "曹丽娟", years_ago(9, 9, 4), "CSC-IN-01"),
    ("E0029", "严思远", years_ago(7, 4, 8), "CSC-FU-02"),
    ("E0030", "华倩", years_ago(5, 10, 18), "CSC-IN-02"),
    ("E0031", "金晨", years_ago(1, 4, 14), "CSC-IN-02"),
    ("E0032", "魏婷", years_ago(1, 5, 6), "CSC-FU-02"),
    ("E0033", "陶建军", years_ago(11, 3, 1), "PD-01"),
    ("E0034", "姜晓峰", years_ago(10, 6, 13), "PD-02"),
    ("E0035", "戚玉洁", years_ago(6, 4, 20), "PD-02"),
    ("E0036", "谢宏伟", years_ago(8, 9, 3), "PD-03"),
    ("E0037", "邹燕", years_ago(7, 3, 11), "PD-04"),
    ("E0038", "喻永强", years_ago(11, 4, 20), "PD-MC-01"),
    ("E0039", "柏国栋", years_ago(11, 7, 6), "PD-MC-02"),
    ("E0040", "窦立平", years_ago(10, 8, 22), "PD-MC-02"),
    ("E0041", "章小军", years_ago(9, 3, 13), "PD-MC-03"),
    ("E0042", "云海涛", years_ago(8, 5, 21), "PD-MC-03"),
    ("E0043", "苏建波", years_ago(7, 2, 25), "PD-MC-03"),
    ("E0044", "潘大勇", years_ago(6, 6, 15), "PD-MC-03"),
    ("E0045", "葛明", years_ago(5, 9, 6), "PD-MC-03"),
    ("E0046", "奚振东", years_ago(3, 3, 20), "PD-MC-03"),
    ("E0047", "范志远", years_ago(10, 11, 14), "PD-MC-04"),
    ("E0048", "彭伟", years_ago(11, 5, 11), "PD-AS-01"),
    ("E0049", "鲁春雷", years_ago(10, 4, 5), "PD-AS-02"),
    ("E0050", "韦国华", years_ago(8, 10, 8), "PD-AS-02"),
    ("E0051", "马宏亮", years_ago(4, 5, 16), "PD-AS-02"),
    ("E0052", "苗卫东", years_ago(9, 1, 9), "PD-AS-03"),
    ("E0053", "方晓丽", years_ago(8, 3, 5), "PD-AS-04"),
    ("E0054", "俞小兵", years_ago(7, 7, 15), "PD-AS-04"),
    ("E0055", "任亚军", years_ago(6, 10, 12), "PD-AS-04"),
    ("E0056", "袁芳", years_ago(5, 4, 26), "PD-AS-04"),
    ("E0057", "柳志强", years_ago(2, 2, 26), "PD-AS-04"),
    ("E0058", "鲍海军", years_ago(11, 9, 1), "PD-EQ-01"),
    ("E0059", "史俊", years_ago(10, 12, 5), "PD-EQ-02"),
    ("E0060", "唐春生", years_ago(7, 9, 16), "PD-EQ-02"),
    ("E0061", "费丽萍", years_ago(6, 11, 2), "PD-EQ-03"),
    ("E0062", "廉志勇", years_ago(9, 5, 22), "PUR-02"),
    ("E0063", "岑敏", years_ago(6, 1, 6), "PUR-02"),
    ("E0064", "薛凯", years_ago(4, 7, 11), "PUR-03"),
    ("E0065", "雷振宇", years_ago(11, 10, 12), "LOG-01"),
    ("E0066", "贺文龙", years_ago(10, 2, 29), "LOG-02"),
    ("E0067", "倪红", years_ago(8, 6, 4), "LOG-03"),
    ("E0068", "汤建新", years_ago(5, 8, 9), "LOG-03"),
    ("E0069", "滕丽", years_ago(7, 12, 2), "LOG-04"),
    ("E0070", "殷大伟", years_ago(9, 8, 14), "LOG-05"),
    ("E0071", "罗美玲", years_ago(11, 3, 16), "HRD-01"),
    ("E0072", "毕若楠", years_ago(7, 6, 17), "HRD-02"),
    ("E0073", "郝晶", years_ago(5, 2, 22), "HRD-03"),
    ("E0074", "邬建华", years_ago(11, 3, 1), "FIN-01"),
    ("E0075", "安琪", years_ago(9, 10, 9), "FIN-02"),
    ("E0076", "常晓梅", years_ago(6, 5, 11), "FIN-03"),
    ("E0077", "乐怡", years_ago(3, 7, 3), "FIN-04"),
    ("E0078", "于振国", years_ago(11, 3, 23), "TD-01"),
    ("E0079", "时永刚", years_ago(10, 7, 18), "TD-02"),
    ("E0080", "傅晓宇", years_ago(5, 11, 15), "TD-02"),
    ("E0081", "皮文杰", years_ago(8, 2, 26), "TD-03"),
    ("E0082", "卞佳", years_ago(4, 9, 19), "TD-03"),
    ("E0083", "齐少华", years_ago(7, 10, 21), "TD-04"),
]

#: Earlier primary posts, ended before the current one began: number, post, start, end, reason.
PAST_ASSIGNMENTS = [
    ("E0029", "CSC-IN-02", years_ago(7, 4, 8), years_ago(1, 2, 28), "回访组成立，调任回访专员"),
]

#: Further posts held beside the primary one: number, post, kind, start, note.
EXTRA_ASSIGNMENTS = [
    ("E0006", "GMO-03", AssignmentKind.CONCURRENT, years_ago(10, 1, 4), "质量部经理兼任管理者代表"),
    ("E0027", "CSC-FU-01", AssignmentKind.ACTING, years_ago(1, 3, 1), "回访组组长到岗前由中心主任代理"),
]

#: Employees who left: number, leaving date, reason.
LEAVERS = [("E0017", years_ago(1, 6, 30), "退休")]

# Logins -----------------------------------------------------------------------------------

#: The demo logins, one per role: user name → employee number. Their groups are the roles of
#: the employee's primary post.
NAMED_LOGINS = {
    "admin": "E0004",
    "gm": "E0001",
    "qm": "E0006",
    "qa": "E0007",
    "head": "E0033",
    "hr": "E0072",
    "staff": "E0081",
    "sales": "E0023",
    "service": "E0030",
    "warehouse": "E0067",
    "finance": "E0075",
    "auditor": "E0019",
}
ADMIN_USERNAME = "admin"

#: Shop-floor workers and the leaver have no login; every other employee logs in with the
#: lower-cased employee number (e0041 …).
NO_LOGIN = {"E0017", "E0041", "E0042", "E0043", "E0044", "E0054", "E0055"}


class Command(BaseCommand):
    help = f"Create the demo company {COMPANY_NAME} with one login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Only print the demo logins (after the other demo commands, before serving).",
        )

    def handle(self, *args, **options):
        if options["logins_only"]:
            self.post_roles = {row[0]: row[6] for row in POSTS}
            self.primary_post = {row[0]: row[3] for row in EMPLOYEES}
            self.employees = {e.number: e for e in Employee.objects.filter(number__in=NAMED_LOGINS.values())}
            self.posts = {p.code: p for p in Post.objects.filter(code__in=self.primary_post.values())}
            if len(self.employees) < len(NAMED_LOGINS):
                raise CommandError("The demo company is missing: run seed_demo first.")
            self.print_logins()
            return
        self.created = {}
        with transaction.atomic():
            self.seed()
        summary = "、".join(f"{name} {n}" for name, n in self.created.items() if n) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Created: {summary}."))
        if not any(self.created.values()):
            self.stdout.write("Demo data already present: nothing changed.")
        self.print_counts()
        self.print_logins()

    def count(self, what, created=True):
        self.created.setdefault(what, 0)
        if created:
            self.created[what] += 1

    # The steps -----------------------------------------------------------------------------

    def seed(self):
        # Hashing is slow on purpose: hash the one demo password once for all the logins.
        self.password_hash = make_password(DEMO_PASSWORD)
        self.calendar = StoryCalendar()
        self.go_live = self.calendar.go_live
        self.post_roles = {row[0]: row[6] for row in POSTS}
        self.primary_post = {row[0]: row[3] for row in EMPLOYEES}
        by_number = {row[0]: row for row in EMPLOYEES}
        admin_row = by_number[NAMED_LOGINS[ADMIN_USERNAME]]
        self.actor = self.user(ADMIN_USERNAME, admin_row[0], admin_row[1])

        self.departments = {}
        for order, row in enumerate(DEPARTMENTS):
            self.departments[row[0]] = self.department(row, order)
        self.stdout.write(f"Departments: {len(self.departments)}")

        self.posts = {}
        for order, row in enumerate(POSTS):
            self.posts[row[0]] = self.post(row, order)
        for first, second in ROTATION_PAIRS:
            self.rotation(self.posts[first], self.posts[second])
        for row in DEPARTMENTS:
            self.head_post(self.departments[row[0]], self.posts[row[3]])
        for row in DOTTED_LINES:
            self.dotted_line(*row)
        self.stdout.write(f"Posts: {len(self.posts)}")

        usernames = {number: name for name, number in NAMED_LOGINS.items()}
        self.employees = {}
        for number, name, hired, _post in EMPLOYEES:
            user = None
            if number not in NO_LOGIN:
                user = self.user(usernames.get(number, number.lower()), number, name)
            self.employees[number] = self.employee(number, name, self.day(hired), user)
        self.stdout.write(f"Employees: {len(self.employees)}")

        for number, post, start, end, reason in PAST_ASSIGNMENTS:
            self.assignment(number, post, AssignmentKind.PRIMARY, self.day(start), end=self.day(end), reason=reason)
        for number, _name, hired, post in EMPLOYEES:
            start = max(self.day(hired), self.posts[post].valid_from)
            self.assignment(number, post, AssignmentKind.PRIMARY, start)
        for number, post, kind, start, note in EXTRA_ASSIGNMENTS:
            self.assignment(number, post, kind, self.day(start), note=note)
        for number, day, reason in LEAVERS:
            self.leave(self.employees[number], self.day(day), reason)
        self.stdout.write(f"Assignments: {Assignment.objects.filter(employee__in=self.employees.values()).count()}")

    def day(self, when: years_ago) -> datetime.date:
        return self.calendar.year(-when.years, when.month, when.day)

    def on(self, *days):
        """The clock at 09:00 on the latest of ``days``, and never before the go-live day."""
        return moved_clock(min(self.calendar.at(max(self.go_live, *days), 9, 0), self.calendar.started))

    # One item each -------------------------------------------------------------------------

    def user(self, username, number, name):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        self.count("logins", user is None)
        if user is None:
            user = User.objects.create(
                username=username,
                password=self.password_hash,
                email=f"{username}@{EMAIL_DOMAIN}",
                first_name=name,
                is_staff=username == ADMIN_USERNAME,
            )
        roles = self.post_roles[self.primary_post[number]]
        wanted = Group.objects.filter(name__in=[role.value for role in roles])
        missing = wanted.exclude(pk__in=user.groups.values("pk"))
        if missing.exists():
            user.groups.add(*missing)
        return user

    def department(self, row, order):
        code, name, parent, _head, valid_from, purpose, functions = row
        department = Department.objects.filter(code=code).first()
        self.count("departments", department is None)
        if department is None:
            with self.on(self.day(valid_from)):
                department = services.department_create(
                    actor=self.actor,
                    code=code,
                    name=name,
                    parent=self.departments[parent] if parent else None,
                    valid_from=self.day(valid_from),
                    purpose=purpose,
                    functions=functions,
                    sort_order=order * 10,
                )
        return department

    def post(self, row, order):
        code, title, department_code, superior, seats, grade, _roles, valid_from = row
        post = Post.objects.filter(code=code).first()
        self.count("posts", post is None)
        if post is None:
            department = self.departments[department_code]
            valid_from = self.day(valid_from) if valid_from else department.valid_from
            with self.on(valid_from):
                post = self._post_create(code, title, department, superior, seats, grade, valid_from, order)
        return post

    def _post_create(self, code, title, department, superior, seats, grade, valid_from, order):
        return services.post_create(
            actor=self.actor,
            code=code,
            title=title,
            department=department,
            superior=self.posts[superior] if superior else None,
            headcount=seats,
            grade=grade,
            is_special=code in SPECIAL_POSTS,
            required_qualification=SPECIAL_POSTS.get(code, ""),
            valid_from=valid_from,
            sort_order=order * 10,
        )

    def rotation(self, first, second):
        missing = not first.rotation_posts.filter(pk=second.pk).exists()
        self.count("rotation pairs", missing)
        if missing:
            with self.on(first.valid_from, second.valid_from):
                services.post_update(
                    actor=self.actor,
                    post=first,
                    rotation_posts=[*first.rotation_posts.all(), second],
                    reason="可轮换岗位",
                )

    def head_post(self, department, post):
        missing = department.head_post_id != post.pk
        self.count("head posts", missing)
        if missing:
            with self.on(department.valid_from, post.valid_from):
                services.department_update(
                    actor=self.actor, department=department, head_post=post, reason="设置部门负责人岗位"
                )

    def dotted_line(self, source, target, kind, note, valid_from):
        source, target = self.posts[source], self.posts[target]
        missing = not PostRelation.objects.filter(source=source, target=target, kind=kind).exists()
        self.count("dotted lines", missing)
        if missing:
            valid_from = self.day(valid_from)
            with self.on(valid_from, source.valid_from, target.valid_from):
                services.post_relation_add(
                    actor=self.actor, source=source, target=target, kind=kind, note=note, valid_from=valid_from
                )

    def employee(self, number, name, hired, user):
        employee = Employee.objects.filter(number=number).first()
        self.count("employees", employee is None)
        if employee is None:
            with self.on(hired):
                return services.employee_create(
                    actor=self.actor,
                    number=number,
                    name=name,
                    hire_date=hired,
                    user=user,
                    email=f"{number.lower()}@{EMAIL_DOMAIN}",
                )
        if user is not None and employee.user_id is None and not hasattr(user, "employee"):
            services.employee_update(actor=self.actor, employee=employee, user=user)
        return employee

    def assignment(self, number, post_code, kind, start, *, end=None, reason="", note=""):
        employee, post = self.employees[number], self.posts[post_code]
        assignment = Assignment.objects.filter(employee=employee, post=post, start=start).first()
        self.count("assignments", assignment is None)
        if assignment is None:
            # A past assignment is created with its end date, so it never overlaps the post
            # its holder moved to; ``assignment_end`` then records the reason.
            with self.on(start):
                assignment = services.assignment_create(
                    actor=self.actor, employee=employee, post=post, kind=kind, start=start, end=end, note=note
                )
        if end and not assignment.end_reason:
            with self.on(start, end):
                services.assignment_end(actor=self.actor, assignment=assignment, end=end, reason=reason)
        return assignment

    def leave(self, employee, day, reason):
        self.count("leavers", employee.leaving_date is None)
        if employee.leaving_date is None:
            with self.on(day):
                services.employee_leave(actor=self.actor, employee=employee, leaving_date=day, reason=reason)

    # Report --------------------------------------------------------------------------------

    def print_counts(self):
        from org.selectors import post_nodes

        nodes = post_nodes(today())
        demo = [n for n in nodes if n.post.code in self.posts]
        seats = sum(n.post.headcount for n in demo)
        vacant = sum(n.vacant for n in demo)
        self.stdout.write(
            f"{COMPANY_NAME}: {len(self.departments)} departments, {len(demo)} posts, {seats} seats, "
            f"{vacant} vacant, {len(self.employees)} employees "
            f"({sum(1 for e in self.employees.values() if e.user_id)} with a login)."
        )

    def print_logins(self):
        rows = []
        for username, number in NAMED_LOGINS.items():
            employee = self.employees[number]
            post = self.posts[self.primary_post[number]]
            roles = ", ".join(str(role.value) for role in self.post_roles[post.code])
            rows.append((username, roles, DEMO_PASSWORD, f"{employee.name} · {post.title}"))
        widths = [max(len(r[i]) for r in rows + [("username", "role", "password", "")]) for i in range(3)]
        header = ("username", "role", "password", "employee · post")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (open http://127.0.0.1:8000/ and sign in):"))
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, widths + [0], strict=True)))
        self.stdout.write("  ".join("-" * w for w in widths + [20]))
        for row in rows:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths + [0], strict=True)))
        self.stdout.write(
            f"\nEvery other employee with a login signs in with the lower-cased employee number "
            f"(e.g. e0012) and the same password {DEMO_PASSWORD}."
        )
