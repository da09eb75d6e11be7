"""Demo data of the satisfaction module: two yearly survey campaigns so the trend shows.

* the previous year's survey: the standard form (CSS v1), sent in October, all ten demo
  customers answered before the 30 November deadline, a corrective action opened from a
  dissatisfied answer, closed in mid-December after the management review;
* the current survey, started forty days ago for the year it started in: the form revised to
  version 2 a week before (delivery split into sub-items), still running with a deadline three
  weeks ahead, eight of ten answers in (some online through the personal link, some on paper,
  fax or by phone), two customers missing.

Every date is counted from today and every step runs at its moment of the story
(``core.clock.moved_clock``), through the same services a user goes through: answers are
given while the campaign is open, and the previous campaign is closed after its answers.

Runs after ``seed_demo`` and ``seed_demo_complaints`` (whose customers it asks); customers
missing from the register are created here by code. Idempotent: campaigns are matched by
title, responses by customer, so a second run changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.models import Customer
from core.clock import StoryCalendar, moved_clock
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

#: The current campaign started this many days before today; its deadline is this many ahead.
CURRENT_STARTED_DAYS_AGO = 40
CURRENT_DEADLINE_DAYS_AHEAD = 21


@dataclass(frozen=True)
class CampaignStory:
    """One yearly campaign of the story: which year it asks about and what happened to it."""

    year: int
    target: int
    answered: int
    #: Weights of the levels, best first: most customers are satisfied, a few are not.
    weights: tuple
    random_seed: int
    created: datetime.datetime
    deadline: datetime.date
    first_answer: datetime.date
    closed: datetime.datetime | None

    @property
    def title(self):
        return f"{self.year} 年度顾客满意度调查"


STAFF_CHANNELS = [Channel.PAPER, Channel.FAX, Channel.EMAIL, Channel.PHONE]


class Command(BaseCommand):
    help = "Create two years of demo satisfaction survey campaigns with responses (idempotent)."

    def handle(self, *args, **options):
        self.sales = User.objects.filter(username="sales").select_related("employee").first()
        self.qm = User.objects.filter(username="qm").first()
        if not self.sales or not self.qm or not hasattr(self.sales, "employee"):
            raise CommandError("Run seed_demo first: the logins “sales” and “qm” are needed.")
        self.calendar = StoryCalendar()
        previous, current = self.stories(self.calendar)
        with transaction.atomic():
            with moved_clock(previous.created - datetime.timedelta(days=1)):
                customers = self.customers()
            template_v1 = SurveyTemplate.objects.get(code=DEFAULT_TEMPLATE_CODE, version=1)
            first = self.campaign(previous, template_v1, customers)
            with moved_clock(current.created - datetime.timedelta(days=7)):
                template_v2 = self.revised_template(template_v1)
            second = self.campaign(current, template_v2, customers)
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

    def stories(self, calendar):
        """The previous and the current campaign, dated from today."""
        started = calendar.days_ago(CURRENT_STARTED_DAYS_AGO)
        year = started.year
        previous = CampaignStory(
            year=year - 1,
            target=95,
            answered=10,
            weights=(44, 30, 14, 8, 4),
            random_seed=1,
            created=calendar.at(datetime.date(year - 1, 10, 8), 9, 0),
            deadline=datetime.date(year - 1, 11, 30),
            first_answer=datetime.date(year - 1, 10, 20),
            closed=calendar.at(datetime.date(year - 1, 12, 15), 16, 0),
        )
        current = CampaignStory(
            year=year,
            target=97,
            answered=8,
            weights=(52, 30, 12, 4, 2),
            random_seed=2,
            created=calendar.at(started, 9, 0),
            deadline=calendar.days_ahead(CURRENT_DEADLINE_DAYS_AHEAD),
            first_answer=started + datetime.timedelta(days=5),
            closed=None,
        )
        return previous, current

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
            raise CommandError("The previous campaign must use version 1 before it is revised.")
        return services.template_revise(
            actor=self.qm,
            template=template,
            fields={f: getattr(template, f) for f in services.TEMPLATE_FIELDS},
            items=items,
            change_note="交付项拆分为“按时足量交付”和“包装与标识”两个小项",
        )

    def campaign(self, story, template, customers):
        campaign = Campaign.objects.filter(title=story.title).first()
        if campaign is None:
            with moved_clock(story.created):
                campaign = services.campaign_create(
                    actor=self.sales,
                    title=story.title,
                    period_start=datetime.date(story.year, 1, 1),
                    period_end=datetime.date(story.year, 12, 31),
                    template=template,
                    target_rate=story.target,
                    deadline=story.deadline,
                    owner=self.sales.employee,
                    customers=customers,
                )
            self.stdout.write(f"{story.title}: created")
        if campaign.status == CampaignStatus.CLOSED:
            return campaign
        rng = random.Random(story.random_seed)
        questions = [
            (item.pk, sub.pk if sub else None)
            for item in template.items.prefetch_related("sub_items")
            for sub in (list(item.sub_items.all()) or [None])
        ]
        invitations = list(campaign.invitations.select_related("customer").order_by("customer__code"))
        for index, invitation in enumerate(invitations[: story.answered]):
            answers = {}
            for question in questions:
                if rng.random() < 0.05:
                    continue  # "not applicable": skipped
                answers[question] = rng.choices(list(Level), weights=story.weights)[0]
            if Response.objects.filter(invitation=invitation).exists():
                continue
            received = story.first_answer + datetime.timedelta(days=index * 3)
            comment = COMMENTS[(index + story.year) % len(COMMENTS)]
            if index % 3 == 0 and story.closed is None:
                # The customer answers through the personal link, on the day.
                with moved_clock(self.calendar.at(received, 10, 20)):
                    services.response_submit_online(invitation=invitation, answers=answers, comment=comment)
            else:
                # A form on paper, by fax or by phone, typed in the next working morning.
                with moved_clock(self.calendar.at(received + datetime.timedelta(days=1), 9, 15)):
                    services.response_record(
                        actor=self.sales,
                        invitation=invitation,
                        channel=STAFF_CHANNELS[index % len(STAFF_CHANNELS)],
                        received_on=received,
                        answers=answers,
                        comment=comment,
                    )
        if story.closed is not None:
            with moved_clock(story.closed - datetime.timedelta(days=5)):
                self.capa(campaign)
            with moved_clock(story.closed):
                campaign = services.campaign_close(
                    actor=self.sales, campaign=campaign, reason="结果已提交 12 月管理评审"
                )
        return campaign

    def capa(self, campaign):
        """A corrective action from the previous campaign's first dissatisfied answer, once."""
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
            self.stdout.write(f"CAPA opened from a dissatisfied answer of {campaign.title}")
