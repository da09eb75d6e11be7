"""Customer returns (退货): goods a customer sends back with a complaint.

The warehouse receives and counts them, quality takes them over and inspects every piece
(100 %), plans the disposition within the deadline of the ``return disposition plan`` step,
production reworks within the ``rework`` deadline, pieces that cannot be saved are scrapped
through an MRB (material review board) decision, and the warehouse re-delivers the reworked
and replacement goods. ``RETURN_ACTIONS`` below is the one table of every move.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.choices import Role

from .timeline import TimelineEvent


class ReturnStatus(models.TextChoices):
    RECEIVED = "received", _("Received and counted")
    AT_QUALITY = "at_quality", _("Taken over by quality")
    INSPECTED = "inspected", _("Inspected")
    DISPOSED = "disposed", _("Disposition planned")
    PROCESSED = "processed", _("Rework and scrap done")
    REDELIVERED = "redelivered", _("Re-delivered")
    CLOSED = "closed", _("Closed")
    VOIDED = "voided", _("Voided")


#: States in which a return still needs work.
RETURN_OPEN_STATES = (
    ReturnStatus.RECEIVED,
    ReturnStatus.AT_QUALITY,
    ReturnStatus.INSPECTED,
    ReturnStatus.DISPOSED,
    ReturnStatus.PROCESSED,
    ReturnStatus.REDELIVERED,
)


@dataclass(frozen=True)
class ReturnAction:
    """One move of a return: from which states, to which state, by which roles."""

    label: str
    sources: tuple
    target: str | None
    roles: tuple


#: action name → the move. ``target`` None means the state is worked out by the service
#: (rework and MRB both leave the return in ``disposed`` until the last of them is done).
RETURN_ACTIONS = {
    "take_over": ReturnAction(
        _("Take over for inspection"), (ReturnStatus.RECEIVED,), ReturnStatus.AT_QUALITY, (Role.QA_ENGINEER,)
    ),
    "inspect": ReturnAction(
        _("Record the full inspection"), (ReturnStatus.AT_QUALITY,), ReturnStatus.INSPECTED, (Role.QA_ENGINEER,)
    ),
    "dispose": ReturnAction(
        _("Plan the disposition"), (ReturnStatus.INSPECTED,), ReturnStatus.DISPOSED, (Role.QA_ENGINEER,)
    ),
    "rework": ReturnAction(_("Record the rework"), (ReturnStatus.DISPOSED,), None, (Role.QA_ENGINEER,)),
    "mrb": ReturnAction(_("Record the MRB scrap decision"), (ReturnStatus.DISPOSED,), None, (Role.QUALITY_MANAGER,)),
    "redeliver": ReturnAction(
        _("Record the re-delivery"),
        (ReturnStatus.INSPECTED, ReturnStatus.DISPOSED, ReturnStatus.PROCESSED),
        ReturnStatus.REDELIVERED,
        (Role.WAREHOUSE,),
    ),
    "close": ReturnAction(
        _("Close"), (ReturnStatus.REDELIVERED,), ReturnStatus.CLOSED, (Role.QA_ENGINEER, Role.QUALITY_MANAGER)
    ),
    "void": ReturnAction(_("Void"), RETURN_OPEN_STATES, ReturnStatus.VOIDED, (Role.QUALITY_MANAGER,)),
}


class CustomerReturn(models.Model):
    """A customer return (客户退货) of goods under one complaint."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="returns"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.RECEIVED, db_index=True
    )
    return_note = models.CharField(
        _("customer's return note"), max_length=60, blank=True, help_text=_("The number on the customer's return note.")
    )
    product = models.CharField(_("product / model"), max_length=120)
    batch = models.CharField(_("batch"), max_length=60, blank=True)

    # Warehouse: receipt and count.
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    received_qty = models.PositiveIntegerField(_("quantity received"))
    replacement_needed = models.BooleanField(_("customer needs replacement goods"), default=True)

    # Quality: take-over and 100 % inspection.
    quality_received_at = models.DateTimeField(_("taken over by quality at"), null=True, blank=True)
    quality_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposition_due_at = models.DateTimeField(_("disposition plan due"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ok_qty = models.PositiveIntegerField(_("quantity OK"), null=True, blank=True)
    ng_qty = models.PositiveIntegerField(_("quantity NG"), null=True, blank=True)
    inspection_notes = models.TextField(_("inspection findings"), blank=True)

    # Quality: disposition plan (不合格品处置单).
    disposed_at = models.DateTimeField(_("disposition planned at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposition planned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposition_plan = models.TextField(_("disposition plan"), blank=True)
    rework_qty = models.PositiveIntegerField(_("quantity to rework"), default=0)
    scrap_proposed_qty = models.PositiveIntegerField(_("quantity proposed for scrap"), default=0)
    rework_due_at = models.DateTimeField(_("rework due"), null=True, blank=True)

    # Production rework, recorded by quality.
    reworked_at = models.DateTimeField(_("rework finished at"), null=True, blank=True)
    reworked_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rework recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rework_ok_qty = models.PositiveIntegerField(_("quantity OK after rework"), null=True, blank=True)
    rework_ng_qty = models.PositiveIntegerField(_("quantity still NG after rework"), null=True, blank=True)
    rework_notes = models.TextField(_("rework notes"), blank=True)

    # MRB scrap decision.
    mrb_decided_at = models.DateTimeField(_("MRB decided at"), null=True, blank=True)
    mrb_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("MRB decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mrb_members = models.CharField(_("MRB members"), max_length=300, blank=True)
    scrap_qty = models.PositiveIntegerField(_("quantity scrapped"), null=True, blank=True)
    mrb_decision = models.TextField(_("MRB decision"), blank=True)

    # Warehouse: replacement and re-delivery.
    redelivered_at = models.DateTimeField(_("re-delivered at"), null=True, blank=True)
    redelivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-delivered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    redelivered_qty = models.PositiveIntegerField(_("quantity re-delivered"), null=True, blank=True)
    replacement_qty = models.PositiveIntegerField(
        _("replacement quantity"),
        null=True,
        blank=True,
        help_text=_("Pieces from stock or new production sent instead of scrapped ones."),
    )
    delivery_note = models.CharField(_("delivery note"), max_length=60, blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer return")
        verbose_name_plural = _("customer returns")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ok_qty__isnull=True) | Q(ok_qty__lte=F("received_qty")),
                name="return_ok_within_received",
                violation_error_message=_("More pieces OK than were received."),
            ),
            models.CheckConstraint(
                condition=Q(status="voided") | Q(void_reason=""),
                name="return_void_reason_only_when_voided",
                violation_error_message=_("Only a voided return carries a reason for voiding."),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:return_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in RETURN_OPEN_STATES

    @property
    def rework_pending(self):
        return self.status == ReturnStatus.DISPOSED and self.rework_qty > 0 and self.reworked_at is None

    @property
    def mrb_pending(self):
        if self.status != ReturnStatus.DISPOSED or self.mrb_decided_at is not None:
            return False
        return self.scrap_proposed_qty > 0 or bool(self.rework_ng_qty)

    @property
    def disposition_on_time(self):
        if self.disposed_at is None or self.disposition_due_at is None:
            return None
        return self.disposed_at <= self.disposition_due_at

    @property
    def rework_on_time(self):
        if self.reworked_at is None or self.rework_due_at is None:
            return None
        return self.reworked_at <= self.rework_due_at

    def overdue_steps(self, now=None):
        """The names of the steps whose deadline has passed with the step not done."""
        now = now or timezone.now()
        steps = []
        waiting = self.status in (ReturnStatus.AT_QUALITY, ReturnStatus.INSPECTED)
        if waiting and self.disposition_due_at and now > self.disposition_due_at:
            steps.append(_("disposition plan"))
        if self.rework_pending and self.rework_due_at and now > self.rework_due_at:
            steps.append(_("rework"))
        return steps


class ReturnEvent(TimelineEvent):
    """An entry of a return's timeline: which move, when it happened (``at``), when it was
    recorded (``recorded_at``) and by whom (``actor``)."""

    customer_return = models.ForeignKey(
        CustomerReturn, verbose_name=_("customer return"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("return event")
        verbose_name_plural = _("return events")

    def __str__(self):
        return f"{self.customer_return.number} {self.action}"

    @property
    def action_label(self):
        move = RETURN_ACTIONS.get(self.action)
        return move.label if move else _("Received and counted")
