"""Customer satisfaction surveys (顾客满意度调查): templates with scored items, yearly campaigns
sent to customers from the register, their responses (online or entered by staff) and answers.

A template that a campaign has used never changes again (``SurveyTemplate.is_frozen``):
editing it makes a new version, so the scores of past campaigns stay as they were.
Scoring itself lives in ``satisfaction.scoring``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import DEFAULT_SHARES, DISSATISFIED_LEVELS, LEVEL_SHARE_FIELDS, CampaignStatus, Channel, Level

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def _share_field(level, label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=DEFAULT_SHARES[level], validators=PERCENT)


def localised(chinese: str, english: str, language: str | None = None) -> str:
    """The English text in English (when there is one), the Chinese text otherwise."""
    language = language or get_language() or ""
    return english if language.startswith("en") and english else chinese


class SurveyTemplate(models.Model):
    """A survey form (顾客满意度调查表) in one version: items, points and level shares.

    Versions of one form share ``code``; a campaign keeps the version it was sent with.
    """

    code = models.CharField(_("code"), max_length=30)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    share_satisfied = _share_field(Level.SATISFIED, _("share for “satisfied” (%)"))
    share_fairly_satisfied = _share_field(Level.FAIRLY_SATISFIED, _("share for “fairly satisfied” (%)"))
    share_neutral = _share_field(Level.NEUTRAL, _("share for “neutral” (%)"))
    share_not_very_satisfied = _share_field(Level.NOT_VERY_SATISFIED, _("share for “not very satisfied” (%)"))
    share_dissatisfied = _share_field(Level.DISSATISFIED, _("share for “dissatisfied” (%)"))
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="survey_template_code_version_unique",
                violation_error_message=_("This version of the template exists already."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} (v{self.version})"

    def get_absolute_url(self):
        return reverse("satisfaction:template_detail", args=[self.pk])

    def clean(self):
        shares = [getattr(self, LEVEL_SHARE_FIELDS[level]) for level in Level]
        if all(share is not None for share in shares) and any(a < b for a, b in zip(shares, shares[1:], strict=False)):
            raise ValidationError(_("Each level must earn at most the share of the level above it."))

    @property
    def display_name(self):
        return localised(self.name, self.name_en)

    def share(self, level) -> Decimal:
        """The share of an item's points that ``level`` earns, as a fraction (0.8 for 80 %)."""
        return getattr(self, LEVEL_SHARE_FIELDS[Level(level)]) / Decimal(100)

    def shares(self) -> dict:
        return {Level(level): self.share(level) for level in Level}


class SurveyItem(models.Model):
    """An item of the form (调查项目) worth a number of points, e.g. product quality 40."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return f"{self.display_text} ({self.points:g})"

    @property
    def display_text(self):
        return localised(self.text, self.text_en)


class SurveySubItem(models.Model):
    """A sub-item (小项) sharing its item's points with the other sub-items by weight."""

    item = models.ForeignKey(SurveyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="sub_items")
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("text (Chinese)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey sub-item")
        verbose_name_plural = _("survey sub-items")
        ordering = ["item", "order", "pk"]

    def __str__(self):
        return self.display_text

    @property
    def display_text(self):
        return localised(self.text, self.text_en)


class Campaign(models.Model):
    """A satisfaction survey campaign (满意度调查): one period, one template version, a target
    rate and the customers asked. Results go to management review in December."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="campaigns"
    )
    target_rate = models.DecimalField(
        _("target satisfaction rate (%)"), max_digits=5, decimal_places=2, default=Decimal("95"), validators=PERCENT
    )
    deadline = models.DateField(_("reply deadline"))
    owner = models.ForeignKey(
        "org.Employee", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="satisfaction_campaigns"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.RUNNING
    )
    status_reason = models.CharField(_("reason of the last status change"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("satisfaction survey campaign")
        verbose_name_plural = _("satisfaction survey campaigns")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="campaign_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("period_start")),
                name="campaign_deadline_not_before_period",
                violation_error_message=_("The reply deadline cannot lie before the start of the period."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("satisfaction:campaign_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.period_start and self.deadline and self.deadline < self.period_start:
            errors["deadline"] = _("The reply deadline cannot lie before the start of the period.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_running(self):
        return self.status == CampaignStatus.RUNNING

    def accepts_answers(self, day=None) -> bool:
        """Whether the public form still takes answers: running and the deadline not past."""
        return self.is_running and (day or timezone.localdate()) <= self.deadline


class Invitation(models.Model):
    """One customer asked in a campaign, with the personal link token of the public form."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="invitations"
    )
    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="satisfaction_invitations",
    )
    #: ``secrets.token_urlsafe(32)``: 256 random bits, looked up through a unique index.
    token = models.CharField(_("link token"), max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    email = models.EmailField(_("e-mail"), blank=True)
    emailed_at = models.DateTimeField(_("invitation e-mailed at"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    reminder_count = models.PositiveIntegerField(_("reminders sent"), default=0)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["campaign", "customer__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"],
                name="invitation_one_per_customer",
                violation_error_message=_("This customer is already invited to this campaign."),
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.customer}"

    def public_path(self):
        return reverse("survey_form", args=[self.token])


class Response(models.Model):
    """A returned survey form (顾客满意度调查表), online or entered by staff from paper, fax,
    e-mail or a phone call. One per customer and campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses"
    )
    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="satisfaction_responses",
    )
    invitation = models.OneToOneField(
        Invitation, verbose_name=_("invitation"), on_delete=models.PROTECT, related_name="response"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    respondent = models.CharField(_("filled in by"), max_length=100, blank=True)
    comment = models.TextField(_("comments and suggestions"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["campaign", "customer__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"],
                name="response_one_per_customer",
                violation_error_message=_("This customer has already answered this campaign."),
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.customer}"

    def get_absolute_url(self):
        return reverse("satisfaction:response_detail", args=[self.pk])


class Answer(models.Model):
    """The level a customer chose for one item, or one sub-item of it. A skipped (sub-)item
    has no answer row; see ``satisfaction.scoring`` for how that counts."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.PROTECT, related_name="answers")
    item = models.ForeignKey(SurveyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers")
    sub_item = models.ForeignKey(
        SurveySubItem,
        verbose_name=_("sub-item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    level = models.CharField(_("level"), max_length=30, choices=Level.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "item__order", "sub_item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item"],
                condition=Q(sub_item__isnull=True),
                name="answer_one_per_item",
                violation_error_message=_("This item is already answered."),
            ),
            models.UniqueConstraint(
                fields=["response", "sub_item"],
                condition=Q(sub_item__isnull=False),
                name="answer_one_per_sub_item",
                violation_error_message=_("This sub-item is already answered."),
            ),
        ]

    def __str__(self):
        return f"{self.response} · {self.item}: {self.get_level_display()}"

    def get_absolute_url(self):
        return f"{self.response.get_absolute_url()}#answer-{self.pk}"

    @property
    def is_dissatisfied(self):
        return self.level in DISSATISFIED_LEVELS


class ItemCapa(models.Model):
    """A corrective action (纠正措施) opened for a whole item of a campaign whose mean score
    fell below the target. The CAPA's own origin is the campaign; this row says which item."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="item_capas"
    )
    item = models.ForeignKey(SurveyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    capa = models.OneToOneField(
        "complaints.Capa", verbose_name=_("CAPA"), on_delete=models.PROTECT, related_name="satisfaction_item"
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CAPA for a survey item")
        verbose_name_plural = _("CAPAs for survey items")
        ordering = ["campaign", "item__order", "pk"]

    def __str__(self):
        return f"{self.campaign} · {self.item} · {self.capa}"
