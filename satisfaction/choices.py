"""Choices of the customer satisfaction app."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The five answer levels of the survey form (满意 / 较满意 / 一般 / 不很满意 / 不满意)."""

    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")
    NEUTRAL = "neutral", _("Neutral")
    NOT_VERY_SATISFIED = "not_very_satisfied", _("Not very satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


#: Level → name of the template field holding its share of the item's points.
LEVEL_SHARE_FIELDS = {
    Level.SATISFIED: "share_satisfied",
    Level.FAIRLY_SATISFIED: "share_fairly_satisfied",
    Level.NEUTRAL: "share_neutral",
    Level.NOT_VERY_SATISFIED: "share_not_very_satisfied",
    Level.DISSATISFIED: "share_dissatisfied",
}
#: The default shares in per cent, best level first (seed 000: 100 / 80 / 60 / 40 / 0).
DEFAULT_SHARES = {
    Level.SATISFIED: Decimal("100"),
    Level.FAIRLY_SATISFIED: Decimal("80"),
    Level.NEUTRAL: Decimal("60"),
    Level.NOT_VERY_SATISFIED: Decimal("40"),
    Level.DISSATISFIED: Decimal("0"),
}
#: Levels that count as dissatisfaction: one click turns such an answer into a CAPA.
DISSATISFIED_LEVELS = (Level.NOT_VERY_SATISFIED, Level.DISSATISFIED)

#: The items of a new template (seed 000): points, Chinese text, English text.
DEFAULT_ITEMS = (
    (Decimal("40"), "产品质量", "Product quality"),
    (Decimal("30"), "服务", "Service"),
    (Decimal("20"), "价格", "Price"),
    (Decimal("10"), "交付", "Delivery"),
)
#: Points every template's items add up to.
TOTAL_POINTS = Decimal("100")
#: Fewer returned forms than this and the result is not representative (seed 000).
MIN_RESPONSES = 10


class CampaignStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


#: status → statuses it may move to. One service performs each move.
TRANSITIONS = {
    CampaignStatus.RUNNING: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: {CampaignStatus.RUNNING},
}


class Channel(models.TextChoices):
    """How a response reached the company."""

    ONLINE = "online", _("Online form")
    PAPER = "paper", _("Paper")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")


#: Channels staff enter by hand (the online form records itself).
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.ONLINE]
