"""Customer claims (客户索赔): money a customer deducts or asks for.

Numbered ``MRKT-YYYYMMNN``: year, month and the serial of the claim within the month of its
claim date (the day the customer raised it, ``received_on``), two digits (``MRKT-20261101`` is
the first claim raised in November 2026, even if it is typed in on 8 December). The serial comes from one
counter row per month (``NumberCounter`` with the key ``MRKT-YYYYMM``), created with
``get_or_create`` and locked with ``SELECT … FOR UPDATE`` inside the transaction that creates
the claim, and the number is unique in the database as well, so two claims created at the
same moment never share a number.

After 99 claims in a month the serial widens to three digits (``MRKT-202611100``) rather than
refusing the hundredth claim: a customer's claim must be recorded whatever the count. The
number then no longer sorts as text, so lists sort by the stored ``(year, month, serial)``.

The path (``CLAIM_ACTIONS``): registered by sales → cause and liability confirmed by quality
(a quality claim) or by the head of the planning department named on the claim (a delivery
claim), who also names the departments involved → countersigned by the head of every
department involved → approved (or rejected) by the general manager → booked by finance.
Until it is booked, the quality manager or the general manager can void it with a reason.

Each step keeps when it really happened (``confirmed_at``, ``signed_at``, ``decided_at``,
``booked_at``, ``voided_at``), when it was typed in (``*_recorded_at``) and who did and recorded
it (``*_by``: only the person the step belongs to can record it).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.choices import Role


class ClaimKind(models.TextChoices):
    QUALITY = "quality", _("Quality claim")
    DELIVERY = "delivery", _("Delivery claim")


class ClaimStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CONFIRMED = "confirmed", _("Cause and liability confirmed")
    COUNTERSIGNED = "countersigned", _("Countersigned")
    APPROVED = "approved", _("Approved by the general manager")
    REJECTED = "rejected", _("Rejected by the general manager")
    BOOKED = "booked", _("Booked by finance")
    VOIDED = "voided", _("Voided")


class Liability(models.TextChoices):
    OURS = "ours", _("Our company")
    SHARED = "shared", _("Shared with the customer")
    CUSTOMER = "customer", _("The customer")
    SUPPLIER = "supplier", _("Our supplier")
    CARRIER = "carrier", _("The carrier")


CLAIM_OPEN_STATES = (ClaimStatus.REGISTERED, ClaimStatus.CONFIRMED, ClaimStatus.COUNTERSIGNED, ClaimStatus.APPROVED)


@dataclass(frozen=True)
class ClaimAction:
    """One move of a claim. ``roles`` empty: the right follows from the claim (see services)."""

    label: str
    sources: tuple
    target: str | None
    roles: tuple


#: action name → the move. Confirmation of a delivery claim and countersigning are for the
#: heads of the departments named on the claim, not for a role.
CLAIM_ACTIONS = {
    "confirm": ClaimAction(
        _("Confirm cause and liability"),
        (ClaimStatus.REGISTERED,),
        ClaimStatus.CONFIRMED,
        (Role.QA_ENGINEER, Role.QUALITY_MANAGER),
    ),
    "countersign": ClaimAction(_("Countersign"), (ClaimStatus.CONFIRMED,), None, ()),
    "approve": ClaimAction(_("Approve"), (ClaimStatus.COUNTERSIGNED,), ClaimStatus.APPROVED, (Role.GENERAL_MANAGER,)),
    "reject": ClaimAction(_("Reject"), (ClaimStatus.COUNTERSIGNED,), ClaimStatus.REJECTED, (Role.GENERAL_MANAGER,)),
    "book": ClaimAction(_("Book"), (ClaimStatus.APPROVED,), ClaimStatus.BOOKED, (Role.FINANCE,)),
    "void": ClaimAction(_("Void"), CLAIM_OPEN_STATES, ClaimStatus.VOIDED, (Role.QUALITY_MANAGER, Role.GENERAL_MANAGER)),
}


def claim_number(year: int, month: int, serial: int) -> str:
    """``MRKT-YYYYMMNN``; from the 100th claim of a month on the serial has three digits."""
    return f"MRKT-{year:04d}{month:02d}{serial:02d}"


class Claim(models.Model):
    """A customer claim (客户索赔通知单)."""

    number = models.CharField(_("number"), max_length=20, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    month = models.PositiveSmallIntegerField(_("month"), editable=False)
    serial = models.PositiveIntegerField(_("serial of the month"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ClaimKind.choices, default=ClaimKind.QUALITY)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REGISTERED, db_index=True
    )
    customer = models.ForeignKey(
        "complaints.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="claims"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    customer_reference = models.CharField(
        _("customer's reference"), max_length=60, blank=True, help_text=_("Debit note or claim letter number.")
    )
    received_on = models.DateField(
        _("claim date"),
        help_text=_("The day the customer raised the claim; the number and the monthly summary use its month."),
    )
    amount = models.DecimalField(
        _("amount claimed (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.TextField(_("reason given by the customer"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    planning_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("planning department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a delivery claim: the department whose head confirms cause and liability."),
    )

    cause = models.TextField(_("cause"), blank=True)
    liability = models.CharField(_("liability"), max_length=20, choices=Liability.choices, blank=True)
    accepted_amount = models.DecimalField(
        _("amount accepted (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_recorded_at = models.DateTimeField(_("confirmation recorded at"), null=True, blank=True)
    departments = models.ManyToManyField(
        "org.Department",
        verbose_name=_("departments involved"),
        through="ClaimCountersignature",
        related_name="claims",
        blank=True,
    )

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_recorded_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)
    decision_comment = models.TextField(_("general manager's comment"), blank=True)

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    booked_recorded_at = models.DateTimeField(_("booking recorded at"), null=True, blank=True)
    voucher = models.CharField(_("accounting voucher"), max_length=60, blank=True)

    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_recorded_at = models.DateTimeField(_("voiding recorded at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer claim")
        verbose_name_plural = _("customer claims")
        ordering = ["-year", "-month", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], name="claim_number_unique", violation_error_message=_("This claim number is taken.")
            ),
            models.UniqueConstraint(fields=["year", "month", "serial"], name="claim_serial_unique_per_month"),
            models.CheckConstraint(
                condition=Q(status="voided") | Q(void_reason=""),
                name="claim_void_reason_only_when_voided",
                violation_error_message=_("Only a voided claim carries a reason for voiding."),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:claim_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in CLAIM_OPEN_STATES


class ClaimCountersignature(models.Model):
    """One department's countersignature (会签) on a claim, given by its head."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="countersignatures"
    )
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim countersignature")
        verbose_name_plural = _("claim countersignatures")
        ordering = ["department__sort_order", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "department"], name="claim_countersign_once_per_department")
        ]

    def __str__(self):
        return f"{self.claim} – {self.department}"

    @property
    def is_signed(self):
        return self.signed_at is not None
