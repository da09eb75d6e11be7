"""Reads of the satisfaction module, already narrowed to what the user may see, and the
analysis report (顾客满意度调查分析报告) of a campaign, built in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch
from django.http import Http404

from . import permissions, scoring
from .choices import DISSATISFIED_LEVELS, CampaignStatus, Level
from .models import Answer, Campaign, Invitation, ItemCapa, Response, SurveyItem, SurveySubItem, SurveyTemplate

#: Number of previous campaigns the trend shows besides the current one.
TREND_LENGTH = 5
#: Customers listed as the lowest-scoring ones.
LOWEST_COUNT = 5


def campaigns_for(user):
    """Campaigns ``user`` may see, with their progress counts (one query)."""
    queryset = Campaign.objects.select_related("template", "owner").annotate(
        invited=Count("invitations", distinct=True),
        responded=Count("responses", distinct=True),
    )
    return permissions.campaigns_visible_to(queryset, user)


def campaign_for(user, pk):
    """One campaign ``user`` may see, else 404."""
    try:
        return campaigns_for(user).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def templates_latest():
    """The latest version of every template (those without a newer version)."""
    return SurveyTemplate.objects.filter(next_version__isnull=True).order_by("code")


def template_with_items(pk):
    items = SurveyItem.objects.prefetch_related("sub_items")
    try:
        return SurveyTemplate.objects.prefetch_related(Prefetch("items", queryset=items)).get(pk=pk)
    except SurveyTemplate.DoesNotExist:
        raise Http404 from None


def invitation_rows(campaign):
    """The campaign's invitations with their customer and response (one query)."""
    return list(campaign.invitations.select_related("customer", "response").order_by("customer__code"))


def owner_inbox(user):
    """Running campaigns owned by ``user``: progress and deadline (one query)."""
    campaigns = list(
        Campaign.objects.filter(owner__user=user, status=CampaignStatus.RUNNING)
        .annotate(
            invited=Count("invitations", distinct=True),
            responded=Count("responses", distinct=True),
        )
        .order_by("deadline")
    )
    for campaign in campaigns:
        campaign.missing = campaign.invited - campaign.responded
    return campaigns


def invitation_for_token(token):
    """The invitation of a public link, with what the form needs; 404 for an unknown token."""
    try:
        return Invitation.objects.select_related("campaign__template", "campaign__owner", "customer").get(token=token)
    except (Invitation.DoesNotExist, ValueError):
        raise Http404 from None


def capa_links(origins):
    """``{(model class name, pk): [Capa, ...]}`` for CAPAs opened from ``origins`` (one query
    per model class involved)."""
    from complaints.models import Capa

    by_model = defaultdict(set)
    for obj in origins:
        by_model[type(obj)].add(obj.pk)
    found = defaultdict(list)
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        for capa in Capa.objects.filter(origin_content_type=content_type, origin_object_id__in=pks).order_by("pk"):
            found[(model.__name__, capa.origin_object_id)].append(capa)
    return found


# The analysis report --------------------------------------------------------------------------


@dataclass
class QuestionStats:
    """Mean score and level distribution of an item or a sub-item."""

    points: Decimal
    scores: list = field(default_factory=list)
    distribution: dict = field(default_factory=lambda: dict.fromkeys(Level, 0))

    @property
    def answered(self):
        return len(self.scores)

    @property
    def mean(self):
        return scoring.mean(self.scores)

    @property
    def percent(self):
        """Mean as a percentage of the points: comparable with the target rate."""
        mean = self.mean
        return None if mean is None else mean * 100 / self.points

    def distribution_rows(self):
        total = sum(self.distribution.values())
        return [
            (level, count, (Decimal(count) * 100 / total) if total else Decimal(0))
            for level, count in self.distribution.items()
        ]


@dataclass
class SubItemRow:
    sub_item: SurveySubItem
    stats: QuestionStats


@dataclass
class ItemRow:
    item: SurveyItem
    stats: QuestionStats
    sub_rows: list
    below_target: bool = False
    capas: list = field(default_factory=list)


@dataclass
class CustomerRow:
    response: Response
    score: Decimal | None
    item_scores: dict
    dissatisfied: list


@dataclass
class TrendPoint:
    campaign: Campaign
    responded: int
    overall: Decimal | None

    @property
    def rate(self):
        return scoring.satisfaction_rate(self.overall)


@dataclass
class Report:
    campaign: Campaign
    items: list
    customers: list
    invited: int
    overall: Decimal | None
    trend: list
    answer_capas: dict

    @property
    def responded(self):
        return len(self.customers)

    @property
    def missing(self):
        return self.invited - self.responded

    @property
    def rate(self):
        return scoring.satisfaction_rate(self.overall)

    @property
    def rate_percent(self):
        rate = self.rate
        return None if rate is None else rate * 100

    @property
    def meets_target(self):
        rate = self.rate_percent
        return rate is not None and rate >= self.campaign.target_rate

    @property
    def too_few(self):
        from .choices import MIN_RESPONSES

        return self.responded < MIN_RESPONSES

    @property
    def lowest(self):
        scored = [c for c in self.customers if c.score is not None]
        return sorted(scored, key=lambda c: (c.score, c.response.customer.code))[:LOWEST_COUNT]

    @property
    def comments(self):
        return [c.response for c in self.customers if c.response.comment]

    @property
    def dissatisfied_answers(self):
        return [(c.response, answer) for c in self.customers for answer in c.dissatisfied]

    @property
    def level_totals(self):
        totals = dict.fromkeys(Level, 0)
        for row in self.items:
            for level, count in (
                row.stats.distribution.items()
                if not row.sub_rows
                else ((lv, sum(s.stats.distribution[lv] for s in row.sub_rows)) for lv in Level)
            ):
                totals[level] += count
        return totals

    @property
    def lowest_item(self):
        rated = [row for row in self.items if row.stats.percent is not None]
        return min(rated, key=lambda row: row.stats.percent) if rated else None


def _schemes(templates):
    """``{template pk: (template, items, Scheme)}`` for several templates (two queries)."""
    items = list(
        SurveyItem.objects.filter(template__in=[t.pk for t in templates])
        .prefetch_related(Prefetch("sub_items", queryset=SurveySubItem.objects.order_by("order", "pk")))
        .order_by("template_id", "order", "pk")
    )
    by_template = defaultdict(list)
    for item in items:
        by_template[item.template_id].append(item)
    return {t.pk: (t, by_template[t.pk], scoring.Scheme(t, by_template[t.pk])) for t in templates}


def _earlier_campaigns(campaign):
    """The campaign and up to ``TREND_LENGTH`` earlier ones, oldest first, with overall scores."""
    earlier = list(
        Campaign.objects.filter(period_start__lt=campaign.period_start)
        .select_related("template")
        .order_by("-period_start", "-pk")[:TREND_LENGTH]
    )
    return list(reversed(earlier))


def campaign_report(campaign) -> Report:
    """Everything the analysis report shows, in a constant number of queries whatever the
    number of customers, answers or earlier campaigns."""
    earlier = _earlier_campaigns(campaign)
    templates = {campaign.template_id: campaign.template, **{c.template_id: c.template for c in earlier}}
    schemes = _schemes(list(templates.values()))
    _template, items, scheme = schemes[campaign.template_id]

    responses = list(
        Response.objects.filter(campaign=campaign).select_related("customer").order_by("customer__code", "pk")
    )
    # Plain tuples for the arithmetic (thousands of rows); model instances only for the few
    # dissatisfied answers the report lists and links to CAPAs.
    answer_rows = Answer.objects.filter(response__campaign=campaign).values_list(
        "response_id", "item_id", "sub_item_id", "level"
    )
    answers_by_response = defaultdict(dict)
    for response_id, item_id, sub_item_id, level in answer_rows:
        answers_by_response[response_id][(item_id, sub_item_id)] = level
    dissatisfied_by_response = defaultdict(list)
    for answer in (
        Answer.objects.filter(response__campaign=campaign, level__in=DISSATISFIED_LEVELS)
        .select_related("item", "sub_item")
        .order_by("item__order", "sub_item__order", "pk")
    ):
        dissatisfied_by_response[answer.response_id].append(answer)

    item_stats = {item.pk: QuestionStats(item.points) for item in items}
    sub_stats = {sub.pk: QuestionStats(scheme.sub_points[sub.pk]) for item in items for sub in item.sub_items.all()}
    customers = []
    for response in responses:
        given = answers_by_response.get(response.pk, {})
        item_scores = scheme.item_scores(given)
        for item_pk, score in item_scores.items():
            if score is not None:
                item_stats[item_pk].scores.append(score)
        for (item_pk, sub_pk), level in given.items():
            if sub_pk is None:
                item_stats[item_pk].distribution[level] += 1
            else:
                sub_stats[sub_pk].scores.append(scheme.sub_item_score(sub_pk, level))
                sub_stats[sub_pk].distribution[level] += 1
        customers.append(
            CustomerRow(
                response, scheme.customer_score(given, item_scores), item_scores, dissatisfied_by_response[response.pk]
            )
        )

    item_capas = defaultdict(list)
    for link in ItemCapa.objects.filter(campaign=campaign).select_related("capa").order_by("pk"):
        item_capas[link.item_id].append(link.capa)
    item_rows = []
    for item in items:
        stats = item_stats[item.pk]
        row = ItemRow(
            item=item,
            stats=stats,
            sub_rows=[SubItemRow(sub, sub_stats[sub.pk]) for sub in item.sub_items.all()],
            below_target=stats.percent is not None and stats.percent < campaign.target_rate,
        )
        row.capas = item_capas.get(item.pk, [])
        item_rows.append(row)

    dissatisfied_answers = [a for c in customers for a in c.dissatisfied]
    answer_capas = capa_links(dissatisfied_answers) if dissatisfied_answers else {}
    overall = scoring.overall_score([c.score for c in customers])

    trend = _trend_points(earlier, schemes) + [TrendPoint(campaign, len(responses), overall)]
    return Report(
        campaign=campaign,
        items=item_rows,
        customers=customers,
        invited=campaign.invitations.count(),
        overall=overall,
        trend=trend,
        answer_capas={pk: capas for (_model, pk), capas in answer_capas.items()},
    )


def _trend_points(earlier, schemes):
    if not earlier:
        return []
    rows = Answer.objects.filter(response__campaign__in=[c.pk for c in earlier]).values_list(
        "response__campaign_id", "response_id", "item_id", "sub_item_id", "level"
    )
    by_campaign = defaultdict(lambda: defaultdict(dict))
    for campaign_id, response_id, item_id, sub_item_id, level in rows:
        by_campaign[campaign_id][response_id][(item_id, sub_item_id)] = level
    points = []
    for campaign in earlier:
        scheme = schemes[campaign.template_id][2]
        responses = by_campaign.get(campaign.pk, {})
        scores = [scheme.customer_score(given) for given in responses.values()]
        points.append(TrendPoint(campaign, len(responses), scoring.overall_score(scores)))
    return points


def response_detail(response_pk):
    """A response with its answers, the scheme to score it, and CAPAs opened from it."""
    try:
        response = Response.objects.select_related(
            "campaign__template", "campaign__owner", "customer", "entered_by"
        ).get(pk=response_pk)
    except Response.DoesNotExist:
        raise Http404 from None
    return response


def answers_of(response):
    return list(response.answers.select_related("item", "sub_item").order_by("item__order", "sub_item__order"))
