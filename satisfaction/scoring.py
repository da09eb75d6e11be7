"""How a returned survey form is scored (seed 000, 顾客满意度评价), with exact decimals.

* Every item has points (the template's items add up to 100). An item may be split into
  sub-items that share its points by weight: sub-item points = item points × weight / sum of
  the item's weights (equal weights by default).
* Each of the five levels earns a share of the points (default 100 / 80 / 60 / 40 / 0 %).
  Score of an answered item (or sub-item) = its points × the share of the chosen level.
* An item with sub-items scores the sum of its sub-item scores.
* A customer's score = the sum of their item scores; the overall score = the mean of the
  customers' scores; the satisfaction rate = overall score / 100.

Skipped questions (the customer left them blank, e.g. "not applicable"): they are left out,
not counted as zero, and the rest is rescaled so the scale stays 0–100:

* a skipped sub-item: the item scores its points × (score of its answered sub-items / points
  of its answered sub-items), i.e. the answered sub-items stand for the whole item;
* a skipped item (no answer to it or to any of its sub-items): the customer's score is
  100 × (sum of answered item scores) / (points of the answered items);
* a form with no answer at all cannot be submitted.

For the report, an item's mean is taken over the customers who answered it.
Values are only rounded for display, to one decimal place (``one_decimal``).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


def one_decimal(value):
    """``value`` rounded half up to one decimal place (``None`` stays ``None``)."""
    if value is None:
        return None
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) / len(values) if values else None


@dataclass
class SubItemRule:
    pk: int
    points: Decimal


@dataclass
class ItemRule:
    pk: int
    points: Decimal
    sub_items: list = field(default_factory=list)


class Scheme:
    """The scoring rules of one template version, built once and applied to many responses.

    ``items``: the template's items with ``sub_items`` (prefetched or plain lists).
    Answers are given as ``{(item pk, sub-item pk or None): level}``; a level is a ``Level``
    or its plain string value (``Level`` is a str enum, so both find the same share).
    """

    def __init__(self, template, items):
        self.shares = {str(level.value): share for level, share in template.shares().items()}
        self.items = []
        for item in items:
            subs = list(item.sub_items.all()) if hasattr(item.sub_items, "all") else list(item.sub_items)
            total_weight = sum((s.weight for s in subs), Decimal(0))
            rules = [SubItemRule(s.pk, item.points * s.weight / total_weight) for s in subs]
            self.items.append(ItemRule(item.pk, item.points, rules))
        self.total_points = sum((i.points for i in self.items), Decimal(0))
        self.sub_points = {s.pk: s.points for i in self.items for s in i.sub_items}

    def sub_item_score(self, sub_pk, level):
        return self.sub_points[sub_pk] * self.shares[level]

    def item_score(self, rule: ItemRule, answers: dict):
        """The item's score for one customer, or ``None`` if they skipped it altogether."""
        if not rule.sub_items:
            level = answers.get((rule.pk, None))
            return None if level is None else rule.points * self.shares[level]
        earned = answered = Decimal(0)
        for sub in rule.sub_items:
            level = answers.get((rule.pk, sub.pk))
            if level is not None:
                earned += sub.points * self.shares[level]
                answered += sub.points
        if not answered:
            return None
        return rule.points * earned / answered

    def item_scores(self, answers: dict) -> dict:
        """``{item pk: score or None}``."""
        return {rule.pk: self.item_score(rule, answers) for rule in self.items}

    def customer_score(self, answers: dict, item_scores: dict | None = None):
        """The customer's score on the 0–100 scale, skipped items left out (see module doc).
        ``item_scores`` (from ``item_scores``) saves computing them again."""
        item_scores = item_scores if item_scores is not None else self.item_scores(answers)
        earned = answered = Decimal(0)
        for rule in self.items:
            score = item_scores[rule.pk]
            if score is not None:
                earned += score
                answered += rule.points
        if not answered:
            return None
        return earned * self.total_points / answered


def overall_score(customer_scores):
    """The mean of the customers' scores (``None`` without any)."""
    return mean(customer_scores)


def satisfaction_rate(overall):
    """Overall score / 100, as a fraction (0.873 for 87.3 %)."""
    return None if overall is None else overall / Decimal(100)
