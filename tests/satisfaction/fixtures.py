"""Helpers of the satisfaction tests (the fixtures in ``conftest.py`` use them too)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from satisfaction import services
from satisfaction.choices import Channel


def make_template(actor, code="T", items=None):
    items = items or [
        {
            "points": Decimal(60),
            "text": "质量",
            "text_en": "Quality",
            "sub_items": [
                {"text": "性能", "text_en": "Performance", "weight": Decimal(2)},
                {"text": "外观", "text_en": "Appearance", "weight": Decimal(1)},
            ],
        },
        {"points": Decimal(40), "text": "交付", "text_en": "Delivery", "sub_items": []},
    ]
    return services.template_create(
        actor=actor, code=code, fields={"name": "测试表", "name_en": "Test form"}, items=items
    )


def start_campaign(actor, template, customers, owner=None, **overrides):
    """A running campaign over this year with a deadline a month ahead (``overrides`` change it)."""
    today = timezone.localdate()
    fields = {
        "title": "Yearly survey",
        "period_start": today.replace(month=1, day=1),
        "period_end": today.replace(month=12, day=31),
        "target_rate": Decimal("90"),
        "deadline": today + datetime.timedelta(days=30),
    }
    fields.update(overrides)
    return services.campaign_create(
        actor=actor, template=template, owner=owner or actor.employee, customers=customers, **fields
    )


def answer_keys(template):
    """``{"A": (item, sub), "B": ..., "D": (item, None)}`` for the test template."""
    quality, delivery = list(template.items.order_by("order"))
    a, b = list(quality.sub_items.order_by("order"))
    return {"A": (quality.pk, a.pk), "B": (quality.pk, b.pk), "D": (delivery.pk, None)}


def respond(actor, campaign, customer, levels, channel=Channel.PAPER, comment=""):
    """Enter a response with ``levels`` = ``{"A": level, "B": level, "D": level}``."""
    keys = answer_keys(campaign.template)
    invitation = campaign.invitations.get(customer=customer)
    return services.response_record(
        actor=actor,
        invitation=invitation,
        channel=channel,
        received_on=timezone.localdate(),
        answers={keys[k]: v for k, v in levels.items()},
        comment=comment,
    )
