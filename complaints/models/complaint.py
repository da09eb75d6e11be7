"""Customer complaints (客户投诉), their workflow steps, timeline, attachments and the
records of the root-cause analysis, containment and training."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import (
    AttachmentKind,
    Channel,
    ComplaintStatus,
    DefectCategory,
    FollowUpOutcome,
    Severity,
    StepKind,
)
from ..uploads import upload_path
from .timeline import TimelineEvent


class Complaint(models.Model):
    """A customer complaint (客户投诉) from first contact to archive.

    The state only changes through ``complaints.services``; the timestamps the monthly
    summary needs are set by those services.
    """

    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=30, choices=ComplaintStatus.choices, default=ComplaintStatus.REGISTERED
    )
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    customer = models.ForeignKey(
        "complaints.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    customer_contact = models.ForeignKey(
        "complaints.CustomerContact",
        verbose_name=_("customer contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    customer_reference = models.CharField(_("customer's reference"), max_length=100, blank=True)
    product = models.CharField(_("product / model"), max_length=200)
    batch = models.CharField(_("batch"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("quantity delivered"), null=True, blank=True)
    defective_quantity = models.PositiveIntegerField(_("defective quantity"), null=True, blank=True)
    defect_category = models.CharField(_("defect category"), max_length=30, choices=DefectCategory.choices)
    description = models.TextField(_("defect description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    samples_requested = models.BooleanField(_("samples requested"), default=False)
    samples_received_at = models.DateTimeField(_("samples received at"), null=True, blank=True)

    # People and departments.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by (first contact)"),
        on_delete=models.PROTECT,
        related_name="complaints_registered",
    )
    registering_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("registering department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_registered",
    )
    quality_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner in quality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_owned",
    )
    responsible_departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("responsible departments"),
        blank=True,
        related_name="complaints_responsible",
    )
    capas = models.ManyToManyField("complaints.Capa", verbose_name=_("CAPAs"), blank=True, related_name="complaints")

    # Findings of the steps.
    is_valid = models.BooleanField(_("valid"), null=True, blank=True)
    validity_reason = models.TextField(_("reasoning of the validity decision"), blank=True)
    containment_stock = models.TextField(_("containment: stock"), blank=True)
    containment_wip = models.TextField(_("containment: work in progress"), blank=True)
    containment_shipped = models.TextField(_("containment: shipped goods"), blank=True)
    stop_line_notice = models.BooleanField(_("stop-line notice issued"), default=False)
    nonconforming_disposition = models.TextField(_("nonconforming product disposition"), blank=True)
    why_1 = models.CharField(_("why 1"), max_length=300, blank=True)
    why_2 = models.CharField(_("why 2"), max_length=300, blank=True)
    why_3 = models.CharField(_("why 3"), max_length=300, blank=True)
    why_4 = models.CharField(_("why 4"), max_length=300, blank=True)
    why_5 = models.CharField(_("why 5"), max_length=300, blank=True)
    cause_categories = models.JSONField(_("cause categories"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    no_capa_reasoning = models.TextField(_("no-CAPA decision: risk reasoning"), blank=True)
    no_capa_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("no-CAPA decision approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    no_capa_approved_at = models.DateTimeField(_("no-CAPA decision approved at"), null=True, blank=True)
    reply_text = models.TextField(_("reply to the customer"), blank=True)
    reply_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reply approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementation_summary = models.TextField(_("implementation"), blank=True)
    verification_result = models.TextField(_("verification of effectiveness"), blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    # Timestamps for deadlines and the monthly summary.
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    validity_decided_at = models.DateTimeField(_("validity decided at"), null=True, blank=True)
    first_handled_at = models.DateTimeField(_("first handled at"), null=True, blank=True)
    contained_at = models.DateTimeField(_("contained at"), null=True, blank=True)
    reply_approved_at = models.DateTimeField(_("reply approved at"), null=True, blank=True)
    reply_sent_at = models.DateTimeField(_("reply sent at"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    trained_at = models.DateTimeField(_("training recorded at"), null=True, blank=True)
    first_closed_at = models.DateTimeField(_("first closed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at (final)"), null=True, blank=True)
    last_reopened_at = models.DateTimeField(_("last reopened at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords(m2m_fields=[responsible_departments, capas])

    class Meta:
        verbose_name = _("customer complaint")
        verbose_name_plural = _("customer complaints")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(defective_quantity__isnull=True)
                | Q(quantity__isnull=True)
                | Q(defective_quantity__lte=F("quantity")),
                name="complaint_defective_within_quantity",
                violation_error_message=_("The defective quantity cannot exceed the quantity."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.customer.name if self.customer_id else ''}".strip()

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.pk])

    @property
    def defect_rate(self) -> Decimal | None:
        """Defective share in per cent, two decimals (``None`` without both quantities)."""
        if not self.quantity or self.defective_quantity is None:
            return None
        rate = Decimal(self.defective_quantity) * 100 / Decimal(self.quantity)
        return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def whys(self) -> list[str]:
        return [w for w in (self.why_1, self.why_2, self.why_3, self.why_4, self.why_5) if w]

    @property
    def cause_category_labels(self) -> list[str]:
        from ..choices import CauseCategory

        labels = dict(CauseCategory.choices)
        return [str(labels.get(c, c)) for c in self.cause_categories]

    @property
    def is_finished(self) -> bool:
        from ..choices import COMPLAINT_FINISHED

        return self.status in COMPLAINT_FINISHED


class ComplaintStep(models.Model):
    """One step of a complaint's workflow (处理步骤) with its assignee and due time.

    A step is opened when the step before it happened and completed by the service that moves
    the complaint on; the completed steps are the step log. ``opened_at`` and ``completed_at``
    are when things happened (deadlines are measured on them); ``recorded_at`` is when the
    completion was typed in, by ``completed_by``. After a valid validity decision the
    containment and the reply branch each have an open step, so a complaint has at most one
    open step of each kind.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_steps",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("completion recorded at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["opened_at", "pk"]
        indexes = [
            models.Index(fields=["assignee", "completed_at"]),
            models.Index(fields=["complaint", "completed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind"],
                condition=Q(completed_at__isnull=True),
                name="complaint_one_open_step_per_kind",
                violation_error_message=_("A complaint has one open step of each kind at a time."),
            ),
        ]

    def __str__(self):
        return f"{self.complaint.number}: {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        end = self.completed_at or now
        return self.due_at is not None and end > self.due_at


class ComplaintEvent(TimelineEvent):
    """An entry of a complaint's timeline (处理记录): who did what, when it happened (``at``),
    when it was recorded (``recorded_at``, by ``actor``), with which comment."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=30, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=ComplaintStatus.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.complaint.number} {self.action}"

    @property
    def action_label(self):
        from ..choices import EVENT_LABELS

        return EVENT_LABELS.get(self.action, self.action)


class ComplaintAttachment(models.Model):
    """A file attached to a complaint (附件): photos, customer reports, written confirmations."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("complaints:attachment", args=[self.pk])


class FollowUpCall(models.Model):
    """A follow-up call to the customer after closure (客户回访)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=FollowUpOutcome.choices)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["called_at", "pk"]

    def __str__(self):
        return f"{self.complaint.number} {self.get_outcome_display()}"


class ChangeTraining(models.Model):
    """The training of a responsible department on a change (变更培训), recorded by a complaint
    or a CAPA. It is announced with the ``training_required`` signal so the training module
    can turn it into a training need."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    capa = models.ForeignKey(
        "complaints.Capa",
        verbose_name=_("CAPA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="change_trainings"
    )
    topic = models.CharField(_("topic"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training on a change")
        verbose_name_plural = _("trainings on changes")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False) | Q(capa__isnull=False),
                name="change_training_has_source",
                violation_error_message=_("A training record belongs to a complaint or a CAPA."),
            ),
        ]

    def __str__(self):
        return f"{self.department}: {self.topic}"
