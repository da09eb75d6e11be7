"""Corrective and preventive actions (纠正和预防措施, CAPA / CAR), reusable by every module."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import ActionKind, ActionStatus, CapaSource, CapaStatus, CheckResult
from ..uploads import upload_path
from .timeline import TimelineEvent


class Capa(models.Model):
    """A corrective and preventive action report (纠正预防措施报告, CAR).

    It answers one or more complaints (``complaints``, many-to-many) or a record of another
    module (``origin``, e.g. a satisfaction survey response). States change only through
    ``complaints.services.capa``.
    """

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=CapaSource.choices)
    status = models.CharField(_("status"), max_length=20, choices=CapaStatus.choices, default=CapaStatus.OPEN)
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"))
    root_cause = models.TextField(_("root cause"), blank=True)
    cause_categories = models.JSONField(_("cause categories"), default=list, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capas",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capas_owned",
    )
    origin_content_type = models.ForeignKey(
        ContentType, verbose_name=_("origin type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_object_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)
    origin = GenericForeignKey("origin_content_type", "origin_object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    root_cause_at = models.DateTimeField(_("root cause recorded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CAPA")
        verbose_name_plural = _("CAPAs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["origin_content_type", "origin_object_id"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("complaints:capa_detail", args=[self.pk])

    @property
    def cause_category_labels(self) -> list[str]:
        from ..choices import CauseCategory

        labels = dict(CauseCategory.choices)
        return [str(labels.get(c, c)) for c in self.cause_categories]


class CapaAction(models.Model):
    """An action of a CAPA (措施): immediate correction, corrective or preventive."""

    capa = models.ForeignKey(Capa, verbose_name=_("CAPA"), on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="capa_actions"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=upload_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(_("evidence content type"), max_length=100, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CAPA action")
        verbose_name_plural = _("CAPA actions")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self):
        return f"{self.capa.number}: {self.get_kind_display()}"


class EffectivenessCheck(models.Model):
    """The verification of effectiveness of a CAPA (效果验证), a dated step of its own."""

    capa = models.ForeignKey(Capa, verbose_name=_("CAPA"), on_delete=models.PROTECT, related_name="checks")
    method = models.TextField(_("method"))
    due_date = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifier"),
        on_delete=models.PROTECT,
        related_name="capa_checks",
    )
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices, default=CheckResult.PENDING)
    result_note = models.TextField(_("findings"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(_("planned at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("effectiveness check")
        verbose_name_plural = _("effectiveness checks")
        ordering = ["planned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["capa"],
                condition=Q(result="pending"),
                name="capa_one_pending_check",
                violation_error_message=_("A CAPA has one pending effectiveness check at a time."),
            ),
        ]

    def __str__(self):
        return f"{self.capa.number}: {self.get_result_display()}"


class CapaEvent(TimelineEvent):
    """An entry of a CAPA's timeline: who moved it, when it happened (``at``), when it was
    recorded (``recorded_at``, by ``actor``), with which comment."""

    capa = models.ForeignKey(Capa, verbose_name=_("CAPA"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=CapaStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CapaStatus.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("CAPA event")
        verbose_name_plural = _("CAPA events")

    def __str__(self):
        return f"{self.capa.number} {self.action}"

    @property
    def action_label(self):
        from ..choices import EVENT_LABELS

        return EVENT_LABELS.get(self.action, self.action)
