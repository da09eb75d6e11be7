"""Every move of a customer return (退货), one service per move of ``RETURN_ACTIONS``.

Each service locks the return, checks the state and the actor's role on the server, validates
the quantities, saves with the actor in the history and raises ``DomainError`` (a
translated ``ValidationError``) or ``PermissionDenied``; a refused move changes nothing.

The services take an optional ``happened_at`` (when it happened; ``at`` is its older name) so
that a move recorded late carries the real time; it may not lie in the future nor before the
move it follows. Each move is also written to the return's timeline (``ReturnEvent``) with
when it happened, when it was recorded and by whom.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from org.choices import Role
from org.permissions import has_role
from org.services import save_with_history

from ..choices import ComplaintStatus, DeadlineStep
from ..deadlines import due_at
from ..models.numbering import next_serial
from ..models.returns import RETURN_ACTIONS, CustomerReturn, ReturnEvent, ReturnStatus
from .common import happened

#: A return cannot be recorded on a complaint in these states.
CLOSED_FOR_RETURNS = (ComplaintStatus.VOID, ComplaintStatus.ARCHIVED)


#: move → the earlier moves it follows: (time field, name of the move).
PREVIOUS = {
    "take_over": [("received_at", gettext_lazy("the receipt by the warehouse"))],
    "inspect": [("quality_received_at", gettext_lazy("the take-over by quality"))],
    "dispose": [("inspected_at", gettext_lazy("the inspection"))],
    "rework": [("disposed_at", gettext_lazy("the disposition plan"))],
    "mrb": [("disposed_at", gettext_lazy("the disposition plan")), ("reworked_at", gettext_lazy("the rework"))],
    "redeliver": [
        ("inspected_at", gettext_lazy("the inspection")),
        ("disposed_at", gettext_lazy("the disposition plan")),
        ("reworked_at", gettext_lazy("the rework")),
        ("mrb_decided_at", gettext_lazy("the MRB decision")),
    ],
    "close": [("redelivered_at", gettext_lazy("the re-delivery"))],
}


def _when(customer_return: CustomerReturn, action: str, happened_at, at=None):
    """When ``action`` happened: never in the future, never before the move it follows (for a
    void: before the latest move so far)."""
    previous = PREVIOUS.get(action)
    if previous is None:
        previous = [(field, name) for moves in PREVIOUS.values() for field, name in moves]
    moments = [(getattr(customer_return, field), name) for field, name in previous]
    moments = [(moment, name) for moment, name in moments if moment is not None]
    after = max(moments, key=lambda item: item[0]) if moments else None
    return happened(happened_at if happened_at is not None else at, after=after)


def can_do(user, customer_return: CustomerReturn, action: str) -> bool:
    """Whether ``user`` may perform ``action`` on the return now (state and role)."""
    move = RETURN_ACTIONS[action]
    if customer_return.status not in move.sources or not has_role(user, *move.roles):
        return False
    if action == "rework":
        return customer_return.rework_pending
    if action == "mrb":
        return customer_return.mrb_pending and not customer_return.rework_pending
    return True


def _start(customer_return: CustomerReturn, action: str, actor) -> CustomerReturn:
    """Lock the row, then check state and role; the locked, fresh copy is worked on."""
    locked = CustomerReturn.objects.select_for_update().select_related("complaint").get(pk=customer_return.pk)
    move = RETURN_ACTIONS[action]
    if locked.status not in move.sources:
        raise DomainError(
            _("Return %(number)s is “%(state)s”: “%(action)s” is not possible now.")
            % {"number": locked.number, "state": locked.get_status_display(), "action": move.label}
        )
    if not has_role(actor, *move.roles):
        raise PermissionDenied(
            _("Only %(roles)s may do “%(action)s”.")
            % {"roles": " / ".join(str(r.label) for r in move.roles), "action": move.label}
        )
    return locked


def _finish(customer_return: CustomerReturn, *, actor, action: str, at, comment: str = "") -> CustomerReturn:
    label = str(RETURN_ACTIONS[action].label)
    save_with_history(customer_return, actor=actor, reason=f"{label}: {comment}" if comment else label)
    ReturnEvent.log(customer_return=customer_return, action=action, actor=actor, at=at, comment=comment)
    return customer_return


def _settle_processing(customer_return: CustomerReturn) -> None:
    """Rework and MRB both happen in ``disposed``; once neither is pending the return is processed."""
    if not customer_return.rework_pending and not customer_return.mrb_pending:
        customer_return.status = ReturnStatus.PROCESSED


@transaction.atomic
def return_receive(
    *,
    actor,
    complaint,
    product: str,
    received_qty: int,
    batch: str = "",
    return_note: str = "",
    replacement_needed: bool = True,
    at=None,
    happened_at=None,
) -> CustomerReturn:
    """The warehouse receives returned goods of a complaint and records the counted quantity."""
    if not has_role(actor, Role.WAREHOUSE):
        raise PermissionDenied(_("Only the warehouse receives and counts returned goods."))
    if complaint.status in CLOSED_FOR_RETURNS:
        raise DomainError(
            _("Complaint %(number)s is %(state)s; no return can be recorded on it.")
            % {"number": complaint.number, "state": complaint.get_status_display()}
        )
    if not received_qty or received_qty < 1:
        raise DomainError({"received_qty": _("Count at least one piece.")})
    at = happened(
        happened_at if happened_at is not None else at,
        after=(complaint.received_at, _("the receipt of the complaint")),
    )
    customer_return = CustomerReturn(
        number=f"RT-{at.year}-{next_serial(f'RT-{at.year}'):04d}",
        complaint=complaint,
        product=product,
        batch=batch,
        return_note=return_note,
        received_at=at,
        received_by=actor,
        received_qty=received_qty,
        replacement_needed=replacement_needed,
        created_at=at,
    )
    save_with_history(customer_return, actor=actor, reason=str(_("Received and counted")))
    ReturnEvent.log(customer_return=customer_return, action="receive", actor=actor, at=at)
    return customer_return


@transaction.atomic
def return_take_over(*, actor, customer_return: CustomerReturn, at=None, happened_at=None) -> CustomerReturn:
    """Quality takes the goods over from the warehouse; the disposition-plan deadline starts."""
    customer_return = _start(customer_return, "take_over", actor)
    at = _when(customer_return, "take_over", happened_at, at)
    customer_return.quality_received_at = at
    customer_return.quality_received_by = actor
    customer_return.disposition_due_at = due_at(DeadlineStep.RETURN_DISPOSITION, customer_return.complaint.severity, at)
    customer_return.status = ReturnStatus.AT_QUALITY
    return _finish(customer_return, actor=actor, action="take_over", at=at)


@transaction.atomic
def return_inspect(
    *, actor, customer_return: CustomerReturn, ok_qty: int, ng_qty: int, notes: str = "", at=None, happened_at=None
) -> CustomerReturn:
    """Record the 100 % inspection: every piece received is either OK or NG."""
    customer_return = _start(customer_return, "inspect", actor)
    at = _when(customer_return, "inspect", happened_at, at)
    if ok_qty is None or ng_qty is None or ok_qty < 0 or ng_qty < 0:
        raise DomainError(_("Give the quantities OK and NG."))
    if ok_qty + ng_qty != customer_return.received_qty:
        raise DomainError(
            _("100 %% inspection: OK (%(ok)s) and NG (%(ng)s) must add up to the %(received)s pieces received.")
            % {"ok": ok_qty, "ng": ng_qty, "received": customer_return.received_qty}
        )
    customer_return.ok_qty, customer_return.ng_qty = ok_qty, ng_qty
    customer_return.inspection_notes = notes
    customer_return.inspected_at, customer_return.inspected_by = at, actor
    customer_return.status = ReturnStatus.INSPECTED
    return _finish(customer_return, actor=actor, action="inspect", at=at, comment=notes)


@transaction.atomic
def return_dispose(
    *,
    actor,
    customer_return: CustomerReturn,
    plan: str,
    rework_qty: int,
    scrap_qty: int,
    at=None,
    happened_at=None,
) -> CustomerReturn:
    """Plan the disposition of the NG pieces (不合格品处置单): how many are reworked and how
    many go to the MRB for scrap. The rework deadline starts now."""
    customer_return = _start(customer_return, "dispose", actor)
    at = _when(customer_return, "dispose", happened_at, at)
    if not plan.strip():
        raise DomainError({"plan": _("Describe the disposition plan.")})
    if rework_qty < 0 or scrap_qty < 0 or rework_qty + scrap_qty != customer_return.ng_qty:
        raise DomainError(
            _("Rework (%(rework)s) and scrap (%(scrap)s) must add up to the %(ng)s NG pieces.")
            % {"rework": rework_qty, "scrap": scrap_qty, "ng": customer_return.ng_qty}
        )
    customer_return.disposition_plan = plan
    customer_return.rework_qty, customer_return.scrap_proposed_qty = rework_qty, scrap_qty
    customer_return.disposed_at, customer_return.disposed_by = at, actor
    if rework_qty:
        customer_return.rework_due_at = due_at(DeadlineStep.REWORK, customer_return.complaint.severity, at)
    customer_return.status = ReturnStatus.DISPOSED
    _settle_processing(customer_return)
    return _finish(customer_return, actor=actor, action="dispose", at=at, comment=plan)


@transaction.atomic
def return_record_rework(
    *, actor, customer_return: CustomerReturn, ok_qty: int, ng_qty: int, notes: str = "", at=None, happened_at=None
) -> CustomerReturn:
    """Quality records the rework done by production: pieces OK again, pieces still NG (to MRB)."""
    customer_return = _start(customer_return, "rework", actor)
    if not customer_return.rework_pending:
        raise DomainError(_("No rework is planned or it is already recorded."))
    at = _when(customer_return, "rework", happened_at, at)
    if ok_qty < 0 or ng_qty < 0 or ok_qty + ng_qty != customer_return.rework_qty:
        raise DomainError(
            _("OK (%(ok)s) and NG (%(ng)s) after rework must add up to the %(rework)s pieces reworked.")
            % {"ok": ok_qty, "ng": ng_qty, "rework": customer_return.rework_qty}
        )
    customer_return.rework_ok_qty, customer_return.rework_ng_qty = ok_qty, ng_qty
    customer_return.rework_notes = notes
    customer_return.reworked_at, customer_return.reworked_recorded_by = at, actor
    _settle_processing(customer_return)
    return _finish(customer_return, actor=actor, action="rework", at=at, comment=notes)


@transaction.atomic
def return_mrb_decide(
    *,
    actor,
    customer_return: CustomerReturn,
    scrap_qty: int,
    decision: str,
    members: str = "",
    at=None,
    happened_at=None,
) -> CustomerReturn:
    """The MRB, chaired by the quality manager, decides how many NG pieces are scrapped
    (the rest are released under concession, which the decision text must explain)."""
    customer_return = _start(customer_return, "mrb", actor)
    if not customer_return.mrb_pending:
        raise DomainError(_("Nothing is waiting for an MRB decision."))
    if customer_return.rework_pending:
        raise DomainError(_("Record the rework first: pieces still NG after rework go to the same MRB."))
    at = _when(customer_return, "mrb", happened_at, at)
    proposed = customer_return.scrap_proposed_qty + (customer_return.rework_ng_qty or 0)
    if not decision.strip():
        raise DomainError({"decision": _("Record the MRB decision.")})
    if scrap_qty < 0 or scrap_qty > proposed:
        raise DomainError(
            _("The MRB can scrap between 0 and the %(proposed)s pieces submitted to it.") % {"proposed": proposed}
        )
    customer_return.scrap_qty, customer_return.mrb_decision = scrap_qty, decision
    customer_return.mrb_members = members
    customer_return.mrb_decided_at, customer_return.mrb_decided_by = at, actor
    _settle_processing(customer_return)
    return _finish(customer_return, actor=actor, action="mrb", at=at, comment=decision)


@transaction.atomic
def return_redeliver(
    *,
    actor,
    customer_return: CustomerReturn,
    redelivered_qty: int,
    replacement_qty: int = 0,
    delivery_note: str = "",
    at=None,
    happened_at=None,
) -> CustomerReturn:
    """The warehouse sends the good pieces and any replacement back to the customer."""
    customer_return = _start(customer_return, "redeliver", actor)
    if customer_return.status != ReturnStatus.PROCESSED:
        raise DomainError(_("Finish the disposition, rework and MRB decision before re-delivering."))
    at = _when(customer_return, "redeliver", happened_at, at)
    if redelivered_qty < 0 or replacement_qty < 0 or replacement_qty > redelivered_qty:
        raise DomainError(_("The replacement pieces are part of the quantity re-delivered."))
    if customer_return.replacement_needed and redelivered_qty < customer_return.received_qty:
        raise DomainError(
            _("The customer needs the %(received)s pieces back; add replacement pieces for those scrapped.")
            % {"received": customer_return.received_qty}
        )
    customer_return.redelivered_qty, customer_return.replacement_qty = redelivered_qty, replacement_qty
    customer_return.delivery_note = delivery_note
    customer_return.redelivered_at, customer_return.redelivered_by = at, actor
    customer_return.status = ReturnStatus.REDELIVERED
    return _finish(customer_return, actor=actor, action="redeliver", at=at, comment=delivery_note)


@transaction.atomic
def return_close(*, actor, customer_return: CustomerReturn, at=None, happened_at=None) -> CustomerReturn:
    customer_return = _start(customer_return, "close", actor)
    at = _when(customer_return, "close", happened_at, at)
    customer_return.closed_at, customer_return.closed_by = at, actor
    customer_return.status = ReturnStatus.CLOSED
    return _finish(customer_return, actor=actor, action="close", at=at)


@transaction.atomic
def return_void(*, actor, customer_return: CustomerReturn, reason: str, at=None, happened_at=None) -> CustomerReturn:
    """A return entered by mistake is voided with a reason, never deleted."""
    customer_return = _start(customer_return, "void", actor)
    if not reason or not reason.strip():
        raise DomainError({"void_reason": _("Give a reason for voiding.")})
    at = _when(customer_return, "void", happened_at, at)
    customer_return.void_reason = reason.strip()[:300]
    customer_return.voided_at = at
    customer_return.status = ReturnStatus.VOIDED
    return _finish(customer_return, actor=actor, action="void", at=at, comment=reason)
