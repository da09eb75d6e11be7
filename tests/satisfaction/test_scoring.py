"""Scores computed by hand, with the test template of ``conftest``: Quality 60 points with
sub-items A (weight 2 → 40 points) and B (weight 1 → 20 points); Delivery 40 points.
Level shares 100 / 80 / 60 / 40 / 0 %."""

from decimal import Decimal

import pytest

from satisfaction import scoring, selectors
from satisfaction.choices import Level
from satisfaction.scoring import one_decimal
from tests.satisfaction.fixtures import answer_keys, respond

S, F, N, NV, D = (
    Level.SATISFIED,
    Level.FAIRLY_SATISFIED,
    Level.NEUTRAL,
    Level.NOT_VERY_SATISFIED,
    Level.DISSATISFIED,
)


def scheme_of(template):
    return scoring.Scheme(template, list(template.items.prefetch_related("sub_items")))


def given(template, **levels):
    keys = answer_keys(template)
    return {keys[k]: v for k, v in levels.items()}


def test_sub_items_share_the_item_points_by_weight(template):
    scheme = scheme_of(template)
    keys = answer_keys(template)
    assert scheme.sub_points[keys["A"][1]] == Decimal(40)
    assert scheme.sub_points[keys["B"][1]] == Decimal(20)


def test_customer_score_is_the_sum_of_item_scores(template):
    # A satisfied 40 + B neutral 20×60 % = 12 → Quality 52; Delivery fairly 40×80 % = 32.
    scheme = scheme_of(template)
    answers = given(template, A=S, B=N, D=F)
    quality, delivery = template.items.order_by("order")
    assert scheme.item_scores(answers) == {quality.pk: Decimal(52), delivery.pk: Decimal(32)}
    assert scheme.customer_score(answers) == Decimal(84)


def test_skipped_item_is_left_out_and_the_score_rescaled_to_100(template):
    # Delivery skipped: Quality = A 0 + B 20 = 20 of 60 points → 20 × 100 / 60 = 33.33…
    score = scheme_of(template).customer_score(given(template, A=D, B=S))
    assert score == Decimal(20) * 100 / 60
    assert one_decimal(score) == Decimal("33.3")


def test_skipped_sub_item_takes_the_result_of_the_answered_sub_items(template):
    # A skipped, B fairly 16 of 20 → Quality = 60 × 16 / 20 = 48; Delivery satisfied 40 → 88.
    scheme = scheme_of(template)
    answers = given(template, B=F, D=S)
    quality, _delivery = template.items.order_by("order")
    assert scheme.item_scores(answers)[quality.pk] == Decimal(48)
    assert scheme.customer_score(answers) == Decimal(88)


def test_nothing_answered_has_no_score(template):
    assert scheme_of(template).customer_score({}) is None


def test_custom_level_shares_change_the_score(quality_manager, template):
    template.share_fairly_satisfied = Decimal(90)
    template.save()
    assert scheme_of(template).customer_score(given(template, A=F, B=F, D=F)) == Decimal(90)


def test_one_decimal_rounds_half_up():
    assert one_decimal(Decimal("68.45")) == Decimal("68.5")
    assert one_decimal(Decimal("68.44444")) == Decimal("68.4")
    assert one_decimal(None) is None


@pytest.fixture
def three_responses(quality_manager, campaign, customers):
    c1, c2, c3 = customers
    respond(quality_manager, campaign, c1, {"A": S, "B": N, "D": F}, comment="交货很及时")
    respond(quality_manager, campaign, c2, {"A": D, "B": S})
    respond(quality_manager, campaign, c3, {"B": F, "D": S})
    return campaign


def test_report_figures_match_the_hand_computation(three_responses):
    report = selectors.campaign_report(three_responses)
    # Customers 84, 33.33…, 88 → overall 205.33… / 3 = 68.44… → 68.4, rate 68.4 %.
    assert one_decimal(report.overall) == Decimal("68.4")
    assert one_decimal(report.rate_percent) == Decimal("68.4")
    assert report.overall == (Decimal(84) + Decimal(20) * 100 / 60 + Decimal(88)) / 3
    assert not report.meets_target
    quality, delivery = report.items
    # Quality: (52 + 20 + 48) / 3 = 40 → 66.7 % of 60; Delivery: (32 + 40) / 2 = 36 → 90 %.
    assert quality.stats.mean == Decimal(40)
    assert one_decimal(quality.stats.percent) == Decimal("66.7")
    assert quality.below_target
    assert delivery.stats.mean == Decimal(36)
    assert delivery.stats.answered == 2
    assert not delivery.below_target
    a, b = quality.sub_rows
    # A: (40 + 0) / 2 = 20 → 50 %; B: (12 + 20 + 16) / 3 = 16 → 80 %.
    assert a.stats.mean == Decimal(20) and a.stats.percent == Decimal(50)
    assert b.stats.mean == Decimal(16) and b.stats.percent == Decimal(80)
    assert b.stats.distribution[S] == 1 and b.stats.distribution[N] == 1 and b.stats.distribution[F] == 1
    assert delivery.stats.distribution[F] == 1 and delivery.stats.distribution[S] == 1
    assert [c.response.customer.code for c in report.lowest] == ["C2", "C1", "C3"]
    assert [r.comment for r in report.comments] == ["交货很及时"]
    assert [(r.customer.code, a.level) for r, a in report.dissatisfied_answers] == [("C2", D)]
    assert (report.invited, report.responded, report.missing) == (3, 3, 0)
    assert report.too_few
