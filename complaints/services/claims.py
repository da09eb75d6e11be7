"""Every move of a customer claim (客户索赔), one service per move of ``CLAIM_ACTIONS``.

registered (sales) → confirmed: cause and liability, and the departments involved (quality
for a quality claim; the head of the planning department for a delivery claim) →
countersigned by the head of each department involved → approved or rejected by the general
manager → booked by finance. Void with a reason until booked. Each service locks the claim,
checks state and actor on the server and changes nothing when it refuses.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from org.choices import Role
from org.permissions import has_role, headed_department_ids
from org.services import save_with_history

from ..choices import ComplaintStatus
from ..models.claims import CLAIM_ACTIONS, Claim, ClaimCountersignature, ClaimKind, ClaimStatus, claim_number
from ..models.numbering import next_serial
from .common import happened


def _registered_at(at):
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise DomainError(_("The time of a step cannot lie in the future."))
    return at


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the company's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def previous_step_at(claim: Claim) -> tuple[datetime.datetime, str]:
    """When the last step so far happened, and its name: the earliest a next step can have happened."""
    if claim.decided_at:
        return claim.decided_at, str(_("the general manager's decision"))
    signed = [s.signed_at for s in claim.countersignatures.all() if s.signed_at]
    if signed:
        return max(signed), str(_("the last countersignature"))
    if claim.confirmed_at:
        return claim.confirmed_at, str(_("the confirmation of cause and liability"))
    return _start_of(claim.received_on), str(_("the claim date"))


def _happened(claim: Claim, happened_at, *, after=None) -> datetime.datetime:
    """When the step really happened (``common.happened``): now unless given, never in the
    future, never before ``after`` (moment, name), by default the last step so far."""
    return happened(happened_at, after=after or previous_step_at(claim))


def may_confirm(user, claim: Claim) -> bool:
    """Quality confirms a quality claim; the head of the planning department a delivery claim."""
    if claim.kind == ClaimKind.DELIVERY:
        return claim.planning_department_id in headed_department_ids(user) or (
            user.is_authenticated and user.is_superuser
        )
    return has_role(user, *CLAIM_ACTIONS["confirm"].roles)


def signable_departments(user, claim: Claim) -> list:
    """The departments involved in ``claim`` that ``user`` heads and that have not signed yet."""
    if claim.status != ClaimStatus.CONFIRMED:
        return []
    headed = headed_department_ids(user)
    return [s for s in claim.countersignatures.all() if s.signed_at is None and s.department_id in headed]


def can_do(user, claim: Claim, action: str) -> bool:
    """Whether ``user`` may perform ``action`` on ``claim`` now (state and role)."""
    move = CLAIM_ACTIONS[action]
    if claim.status not in move.sources:
        return False
    if action == "confirm":
        return may_confirm(user, claim)
    if action == "countersign":
        return bool(signable_departments(user, claim))
    return has_role(user, *move.roles)


def _start(claim: Claim, action: str) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    move = CLAIM_ACTIONS[action]
    if locked.status not in move.sources:
        raise DomainError(
            _("Claim %(number)s is “%(state)s”: “%(action)s” is not possible now.")
            % {"number": locked.number, "state": locked.get_status_display(), "action": move.label}
        )
    return locked


def _refuse(action: str):
    move = CLAIM_ACTIONS[action]
    if move.roles:
        raise PermissionDenied(
            _("Only %(roles)s may do “%(action)s”.")
            % {"roles": " / ".join(str(r.label) for r in move.roles), "action": move.label}
        )
    raise PermissionDenied(_("You may not do “%(action)s” on this claim.") % {"action": move.label})


def _finish(claim: Claim, *, actor, action: str, comment: str = "") -> Claim:
    label = str(CLAIM_ACTIONS[action].label) if action in CLAIM_ACTIONS else action
    save_with_history(claim, actor=actor, reason=f"{label}: {comment}" if comment else label)
    return claim


@transaction.atomic
def claim_register(
    *,
    actor,
    customer,
    kind: str,
    amount: Decimal,
    reason: str,
    received_on: datetime.date,
    complaint=None,
    customer_reference: str = "",
    planning_department=None,
    at=None,
) -> Claim:
    """Sales records a customer's claim. It gets the next ``MRKT-YYYYMMNN`` number of the month
    of its claim date ``received_on`` (the day the customer raised it), whenever it is typed in
    (see ``models.claims`` for what happens after 99); ``at`` is when it is recorded."""
    if not has_role(actor, Role.SALES):
        raise PermissionDenied(_("Only sales and customer service register claims."))
    if complaint is not None:
        if complaint.customer_id != customer.pk:
            raise DomainError({"complaint": _("The complaint belongs to another customer.")})
        if complaint.status == ComplaintStatus.VOID:
            raise DomainError({"complaint": _("The complaint is void.")})
    if kind == ClaimKind.DELIVERY and planning_department is None:
        raise DomainError(
            {"planning_department": _("A delivery claim needs the planning department that confirms it.")}
        )
    if kind != ClaimKind.DELIVERY:
        planning_department = None
    at = _registered_at(at)
    if received_on > timezone.localdate(at):
        raise DomainError({"received_on": _("The claim date cannot lie in the future.")})
    day = received_on
    serial = next_serial(f"MRKT-{day.year:04d}{day.month:02d}")
    claim = Claim(
        number=claim_number(day.year, day.month, serial),
        year=day.year,
        month=day.month,
        serial=serial,
        kind=kind,
        customer=customer,
        complaint=complaint,
        customer_reference=customer_reference,
        received_on=received_on,
        amount=amount,
        reason=reason,
        registered_by=actor,
        registered_at=at,
        planning_department=planning_department,
    )
    save_with_history(claim, actor=actor, reason=str(_("Registered")))
    return claim


@transaction.atomic
def claim_confirm(
    *,
    actor,
    claim: Claim,
    cause: str,
    liability: str,
    departments,
    accepted_amount: Decimal | None = None,
    happened_at=None,
    at=None,
) -> Claim:
    """Confirm the cause and the liability, and name the departments that countersign.

    ``happened_at`` (every step service takes it; ``at`` is its former name): when the step
    really happened, now unless given; ``*_recorded_at`` keeps when it was typed in."""
    claim = _start(claim, "confirm")
    if not may_confirm(actor, claim):
        if claim.kind == ClaimKind.DELIVERY:
            raise PermissionDenied(_("Only the head of the planning department confirms a delivery claim."))
        _refuse("confirm")
    departments = list(departments)
    if not cause.strip():
        raise DomainError({"cause": _("Describe the cause.")})
    if not departments:
        raise DomainError({"departments": _("Name at least one department that countersigns.")})
    if accepted_amount is not None and accepted_amount > claim.amount:
        raise DomainError({"accepted_amount": _("The amount accepted cannot exceed the amount claimed.")})
    happened_at = _happened(claim, happened_at or at)
    claim.cause, claim.liability = cause, liability
    claim.accepted_amount = claim.amount if accepted_amount is None else accepted_amount
    claim.confirmed_by, claim.confirmed_at, claim.confirmed_recorded_at = actor, happened_at, timezone.now()
    claim.status = ClaimStatus.CONFIRMED
    _finish(claim, actor=actor, action="confirm", comment=cause)
    for department in departments:
        signature = ClaimCountersignature(claim=claim, department=department)
        save_with_history(signature, actor=actor)
    return claim


@transaction.atomic
def claim_countersign(*, actor, claim: Claim, department, comment: str = "", happened_at=None, at=None) -> Claim:
    """The head of one department involved countersigns; the last signature moves the claim on.
    Departments sign in any order, each after the confirmation."""
    claim = _start(claim, "countersign")
    try:
        signature = claim.countersignatures.select_for_update().get(department=department)
    except ClaimCountersignature.DoesNotExist:
        raise DomainError(_("%(department)s is not involved in this claim.") % {"department": department}) from None
    if department.pk not in headed_department_ids(actor) and not actor.is_superuser:
        raise PermissionDenied(_("Only the head of %(department)s countersigns for it.") % {"department": department})
    if signature.signed_at is not None:
        raise DomainError(_("%(department)s has already countersigned.") % {"department": department})
    happened_at = _happened(
        claim,
        happened_at or at,
        after=(claim.confirmed_at, str(_("the confirmation of cause and liability"))),
    )
    signature.signed_by, signature.signed_at, signature.comment = actor, happened_at, comment
    signature.recorded_at = timezone.now()
    save_with_history(signature, actor=actor, reason=str(_("Countersigned")))
    if not claim.countersignatures.filter(signed_at__isnull=True).exists():
        claim.status = ClaimStatus.COUNTERSIGNED
        _finish(claim, actor=actor, action="countersign", comment=str(department))
    return claim


def _decide(claim: Claim, *, actor, comment: str, happened_at) -> None:
    happened_at = _happened(claim, happened_at)
    claim.decided_by, claim.decided_at, claim.decision_comment = actor, happened_at, comment
    claim.decided_recorded_at = timezone.now()


@transaction.atomic
def claim_approve(*, actor, claim: Claim, comment: str = "", happened_at=None, at=None) -> Claim:
    """The general manager approves the accepted amount, after the last countersignature."""
    claim = _start(claim, "approve")
    if not has_role(actor, *CLAIM_ACTIONS["approve"].roles):
        _refuse("approve")
    _decide(claim, actor=actor, comment=comment, happened_at=happened_at or at)
    claim.status = ClaimStatus.APPROVED
    return _finish(claim, actor=actor, action="approve", comment=comment)


@transaction.atomic
def claim_reject(*, actor, claim: Claim, comment: str, happened_at=None, at=None) -> Claim:
    """The general manager rejects the claim, with a reason, after the last countersignature."""
    claim = _start(claim, "reject")
    if not has_role(actor, *CLAIM_ACTIONS["reject"].roles):
        _refuse("reject")
    if not comment.strip():
        raise DomainError({"decision_comment": _("Say why the claim is rejected.")})
    _decide(claim, actor=actor, comment=comment, happened_at=happened_at or at)
    claim.status = ClaimStatus.REJECTED
    return _finish(claim, actor=actor, action="reject", comment=comment)


@transaction.atomic
def claim_book(*, actor, claim: Claim, voucher: str, happened_at=None, at=None) -> Claim:
    """Finance books the approved amount (财务销帐) under an accounting voucher."""
    claim = _start(claim, "book")
    if not has_role(actor, *CLAIM_ACTIONS["book"].roles):
        _refuse("book")
    if not voucher.strip():
        raise DomainError({"voucher": _("Give the accounting voucher number.")})
    happened_at = _happened(claim, happened_at or at)
    claim.booked_by, claim.booked_at, claim.voucher = actor, happened_at, voucher.strip()
    claim.booked_recorded_at = timezone.now()
    claim.status = ClaimStatus.BOOKED
    return _finish(claim, actor=actor, action="book", comment=voucher)


@transaction.atomic
def claim_void(*, actor, claim: Claim, reason: str, happened_at=None, at=None) -> Claim:
    """A claim entered by mistake or withdrawn by the customer is voided with a reason."""
    claim = _start(claim, "void")
    if not has_role(actor, *CLAIM_ACTIONS["void"].roles):
        _refuse("void")
    if not reason or not reason.strip():
        raise DomainError({"void_reason": _("Give a reason for voiding.")})
    happened_at = _happened(claim, happened_at or at)
    claim.void_reason, claim.voided_by, claim.voided_at = reason.strip()[:300], actor, happened_at
    claim.voided_recorded_at = timezone.now()
    claim.status = ClaimStatus.VOIDED
    return _finish(claim, actor=actor, action="void", comment=reason)
