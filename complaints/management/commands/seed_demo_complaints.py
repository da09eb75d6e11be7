"""Demo complaints, CAPAs, returns and claims for the demo company (run after ``seed_demo``
and ``seed_demo_documents``).

Ten invented customers of the demo company (Chinese vehicle makers and tier-1 suppliers) and
a year of complaints in every state of the workflow, driven through the real services so the
timeline, steps and history are real. Each step is recorded at its own time in the past,
counted back from the moment the command runs: the clock is set back while the step runs
(``core.clock.moved_clock``), so due times, on-time figures and overdue items come out as they
would have in real life, on whatever day the demo is loaded.

Idempotent: customers are matched by code and complaints by their demo reference
(``DEMO-NNN``); a second run adds nothing and prints the same counts.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from complaints import services as cs
from complaints.choices import (
    ActionKind,
    Channel,
    ComplaintStatus,
    DefectCategory,
    FollowUpOutcome,
    Severity,
)
from complaints.models import Capa, Claim, Complaint, Customer, CustomerContact, CustomerReturn
from complaints.models.claims import ClaimKind, ClaimStatus, Liability
from complaints.models.returns import ReturnStatus
from complaints.services import claims as claim_services
from complaints.services import returns as return_services
from core.clock import StoryCalendar
from core.clock import moved_clock as clock
from org.models import Assignment, Department

User = get_user_model()

#: code, name, contact, phone
CUSTOMERS = [
    ("CUS-001", "华腾汽车股份有限公司", "周明远", "0519-8801 2201"),
    ("CUS-002", "申远客车制造有限公司", "陈晓岚", "021-6620 3388"),
    ("CUS-003", "锦程新能源汽车有限公司", "刘思齐", "0512-6788 1020"),
    ("CUS-004", "北辰重型卡车（常州）有限公司", "王建国", "0519-8566 7732"),
    ("CUS-005", "瑞丰汽车电子系统有限公司", "赵雨桐", "025-5218 6605"),
    ("CUS-006", "东岳动力总成有限公司", "孙立伟", "0531-8890 4417"),
    ("CUS-007", "启航商用车有限公司", "钱慧敏", "0551-6371 2290"),
    ("CUS-008", "长风越野车有限公司", "何志强", "023-6715 8843"),
    ("CUS-009", "海川汽车部件（苏州）有限公司", "吴佳怡", "0512-6259 3371"),
    ("CUS-010", "安泰底盘系统有限公司", "郑浩然", "0510-8127 5506"),
]

PRODUCTS = [
    "制动钳支架 BK-2207",
    "转向节 ZX-118",
    "排气管吊耳 PQ-35",
    "座椅滑轨 HG-560",
    "水泵壳体 SB-73",
    "散热器支架 SR-402",
    "副车架衬套 FC-91",
]

#: defect category → descriptions written for the demo
DEFECTS = {
    DefectCategory.DIMENSION: ["安装孔孔距超差约0.3 mm，客户装配线无法穿螺栓", "平面度超差，装车后有异响"],
    DefectCategory.APPEARANCE: ["表面有明显划伤和磕碰痕迹", "电泳涂层局部漏涂，边角发白"],
    DefectCategory.FUNCTION: ["台架试验中出现早期疲劳裂纹", "密封面渗漏，气密试验不通过"],
    DefectCategory.MATERIAL: ["材质硬度低于图纸下限", "铸件内部有气孔，机加工后露出"],
    DefectCategory.PACKAGING: ["包装箱内隔板缺失，零件相互碰伤", "标签批次号与实物不一致"],
    DefectCategory.QUANTITY: ["箱内混入其他型号零件两件", "实收数量比送货单少十二件"],
    DefectCategory.DELIVERY: ["到货比约定时间晚两天，客户临时调整排产"],
}

#: The state each demo complaint is brought to, oldest first. Every state of the workflow
#: appears; the older ones are mostly finished, the recent ones still open.
PLAN = (
    ["archived"] * 14
    + ["reopened_closed", "not_valid_archived", "archived", "void", "archived", "not_valid_archived"]
    + ["archived"] * 6
    + ["closed", "reopened", "archived", "closed", "training", "verification", "archived", "not_valid_closed"]
    + ["implementation", "closure", "reply_send", "reply_approval", "capa_decision", "no_capa_approval"]
    + ["root_cause", "containment", "not_valid", "analysis", "registered", "void", "containment", "analysis"]
    + ["registered", "implementation", "reply_draft", "root_cause"]
)

PDF_CONFIRMATION = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


#: The random generator's seed: the same demo every time.
RANDOM_SEED = 9001


def head_user(code):
    department = Department.objects.filter(code=code).select_related("head_post").first()
    if department is None or department.head_post_id is None:
        return None
    assignment = (
        Assignment.objects.current()
        .filter(post_id=department.head_post_id, employee__user__isnull=False)
        .select_related("employee__user")
        .first()
    )
    return assignment.employee.user if assignment else None


class Command(BaseCommand):
    help = "Add demo customers, a year of complaints in every state, CAPAs, returns and claims (idempotent)."

    def handle(self, *args, **options):
        self.rng = random.Random(RANDOM_SEED)
        calendar = StoryCalendar()
        self.now = calendar.started
        self.people()
        # The customer register was filled in the first week after the system went live.
        with transaction.atomic(), clock(calendar.at(calendar.go_live + datetime.timedelta(days=7), 10, 0)):
            customers = self.customers()
        made = 0
        for index, target in enumerate(PLAN):
            reference = f"DEMO-{index + 1:03d}"
            if Complaint.objects.filter(customer_reference=reference).exists():
                continue
            with transaction.atomic():
                self.complaint(index, reference, target, customers)
            made += 1
            if made % 10 == 0:
                self.stdout.write(f"  {made} complaints …")
        with transaction.atomic():
            self.returns()
        with transaction.atomic():
            self.claims()
        self.report(made)

    # People and customers ---------------------------------------------------------------

    def people(self):
        def login(name):
            try:
                return User.objects.get(username=name)
            except User.DoesNotExist:
                raise CommandError(f"Login {name!r} is missing: run seed_demo first.") from None

        self.sales, self.service, self.qa = login("sales"), login("service"), login("qa")
        self.qm, self.gm = login("qm"), login("gm")
        self.warehouse, self.finance = login("warehouse"), login("finance")
        self.departments = {d.code: d for d in Department.objects.filter(code__in=["QD", "PD", "TD", "LOG", "SD"])}
        self.heads = {code: head_user(code) for code in self.departments}

    def customers(self):
        customers = []
        owner = getattr(self.sales, "employee", None)
        for code, name, contact, phone in CUSTOMERS:
            customer, created = Customer.objects.get_or_create(
                code=code, defaults={"name": name, "phone": phone, "account_owner": owner}
            )
            if created:
                customer._history_user = self.sales
                CustomerContact.objects.create(customer=customer, name=contact, phone=phone, is_primary=True)
            customers.append(customer)
        return customers

    # Complaints -------------------------------------------------------------------------

    def complaint(self, index, reference, target, customers):
        rng = self.rng
        span = 360 - index * 360 // len(PLAN)
        received = self.now - datetime.timedelta(days=span, hours=rng.randint(0, 9))
        category = rng.choice(list(DEFECTS))
        severity = Severity.URGENT if rng.random() < 0.3 else Severity.NORMAL
        quantity = rng.choice([200, 500, 800, 1200, 3000])
        customer = customers[index % len(customers)]
        with clock(received):
            complaint = cs.complaint_register(
                actor=self.sales if index % 3 else self.service,
                received_at=received,
                channel=rng.choice(Channel.values),
                customer=customer,
                customer_contact=customer.contacts.filter(is_primary=True).first(),
                customer_reference=reference,
                product=rng.choice(PRODUCTS),
                batch=f"{received:%y%m%d}-{rng.randint(1, 9)}",
                quantity=quantity,
                defective_quantity=rng.randint(1, quantity // 20),
                defect_category=category,
                description=rng.choice(DEFECTS[category]),
                severity=severity,
                samples_requested=rng.random() < 0.5,
            )
        if target == "registered":
            return complaint
        late = rng.random() < 0.25  # some steps miss their deadline
        t = received + datetime.timedelta(hours=1)

        def step(hours, func, *, typed_in_after=None, **kwargs):
            """The next step, ``hours`` after the last one. With ``typed_in_after`` it is typed
            in that much later than it happened (实际发生时间 before the recording time)."""
            nonlocal t, complaint
            t = t + datetime.timedelta(hours=hours)
            if t > self.now:
                t = self.now - datetime.timedelta(minutes=5)
            recorded = t
            if typed_in_after is not None:
                recorded = min(t + typed_in_after, self.now - datetime.timedelta(minutes=1))
                kwargs["happened_at"] = t
            with clock(recorded):
                result = func(complaint=complaint, **kwargs)
            t = recorded if typed_in_after is None else t
            complaint.refresh_from_db()
            return result

        if target == "void":
            step(2, cs.complaint_void, actor=self.qm, reason="客户重复提报同一问题，已合并到先前记录")
            return complaint
        step(0, cs.complaint_hand_over, actor=complaint.registered_by, quality_owner=self.qa, comment="转品质部跟进")
        if target == "analysis":
            return complaint
        valid = not target.startswith("not_valid")
        responsible = [self.departments[c] for c in ("PD", "TD") if c in self.departments][: 1 + index % 2]
        step(
            14 if late else 5,
            cs.complaint_decide_validity,
            actor=self.qa,
            valid=valid,
            reasoning="样件复测确认与客户描述一致，责任在我方" if valid else "复测合格，问题由客户装配扭矩过大造成",
            responsible_departments=responsible if valid else None,
        )
        if target == "not_valid":
            return complaint
        if not valid:
            confirmation = SimpleUploadedFile("客户确认函.pdf", PDF_CONFIRMATION, content_type="application/pdf")
            step(30, cs.complaint_confirm_not_valid, actor=self.qa, confirmation=confirmation, comment="客户书面确认")
            if target == "not_valid_archived":
                step(
                    200, cs.complaint_follow_up, actor=self.service, outcome=FollowUpOutcome.SATISFIED, note="客户认可"
                )
            return complaint
        if target == "containment":
            return complaint
        step(
            30 if late else 16,
            cs.complaint_contain,
            # Every third containment was done on the line first and typed in afterwards.
            typed_in_after=datetime.timedelta(minutes=90) if index % 3 == 0 else None,
            actor=self.qa,
            stock="库存品全数隔离复检，挑出不良品",
            wip="在制品加严首件与巡检频次",
            shipped="在途及客户处库存安排人员驻厂挑选",
            stop_line_notice=severity == Severity.URGENT,
            disposition="不良品按不合格品处置单返工",
        )
        if target == "root_cause":
            return complaint
        step(
            8,
            cs.complaint_record_root_cause,
            actor=self.qa,
            whys=["夹具定位销磨损", "点检表未包含定位销尺寸", "点检标准制定时遗漏"],
            categories=["machine", "method"],
            root_cause="夹具定位销磨损后未被点检发现，导致孔位偏移",
        )
        if target == "capa_decision":
            return complaint
        if target == "no_capa_approval" or index % 5 == 0:
            step(4, cs.complaint_propose_no_capa, actor=self.qa, reasoning="单件偶发，风险低，已纳入日常巡检")
            if target == "no_capa_approval":
                return complaint
            step(3, cs.complaint_decide_no_capa, actor=self.qm, approve=True, comment="同意")
        else:
            step(
                4,
                cs.complaint_open_capa,
                actor=self.qa,
                title=f"{complaint.product} 孔位偏移纠正措施",
                problem_statement=complaint.description,
                department=responsible[0] if responsible else None,
            )
        if target == "reply_draft":
            return complaint
        step(
            3,
            cs.complaint_submit_reply,
            actor=self.qa,
            text="经分析确认为夹具磨损所致，已更换夹具并加严点检，请贵司确认。",
        )
        if target == "reply_approval":
            return complaint
        step(2, cs.complaint_decide_reply, actor=self.qm, approve=True, comment="同意回复")
        if target == "reply_send":
            return complaint
        step(30 if late else 2, cs.complaint_send_reply, actor=self.qa, comment="邮件发送客户SQE")
        if target == "implementation":
            return complaint
        step(72, cs.complaint_record_implementation, actor=self.qa, summary="夹具已更换，点检表已增加定位销尺寸项")
        if target == "verification":
            return complaint
        step(120, cs.complaint_verify, actor=self.qa, effective=True, result="连续三批跟踪无同类不良")
        if target == "training":
            return complaint
        department = responsible[0] if responsible else self.departments.get("PD")
        step(24, cs.complaint_record_training, actor=self.qa, department=department, topic="新版点检表及夹具点检要求")
        if target == "closure":
            return complaint
        step(24, cs.complaint_close, actor=self.qm, approve=True, comment="资料齐全，同意关闭")
        if target == "closed":
            return complaint
        if target in ("reopened", "reopened_closed"):
            step(
                100,
                cs.complaint_follow_up,
                actor=self.service,
                outcome=FollowUpOutcome.UNHAPPY,
                note="客户反馈仍有少量同类不良",
            )
            if target == "reopened":
                return complaint
            step(
                24,
                cs.complaint_record_root_cause,
                actor=self.qa,
                whys=["新夹具材质偏软"],
                categories=["material"],
                root_cause="更换的夹具材质不当",
            )
            step(4, cs.complaint_propose_no_capa, actor=self.qa, reasoning="沿用原CAPA，补充夹具材质要求")
            step(2, cs.complaint_decide_no_capa, actor=self.qm, approve=True)
            step(2, cs.complaint_submit_reply, actor=self.qa, text="已改用淬火钢夹具，请贵司再确认。")
            step(2, cs.complaint_decide_reply, actor=self.qm, approve=True)
            step(2, cs.complaint_send_reply, actor=self.qa)
            step(48, cs.complaint_record_implementation, actor=self.qa, summary="淬火钢夹具已投入使用")
            step(96, cs.complaint_verify, actor=self.qa, effective=True, result="后续五批无不良")
            step(12, cs.complaint_record_training, actor=self.qa, department=department, topic="夹具材质要求")
            step(12, cs.complaint_close, actor=self.qm, approve=True)
            return complaint
        step(
            100,
            cs.complaint_follow_up,
            # The customer was called in the evening; the call was typed in the next morning.
            typed_in_after=datetime.timedelta(hours=13) if index % 2 else None,
            actor=self.service,
            outcome=FollowUpOutcome.SATISFIED,
            note="客户对处理结果满意",
        )
        self.finish_capas(complaint, t)
        return complaint

    def finish_capas(self, complaint, t):
        """Bring the CAPAs of an archived complaint to closure (root cause, action, check)."""
        for capa in complaint.capas.filter(status="open"):
            moment = t
            with clock(moment):
                cs.capa_record_root_cause(
                    actor=self.qa, capa=capa, root_cause=complaint.root_cause, categories=["machine"]
                )
                action = cs.capa_add_action(
                    actor=self.qa,
                    capa=capa,
                    kind=ActionKind.CORRECTIVE,
                    description="更换夹具定位销并修订点检表",
                    owner=self.qa,
                    due_date=timezone.localdate(moment) + datetime.timedelta(days=7),
                )
                cs.capa_complete_action(actor=self.qa, action=action, evidence="新点检表已发布")
                check = cs.capa_plan_check(
                    actor=self.qa,
                    capa=capa,
                    method="跟踪后续三批出货检验数据",
                    due_date=timezone.localdate(moment) + datetime.timedelta(days=30),
                    assignee=self.qa,
                )
                cs.capa_record_check(actor=self.qa, check=check, passed=True, note="三批无同类不良")
                cs.capa_close(actor=self.qm, capa=capa, comment="有效，关闭")

    # Returns ----------------------------------------------------------------------------

    def returns(self):
        """One return per state, on complaints that had goods sent back."""
        if CustomerReturn.objects.filter(return_note__startswith="DEMO-RT").exists():
            return
        targets = [
            ReturnStatus.CLOSED,
            ReturnStatus.CLOSED,
            ReturnStatus.CLOSED,
            ReturnStatus.REDELIVERED,
            ReturnStatus.PROCESSED,
            ReturnStatus.DISPOSED,
            ReturnStatus.INSPECTED,
            ReturnStatus.AT_QUALITY,
            ReturnStatus.RECEIVED,
            ReturnStatus.VOIDED,
        ]
        candidates = list(
            Complaint.objects.filter(customer_reference__startswith="DEMO-", is_valid=True)
            .exclude(status__in=(ComplaintStatus.VOID, ComplaintStatus.ARCHIVED))
            .order_by("received_at")
        )
        if not candidates:
            return
        step_hours = len(candidates) // len(targets) or 1
        for n, target in enumerate(targets):
            complaint = candidates[min(n * step_hours, len(candidates) - 1)]
            self.one_return(n, complaint, target)

    def one_return(self, n, complaint, target):
        s = return_services
        t = complaint.received_at + datetime.timedelta(days=2)
        qty = [120, 60, 300, 80, 40, 200, 150, 90, 30, 10][n]
        ng = qty // 5

        def at(hours):
            nonlocal t
            t = min(t + datetime.timedelta(hours=hours), self.now - datetime.timedelta(minutes=5))
            return clock(t)

        with at(0):
            r = s.return_receive(
                actor=self.warehouse,
                complaint=complaint,
                product=complaint.product,
                batch=complaint.batch,
                return_note=f"DEMO-RT-{n + 1:02d}",
                received_qty=qty,
            )
        if target == ReturnStatus.VOIDED:
            with at(3):
                s.return_void(actor=self.qm, customer_return=r, reason="客户退货单填错型号，已作废重开")
            return
        if target == ReturnStatus.RECEIVED:
            return
        with at(2):
            r = s.return_take_over(actor=self.qa, customer_return=r)
        if target == ReturnStatus.AT_QUALITY:
            return
        with at(5):
            r = s.return_inspect(
                actor=self.qa, customer_return=r, ok_qty=qty - ng, ng_qty=ng, notes="100%全检，不良为孔位偏移"
            )
        if target == ReturnStatus.INSPECTED:
            return
        rework, scrap = ng - ng // 4, ng // 4
        with at(16 if n == 1 else 4):  # the second return misses its 12-hour disposition deadline
            r = s.return_dispose(
                actor=self.qa,
                customer_return=r,
                plan="孔位偏移件扩孔返工，无法返工件提交MRB",
                rework_qty=rework,
                scrap_qty=scrap,
            )
        if target == ReturnStatus.DISPOSED:
            return
        with at(30 if n == 2 else 18):
            r = s.return_record_rework(
                actor=self.qa, customer_return=r, ok_qty=rework, ng_qty=0, notes="返工后全检合格"
            )
        with at(4):
            r = s.return_mrb_decide(
                actor=self.qm,
                customer_return=r,
                scrap_qty=scrap,
                decision="无法返工，按退货板报废",
                members="品质部、工艺、生产部",
            )
        if target == ReturnStatus.PROCESSED:
            return
        with at(20):
            r = s.return_redeliver(
                actor=self.warehouse,
                customer_return=r,
                redelivered_qty=qty,
                replacement_qty=scrap,
                delivery_note=f"SH{n:04d}",
            )
        if target == ReturnStatus.REDELIVERED:
            return
        with at(48):
            s.return_close(actor=self.qa, customer_return=r)

    # Claims -----------------------------------------------------------------------------

    def claims(self):
        """One claim per state (and one delivery claim)."""
        if Claim.objects.filter(customer_reference__startswith="DEMO-KP").exists():
            return
        pd = self.departments.get("PD")
        qd = self.departments.get("QD")
        involved = [d for d in (qd, pd) if d is not None]
        targets = [
            ClaimStatus.BOOKED,
            ClaimStatus.BOOKED,
            ClaimStatus.APPROVED,
            ClaimStatus.REJECTED,
            ClaimStatus.COUNTERSIGNED,
            ClaimStatus.CONFIRMED,
            ClaimStatus.REGISTERED,
            ClaimStatus.VOIDED,
        ]
        complaints = list(
            Complaint.objects.filter(customer_reference__startswith="DEMO-", is_valid=True)
            .exclude(status=ComplaintStatus.VOID)
            .order_by("received_at")
        )
        s = claim_services
        for n, target in enumerate([*targets, "delivery"]):
            complaint = complaints[min(n * 4, len(complaints) - 1)] if complaints else None
            t = (complaint.received_at if complaint else self.now - datetime.timedelta(days=30)) + datetime.timedelta(
                days=5
            )
            delivery = target == "delivery"

            def at(hours):
                nonlocal t
                t = min(t + datetime.timedelta(hours=hours), self.now - datetime.timedelta(minutes=5))
                return clock(t)

            with at(0):
                claim = s.claim_register(
                    actor=self.sales,
                    customer=complaint.customer,
                    kind=ClaimKind.DELIVERY if delivery else ClaimKind.QUALITY,
                    complaint=None if delivery else complaint,
                    amount=Decimal(self.rng.choice(["3500.00", "12800.00", "26000.00", "8600.00", "45000.00"])),
                    reason="客户停线及挑选工时费用" if not delivery else "交货延误导致客户紧急空运",
                    received_on=timezone.localdate(t),
                    customer_reference=f"DEMO-KP-{n + 1:02d}",
                    planning_department=pd if delivery else None,
                )
            if target == ClaimStatus.REGISTERED:
                continue
            if target == ClaimStatus.VOIDED:
                with at(24):
                    s.claim_void(actor=self.qm, claim=claim, reason="客户撤回索赔要求")
                continue
            confirmer = self.heads.get("PD") if delivery else self.qa
            if confirmer is None:
                continue
            with at(24):
                s.claim_confirm(
                    actor=confirmer,
                    claim=claim,
                    cause="排产计划未预留换模时间" if delivery else "夹具磨损导致批量孔位偏移",
                    liability=Liability.OURS,
                    departments=[pd] if delivery and pd else involved,
                    accepted_amount=(claim.amount * Decimal("0.8")).quantize(Decimal("0.01")),
                )
            if target == ClaimStatus.CONFIRMED:
                continue
            claim.refresh_from_db()
            for signature in claim.countersignatures.select_related("department"):
                head = self.heads.get(signature.department.code)
                if head is None:
                    break
                with at(12):
                    s.claim_countersign(actor=head, claim=claim, department=signature.department, comment="同意")
            claim.refresh_from_db()
            if target == ClaimStatus.COUNTERSIGNED or claim.status != ClaimStatus.COUNTERSIGNED:
                continue
            if target == ClaimStatus.REJECTED:
                with at(24):
                    s.claim_reject(actor=self.gm, claim=claim, comment="客户自身来料问题占主要原因，退回重新协商")
                continue
            with at(24):
                s.claim_approve(actor=self.gm, claim=claim, comment="同意按确认金额赔付")
            if target == ClaimStatus.APPROVED:
                continue
            with at(48):
                s.claim_book(actor=self.finance, claim=claim, voucher=f"记-{timezone.localtime(t):%Y%m}-{n + 11:03d}")

    def report(self, made):
        demo = Complaint.objects.filter(customer_reference__startswith="DEMO-")
        states = dict.fromkeys(ComplaintStatus.values, 0)
        for status in demo.values_list("status", flat=True):
            states[status] += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo complaints: {made} added, {demo.count()} in all; "
                f"customers {Customer.objects.filter(code__startswith='CUS-').count()}, "
                f"CAPAs {Capa.objects.count()}, returns {CustomerReturn.objects.count()}, "
                f"claims {Claim.objects.count()}."
            )
        )
        self.stdout.write("  by state: " + ", ".join(f"{k} {v}" for k, v in states.items() if v))
        self.stdout.write(
            "  returns by state: "
            + ", ".join(f"{s} {n}" for s, n in _counts(CustomerReturn.objects.values_list("status", flat=True)))
        )
        self.stdout.write(
            "  claims by state: "
            + ", ".join(f"{s} {n}" for s, n in _counts(Claim.objects.values_list("status", flat=True)))
        )


def _counts(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items())
