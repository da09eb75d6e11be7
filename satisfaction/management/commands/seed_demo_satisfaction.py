"""Demo data of the satisfaction module: two yearly survey campaigns so the trend shows.

* 2025: the standard form (CSS v1), all ten demo customers answered, closed after the
  management review, one corrective action opened from a dissatisfied answer;
* 2026: the form revised to version 2 (delivery split into sub-items), still running with a
  deadline of 30 November, eight of ten answers in (some online, some on paper, fax or by
  phone), two customers missing.

Runs after ``seed_demo`` and ``seed_demo_complaints`` (whose customers it asks); customers
missing from the register are created here by code. Idempotent: campaigns are matched by
title, responses by customer, so a second run changes nothing.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.models import Customer
from satisfaction import services
from satisfaction.choices import CampaignStatus, Channel, Level
from satisfaction.models import Answer, Campaign, ItemCapa, Response, SurveyTemplate
from satisfaction.reference import DEFAULT_TEMPLATE_CODE

User = get_user_model()

#: Fallback customers (code, name) in case the complaints demo has not run.
FALLBACK_CUSTOMERS = [
    ("CUS-001", "华腾汽车股份有限公司"),
    ("CUS-002", "申远客车制造有限公司"),
    ("CUS-003", "锦程新能源汽车有限公司"),
    ("CUS-004", "北辰重型卡车（常州）有限公司"),
    ("CUS-005", "瑞丰汽车电子系统有限公司"),
    ("CUS-006", "东岳动力总成有限公司"),
    ("CUS-007", "启航商用车有限公司"),
    ("CUS-008", "长风越野车有限公司"),
    ("CUS-009", "海川汽车部件（苏州）有限公司"),
    ("CUS-010", "安泰底盘系统有限公司"),
]

COMMENTS = [
    "希望新品打样周期能再缩短一些。",
    "售后工程师到现场很快，点赞。",
    "今年价格上调后竞争力有所下降，请考虑年度返利。",
    "个别批次包装箱受潮，建议改用防潮内衬。",
    "质量稳定，希望继续保持。",
    "交货提前通知不够及时，影响我方排产。",
    "",
    "",
]

#: Weights of the levels, best first: most customers are satisfied, a few are not.
LEVEL_WEIGHTS = {2025: (44, 30, 14, 8, 4), 2026: (52, 30, 12, 4, 2)}

CAMPAIGNS = {
    2025: {"title": "2025 年度顾客满意度调查", "target": 95, "status": CampaignStatus.CLOSED, "answered": 10},
    2026: {"title": "2026 年度顾客满意度调查", "target": 97, "status": CampaignStatus.RUNNING, "answered": 8},
}
STAFF_CHANNELS = [Channel.PAPER, Channel.FAX, Channel.EMAIL, Channel.PHONE]


class Command(BaseCommand):
    help = "Create two years of demo satisfaction survey campaigns with responses (idempotent)."

    def handle(self, *args, **options):
        self.sales = User.objects.filter(username="sales").select_related("employee").first()
        self.qm = User.objects.filter(username="qm").first()
        if not self.sales or not self.qm or not hasattr(self.sales, "employee"):
            raise CommandError("Run seed_demo first: the logins “sales” and “qm” are needed.")
        with transaction.atomic():
            customers = self.customers()
            template_2025 = SurveyTemplate.objects.get(code=DEFAULT_TEMPLATE_CODE, version=1)
            first = self.campaign(2025, template_2025, customers)
            template_2026 = self.revised_template(template_2025)
            second = self.campaign(2026, template_2026, customers)
            self.capa(first)
        for campaign in (first, second):
            self.stdout.write(
                f"{campaign.title}: {campaign.invitations.count()} invited, "
                f"{campaign.responses.count()} responded, {campaign.get_status_display()}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"satisfaction demo: {Campaign.objects.count()} campaigns, {Response.objects.count()} responses, "
                f"{Answer.objects.count()} answers, {SurveyTemplate.objects.count()} template versions"
            )
        )

    def customers(self):
        found = {c.code: c for c in Customer.objects.filter(code__in=[code for code, _ in FALLBACK_CUSTOMERS])}
        for code, name in FALLBACK_CUSTOMERS:
            if code not in found:
                customer = Customer(code=code, name=name, account_owner=self.sales.employee)
                customer._history_user = self.sales
                customer.full_clean()
                customer.save()
                found[code] = customer
                self.stdout.write(f"customer {code} created")
        ordered = [found[code] for code, _ in FALLBACK_CUSTOMERS]
        # Three customers with an e-mail address (one reading English), so links and reminders show.
        for customer, email, language in (
            (ordered[0], "quality@huateng-auto.example", "zh-hans"),
            (ordered[8], "sqe@haichuan-parts.example", "zh-hans"),
            (ordered[9], "purchasing@antai-chassis.example", "en"),
        ):
            if not customer.email:
                customer.email, customer.language = email, language
                if language == "en" and not customer.name_en:
                    customer.name_en = "Antai Chassis Systems Co., Ltd."
                customer._history_user = self.sales
                customer.full_clean()
                customer.save()
        return ordered

    def revised_template(self, template):
        """Version 2 of the standard form: delivery split into on-time delivery and packaging."""
        latest = SurveyTemplate.objects.filter(code=template.code).order_by("-version").first()
        if latest.version > 1:
            return latest
        items = services.template_items_data(template)
        for item in items:
            if item["text"] == "交付":
                item["sub_items"] = [
                    {"text": "按时足量交付", "text_en": "On time and in full", "weight": 2},
                    {"text": "包装与标识", "text_en": "Packaging and labels", "weight": 1},
                ]
        if not template.campaigns.exists():
            raise CommandError("The 2025 campaign must use version 1 before it is revised.")
        return services.template_revise(
            actor=self.qm,
            template=template,
            fields={f: getattr(template, f) for f in services.TEMPLATE_FIELDS},
            items=items,
            change_note="交付项拆分为“按时足量交付”和“包装与标识”两个小项",
        )

    def campaign(self, year, template, customers):
        spec = CAMPAIGNS[year]
        campaign = Campaign.objects.filter(title=spec["title"]).first()
        if campaign is None:
            campaign = services.campaign_create(
                actor=self.sales,
                title=spec["title"],
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                template=template,
                target_rate=spec["target"],
                deadline=datetime.date(year, 11, 30),
                owner=self.sales.employee,
                customers=customers,
            )
            self.stdout.write(f"{spec['title']}: created")
        if campaign.status == CampaignStatus.CLOSED:
            return campaign
        rng = random.Random(year)
        questions = [
            (item.pk, sub.pk if sub else None)
            for item in template.items.prefetch_related("sub_items")
            for sub in (list(item.sub_items.all()) or [None])
        ]
        invitations = list(campaign.invitations.select_related("customer").order_by("customer__code"))
        for index, invitation in enumerate(invitations[: spec["answered"]]):
            answers = {}
            for question in questions:
                if rng.random() < 0.05:
                    continue  # "not applicable": skipped
                answers[question] = rng.choices(list(Level), weights=LEVEL_WEIGHTS[year])[0]
            if Response.objects.filter(invitation=invitation).exists():
                continue
            received = datetime.date(year, 10, 20) + datetime.timedelta(days=index * 3)
            comment = COMMENTS[(index + year) % len(COMMENTS)]
            if index % 3 == 0 and year == 2026:
                response = services.response_submit_online(invitation=invitation, answers=answers, comment=comment)
            else:
                response = services.response_record(
                    actor=self.sales,
                    invitation=invitation,
                    channel=STAFF_CHANNELS[index % len(STAFF_CHANNELS)],
                    received_on=received,
                    answers=answers,
                    comment=comment,
                )
            Response.objects.filter(pk=response.pk).update(received_on=received)
        if spec["status"] == CampaignStatus.CLOSED:
            campaign = services.campaign_close(actor=self.sales, campaign=campaign, reason="结果已提交 12 月管理评审")
        return campaign

    def capa(self, campaign):
        """A corrective action from the 2025 campaign's first dissatisfied answer, once."""
        from complaints.models import Capa

        answer = (
            Answer.objects.filter(response__campaign=campaign, level=Level.DISSATISFIED)
            .select_related("response__campaign__owner", "response__customer", "item", "sub_item")
            .order_by("pk")
            .first()
        )
        if answer is None:
            return
        from django.contrib.contenttypes.models import ContentType

        exists = Capa.objects.filter(
            origin_content_type=ContentType.objects.get_for_model(Answer), origin_object_id=answer.pk
        ).exists()
        if not exists and not ItemCapa.objects.filter(campaign=campaign).exists():
            services.capa_from_answer(actor=self.qm, answer=answer)
            self.stdout.write("CAPA opened from a dissatisfied answer of 2025")
