"""Every change to a complaint and every move through its workflow (seed 002, 4.2).

registered (first contact, sales) → hand-over to one owner in quality → initial analysis:
not valid → customer told why → closed only with the customer's written confirmation;
valid → two branches side by side (``choices.INVESTIGATION_STATES`` and ``REPLY_STATES``):
containment → root cause (5-why, 5M1E categories) → CAPA linked / opened, or an approved
no-CAPA decision; and the reply drafted by QA → approved by the quality manager → sent. Once
both have ended: implementation → verification of effectiveness → training of the responsible
department → closure by the quality manager → follow-up call by sales: satisfied → archived,
still unhappy → reopened. Any open complaint can be voided with a reason.

Each move is one function here. It locks the complaint, checks the transition table
(``choices.COMPLAINT_TRANSITIONS``), the open step and the actor's role, completes the step,
opens the next one with its assignee and due time (``DeadlineRule``), writes the timeline
event and the history, and raises ``DomainError`` on an illegal move, changing nothing.

Every move takes ``happened_at`` (``None``: now): a step typed in after it happened keeps its
real time, which deadlines and on-time rates use; it may not lie in the future nor before the
step it follows (``common.happened``). The step and the timeline event also keep when the move
was recorded and by whom.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext_lazy

from core.errors import DomainError
from org.models import Assignment

from .. import deadlines, permissions
from ..choices import (
    COMPLAINT_FINISHED,
    COMPLAINT_TRANSITIONS,
    INVESTIGATION_STATES,
    PARALLEL_STATES,
    AttachmentKind,
    CapaSource,
    CauseCategory,
    ComplaintStatus,
    DeadlineStep,
    FollowUpOutcome,
    StepKind,
)
from ..models import (
    ChangeTraining,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintStep,
    FollowUpCall,
    next_serial,
)
from ..signals import training_required
from ..uploads import validate_upload
from .capa import capa_open
from .common import happened, require, require_text, save_with_history

S = ComplaintStatus

#: The step opened on entering a state: state → (step kind, deadline, start field, who is assigned).
#: "owner" = the quality owner, "first_contact" = who registered it, None = any quality manager.
STEP_FOR_STATE = {
    S.REGISTERED: (StepKind.HANDOVER, DeadlineStep.HANDOVER, "received_at", "first_contact"),
    S.ANALYSIS: (StepKind.ANALYSIS, DeadlineStep.ANALYSIS, "received_at", "owner"),
    S.NOT_VALID: (
        StepKind.CUSTOMER_CONFIRMATION,
        DeadlineStep.CUSTOMER_CONFIRMATION,
        "validity_decided_at",
        "owner",
    ),
    S.CONTAINMENT: (StepKind.CONTAINMENT, DeadlineStep.CONTAINMENT, "validity_decided_at", "owner"),
    S.ROOT_CAUSE: (StepKind.ROOT_CAUSE, DeadlineStep.ROOT_CAUSE, "validity_decided_at", "owner"),
    S.CAPA_DECISION: (StepKind.CAPA_DECISION, DeadlineStep.ROOT_CAUSE, "validity_decided_at", "owner"),
    S.NO_CAPA_APPROVAL: (StepKind.NO_CAPA_APPROVAL, DeadlineStep.REPLY, "validity_decided_at", None),
    S.REPLY_DRAFT: (StepKind.REPLY_DRAFT, DeadlineStep.REPLY, "validity_decided_at", "owner"),
    S.REPLY_APPROVAL: (StepKind.REPLY_APPROVAL, DeadlineStep.REPLY, "validity_decided_at", None),
    S.REPLY_SEND: (StepKind.REPLY_SEND, DeadlineStep.REPLY, "validity_decided_at", "owner"),
    S.IMPLEMENTATION: (StepKind.IMPLEMENTATION, DeadlineStep.IMPLEMENTATION, "reply_sent_at", "owner"),
    S.VERIFICATION: (StepKind.VERIFICATION, DeadlineStep.VERIFICATION, "implemented_at", "owner"),
    S.TRAINING: (StepKind.TRAINING, DeadlineStep.TRAINING, "verified_at", "owner"),
    S.CLOSURE: (StepKind.CLOSURE, DeadlineStep.CLOSURE, "trained_at", None),
    S.CLOSED: (StepKind.FOLLOW_UP, DeadlineStep.FOLLOW_UP, "closed_at", "first_contact"),
}

#: The kinds of the steps of the two parallel branches.
PARALLEL_STEP_KINDS = [STEP_FOR_STATE[state][0] for state in PARALLEL_STATES]

#: Which roles may make each move (checked together with the state).
QUALITY = "quality"
QM = "quality_manager"
SALES = "sales"


def _may(actor, who) -> bool:
    return {
        QUALITY: permissions.is_quality,
        QM: permissions.is_quality_manager,
        SALES: permissions.is_sales,
    }[who](actor)


def _require_role(actor, *who):
    if not any(_may(actor, w) for w in who):
        names = {
            QUALITY: _("the quality department"),
            QM: _("the quality manager"),
            SALES: _("sales and customer service"),
        }
        raise DomainError(_("Only %(who)s may do this.") % {"who": _(" or ").join(str(names[w]) for w in who)})


def _locked(complaint: Complaint) -> Complaint:
    """The complaint re-read under a row lock, so two users cannot move it at once."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _check_move(complaint, to_status):
    if to_status not in COMPLAINT_TRANSITIONS[complaint.status]:
        raise DomainError(
            _("A complaint in the state “%(state)s” cannot move to “%(to)s”.")
            % {"state": complaint.get_status_display(), "to": S(to_status).label}
        )


def _expect(complaint, *states):
    if complaint.status not in states:
        raise DomainError(
            _("This is not possible while the complaint is in the state “%(state)s”.")
            % {"state": complaint.get_status_display()}
        )


def _department_of(user):
    assignment = (
        Assignment.objects.current()
        .filter(employee__user=user)
        .select_related("post")
        .order_by("kind", "start")
        .first()
    )
    return assignment.post.department if assignment else None


def _log(complaint, *, actor, action, comment="", from_status="", to_status="", at=None):
    """A timeline entry: ``at`` is when it happened; it is recorded now, by ``actor``."""
    ComplaintEvent.log(
        complaint=complaint,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=at,
        comment=comment,
    )


def _open_step(complaint, state, opened_at):
    """Open the step of ``state``: it began when the step before it happened (``opened_at``)."""
    spec = STEP_FOR_STATE.get(state)
    if spec is None:
        return None
    kind, deadline_step, start_field, who = spec
    start = getattr(complaint, start_field) or opened_at
    # After a reopen the clock of a re-done step starts at the reopen, not at the receipt.
    if complaint.last_reopened_at and start < complaint.last_reopened_at:
        start = complaint.last_reopened_at
    assignee = {"owner": complaint.quality_owner, "first_contact": complaint.registered_by, None: None}[who]
    step = ComplaintStep(
        complaint=complaint,
        kind=kind,
        assignee=assignee,
        opened_at=opened_at,
        due_at=deadlines.due_at(deadline_step, complaint.severity, start),
    )
    return save_with_history(step, actor=None)


def in_company_language(render):
    """``render()`` with the company's language active (texts stored in records)."""
    with override(settings.LANGUAGE_CODE):
        return render()


def _open_steps(complaint) -> list[ComplaintStep]:
    return list(complaint.steps.filter(completed_at__isnull=True).order_by("opened_at", "pk"))


def _previous(complaint, step: ComplaintStep | None):
    """(moment, name) of what ``step`` follows: the step completed when it was opened, or the receipt."""
    if step is None:
        return complaint.received_at, _("the receipt of the complaint")
    before = (
        complaint.steps.filter(completed_at__isnull=False, completed_at__lte=step.opened_at)
        .exclude(pk=step.pk)
        .order_by("-completed_at", "-pk")
        .first()
    )
    if before is None or step.opened_at <= complaint.received_at:
        return max(step.opened_at, complaint.received_at), _("the receipt of the complaint")
    return step.opened_at, before.get_kind_display()


def _when(complaint, happened_at, step: ComplaintStep | None):
    """When the move of ``step`` happened (see ``common.happened``)."""
    if happened_at is None:
        return happened(None)
    return happened(happened_at, after=_previous(complaint, step))


def _complete(step, *, actor, happened_at, outcome="", comment=""):
    step.completed_at = happened_at
    step.recorded_at = timezone.now()
    step.completed_by = actor
    # The step log is a company record: written in the company's language, whoever acts.
    step.outcome = in_company_language(lambda: str(outcome))[:200]
    step.comment = comment
    return save_with_history(step, actor=actor)


def _enter(complaint, state, opened_at):
    """Open the step(s) of ``state``. Entering the investigation (a valid decision, a reopen)
    opens the reply to the customer beside it."""
    _open_step(complaint, state, opened_at)
    if state in INVESTIGATION_STATES:
        _open_step(complaint, S.REPLY_DRAFT, opened_at)


def _move(complaint, to_status, *, actor, action, comment="", outcome="", now=None, reason=""):
    """Move ``complaint`` (already locked, fields already set) to ``to_status``: complete its open
    step(s) as having happened at ``now`` (default: now), save, open the next step(s), log."""
    now = now or timezone.now()
    _check_move(complaint, to_status)
    from_status = complaint.status
    for step in _open_steps(complaint):
        _complete(step, actor=actor, happened_at=now, outcome=outcome, comment=comment)
    complaint.status = to_status
    save_with_history(complaint, actor=actor, reason=reason or action)
    _enter(complaint, to_status, now)
    _log(complaint, actor=actor, action=action, comment=comment, from_status=from_status, to_status=to_status, at=now)
    return complaint


def _branch_step(complaint, state) -> ComplaintStep:
    """The open step of ``state`` in the parallel phase, or ``DomainError``."""
    kind = STEP_FOR_STATE[state][0]
    step = complaint.steps.filter(completed_at__isnull=True, kind=kind).first()
    if step is None or complaint.status not in PARALLEL_STATES:
        raise DomainError(
            _("This is not possible while the complaint is in the state “%(state)s”.")
            % {"state": complaint.get_status_display()}
        )
    return step


def _branch_move(complaint, step, *, then=None, actor, action, happened_at, comment="", outcome="", reason=""):
    """Complete ``step`` of one of the two parallel branches and open ``then`` (a state of the same
    branch) or end the branch. The status shows the investigation while it runs, then the reply;
    once neither branch has an open step, implementation opens."""
    from_status = complaint.status
    _complete(step, actor=actor, happened_at=happened_at, outcome=outcome, comment=comment)
    if then is not None:
        _open_step(complaint, then, happened_at)
    open_kinds = {s.kind for s in _open_steps(complaint)}
    to_status = next((st for st in PARALLEL_STATES if STEP_FOR_STATE[st][0] in open_kinds), S.IMPLEMENTATION)
    if to_status != from_status:
        _check_move(complaint, to_status)
        complaint.status = to_status
    save_with_history(complaint, actor=actor, reason=reason or action)
    if to_status == S.IMPLEMENTATION:
        # Implementation starts when the later of the two branches ended.
        ended = complaint.steps.filter(kind__in=PARALLEL_STEP_KINDS).aggregate(last=Max("completed_at"))["last"]
        _open_step(complaint, S.IMPLEMENTATION, max(happened_at, ended or happened_at))
    changed = to_status != from_status
    _log(
        complaint,
        actor=actor,
        action=action,
        comment=comment,
        from_status=from_status if changed else "",
        to_status=to_status if changed else "",
        at=happened_at,
    )
    return complaint


# Registration and hand-over -----------------------------------------------------------------


def _step_time(complaint, happened_at):
    """When the move out of the complaint's (single) open step happened."""
    steps = _open_steps(complaint)
    return _when(complaint, happened_at, steps[0] if steps else None)


@transaction.atomic
def complaint_register(*, actor, received_at: datetime.datetime, **fields) -> Complaint:
    """Record a complaint received by sales or customer service (the first contact owns it)."""
    require(
        permissions.can_register_complaint(actor),
        _("Only sales and customer service register complaints."),
    )
    responsible = fields.pop("responsible_departments", None) or []
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": _("The receipt time cannot lie in the future.")})
    complaint = Complaint(
        received_at=received_at,
        registered_by=actor,
        registering_department=_department_of(actor),
        status=S.REGISTERED,
        **fields,
    )
    year = timezone.localtime(received_at).year
    complaint.number = f"CC-{year}-{next_serial(f'CC-{year}'):04d}"
    complaint.full_clean()
    try:
        with transaction.atomic():
            save_with_history(complaint, actor=actor, reason="registered")
    except IntegrityError as exc:  # pragma: no cover - the counter row lock prevents this
        raise DomainError(_("The complaint number was taken at the same moment; please save again.")) from exc
    if responsible:
        complaint.responsible_departments.set(responsible)
    # The hand-over is due from the receipt, however late the complaint is typed in.
    _open_step(complaint, S.REGISTERED, min(received_at, timezone.now()))
    _log(complaint, actor=actor, action="register", to_status=S.REGISTERED, at=received_at)
    return complaint


@transaction.atomic
def complaint_update_details(*, actor, complaint: Complaint, **fields) -> Complaint:
    """Correct the registered details (first contact before hand-over, quality afterwards)."""
    complaint = _locked(complaint)
    if complaint.status in COMPLAINT_FINISHED:
        raise DomainError(_("A closed or void complaint can no longer be changed."))
    if not (
        permissions.is_quality(actor) or (complaint.status == S.REGISTERED and complaint.registered_by_id == actor.pk)
    ):
        raise DomainError(_("You may not change this complaint."))
    responsible = fields.pop("responsible_departments", None)
    for name, value in fields.items():
        setattr(complaint, name, value)
    save_with_history(complaint, actor=actor, reason="details")
    if responsible is not None:
        complaint.responsible_departments.set(responsible)
    _log(complaint, actor=actor, action="edit")
    return complaint


@transaction.atomic
def complaint_hand_over(*, actor, complaint: Complaint, quality_owner, comment="", happened_at=None) -> Complaint:
    """The first contact hands the complaint over to one owner in the quality department."""
    complaint = _locked(complaint)
    _expect(complaint, S.REGISTERED)
    if not (complaint.registered_by_id == actor.pk or permissions.is_sales(actor) or permissions.is_quality(actor)):
        raise DomainError(_("Only the first contact, sales or quality may hand the complaint over."))
    if quality_owner is None or not permissions.is_quality(quality_owner):
        raise ValidationError({"quality_owner": _("The owner must be a QA engineer or the quality manager.")})
    now = _step_time(complaint, happened_at)
    complaint.quality_owner = quality_owner
    complaint.handed_over_at = now
    owner_name = quality_owner.get_full_name() or quality_owner.get_username()
    return _move(
        complaint,
        S.ANALYSIS,
        actor=actor,
        action="hand_over",
        comment=comment,
        outcome=in_company_language(lambda: _("Handed over to %(name)s") % {"name": owner_name}),
        now=now,
    )


@transaction.atomic
def complaint_assign_step(
    *, actor, complaint: Complaint, assignee, make_owner: bool = False, comment="", kind=None
) -> ComplaintStep:
    """Give an open step to someone else (quality only): the step of ``kind``, by default the
    open step due first. With ``make_owner`` the assignee, who must belong to quality, also
    becomes the complaint's owner in quality (a recorded hand-over)."""
    complaint = _locked(complaint)
    _require_role(actor, QUALITY)
    steps = complaint.steps.filter(completed_at__isnull=True)
    if kind:
        steps = steps.filter(kind=kind)
    step = steps.order_by(F("due_at").asc(nulls_last=True), "pk").first()
    if step is None:
        raise DomainError(_("The complaint has no open step."))
    if assignee is None:
        raise ValidationError({"assignee": _("Choose who takes over the step.")})
    name = assignee.get_full_name() or assignee.get_username()
    if make_owner:
        if not permissions.is_quality(assignee):
            raise ValidationError({"assignee": _("The owner must be a QA engineer or the quality manager.")})
        complaint.quality_owner = assignee
        save_with_history(complaint, actor=actor, reason="owner changed")
        _log(complaint, actor=actor, action="owner_changed", comment=f"{name} {comment}".strip())
    step.assignee = assignee
    save_with_history(step, actor=actor, reason="reassigned")
    _log(complaint, actor=actor, action="assign", comment=f"{step.get_kind_display()} → {name}. {comment}".strip())
    return step


# Initial analysis -------------------------------------------------------------------------


@transaction.atomic
def complaint_decide_validity(
    *, actor, complaint: Complaint, valid: bool, reasoning: str, responsible_departments=None, happened_at=None
) -> Complaint:
    """The quality department's initial analysis: is the complaint valid? (due 12 h after receipt).

    Not valid: the reasoning is what the customer is told, and the complaint waits for the
    customer's written confirmation. Valid: containment and the reply to the customer start,
    side by side.
    """
    complaint = _locked(complaint)
    _expect(complaint, S.ANALYSIS)
    _require_role(actor, QUALITY)
    reasoning = require_text(reasoning, "reasoning", _("Explain the decision."))
    now = _step_time(complaint, happened_at)
    complaint.is_valid = bool(valid)
    complaint.validity_reason = reasoning
    complaint.validity_decided_at = now
    if not valid and complaint.first_handled_at is None:
        complaint.first_handled_at = now
    if responsible_departments is not None:
        complaint.responsible_departments.set(responsible_departments)
    return _move(
        complaint,
        S.CONTAINMENT if valid else S.NOT_VALID,
        actor=actor,
        action="valid" if valid else "not_valid",
        comment=reasoning,
        outcome=pgettext_lazy("complaint validity", "Valid") if valid else gettext_lazy("Not valid"),
        now=now,
    )


def add_attachment(*, actor, complaint: Complaint, uploaded, kind=AttachmentKind.PHOTO) -> ComplaintAttachment:
    """Store an uploaded file after checking its size and type by content."""
    content_type = validate_upload(uploaded)
    attachment = ComplaintAttachment(
        complaint=complaint,
        kind=kind,
        original_name=(uploaded.name or "file")[:200],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    attachment.file.save(uploaded.name or "file", uploaded, save=False)
    return save_with_history(attachment, actor=actor)


@transaction.atomic
def complaint_attach(*, actor, complaint: Complaint, uploaded, kind=AttachmentKind.PHOTO) -> ComplaintAttachment:
    """Attach a file (photo, customer report …) to a complaint that is not void."""
    complaint = _locked(complaint)
    if complaint.status == S.VOID:
        raise DomainError(_("A void complaint takes no more attachments."))
    if not (permissions.is_quality(actor) or permissions.is_sales(actor) or complaint.registered_by_id == actor.pk):
        raise DomainError(_("You may not add files to this complaint."))
    attachment = add_attachment(actor=actor, complaint=complaint, uploaded=uploaded, kind=kind)
    _log(complaint, actor=actor, action="attach", comment=attachment.original_name)
    return attachment


@transaction.atomic
def complaint_confirm_not_valid(
    *, actor, complaint: Complaint, confirmation, comment="", happened_at=None
) -> Complaint:
    """Close a not-valid complaint with the customer's written confirmation attached."""
    complaint = _locked(complaint)
    _expect(complaint, S.NOT_VALID)
    _require_role(actor, QUALITY, SALES)
    if confirmation is None:
        raise ValidationError({"confirmation": _("Attach the customer's written confirmation.")})
    now = _step_time(complaint, happened_at)
    attachment = add_attachment(
        actor=actor, complaint=complaint, uploaded=confirmation, kind=AttachmentKind.CUSTOMER_CONFIRMATION
    )
    complaint.closed_at = now
    complaint.first_closed_at = complaint.first_closed_at or now
    return _move(
        complaint,
        S.CLOSED,
        actor=actor,
        action="confirmed_not_valid",
        comment=comment or attachment.original_name,
        outcome=gettext_lazy("Customer confirmed in writing"),
        now=now,
    )


# Valid complaint: containment, root cause, CAPA (the investigation branch) --------------------


@transaction.atomic
def complaint_contain(
    *,
    actor,
    complaint: Complaint,
    stock: str,
    wip: str,
    shipped: str,
    stop_line_notice: bool = False,
    disposition: str = "",
    comment="",
    happened_at=None,
) -> Complaint:
    """Record the containment of stock, work in progress and shipped goods (due 24 h after the
    validity decision), with an optional stop-line notice and the nonconforming disposition.
    It does not wait for the reply to the customer, nor the reply for it."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.CONTAINMENT)
    _require_role(actor, QUALITY)
    stock, wip, shipped = ((text or "").strip() for text in (stock, wip, shipped))
    if not any((stock, wip, shipped)):
        raise ValidationError(_("Record what was done for stock, work in progress or shipped goods."))
    now = _when(complaint, happened_at, step)
    complaint.containment_stock = stock
    complaint.containment_wip = wip
    complaint.containment_shipped = shipped
    complaint.stop_line_notice = bool(stop_line_notice)
    complaint.nonconforming_disposition = (disposition or "").strip()
    complaint.contained_at = now
    complaint.first_handled_at = min(complaint.first_handled_at or now, now)
    return _branch_move(
        complaint,
        step,
        then=S.ROOT_CAUSE,
        actor=actor,
        action="contain",
        comment=comment,
        outcome=gettext_lazy("Contained"),
        happened_at=now,
    )


@transaction.atomic
def complaint_record_root_cause(
    *,
    actor,
    complaint: Complaint,
    whys: list[str],
    categories: list[str],
    root_cause: str,
    comment="",
    happened_at=None,
) -> Complaint:
    """Record the root-cause analysis: up to five whys and the 5M1E cause categories."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.ROOT_CAUSE)
    _require_role(actor, QUALITY)
    whys = [(w or "").strip() for w in whys][:5]
    if not any(whys):
        raise ValidationError({"why_1": _("Ask at least the first why.")})
    valid_categories = set(CauseCategory.values)
    if not categories or any(c not in valid_categories for c in categories):
        raise ValidationError({"cause_categories": _("Choose at least one cause category.")})
    now = _when(complaint, happened_at, step)
    complaint.root_cause = require_text(root_cause, "root_cause", _("State the root cause."))
    for i in range(5):
        setattr(complaint, f"why_{i + 1}", whys[i] if i < len(whys) else "")
    complaint.cause_categories = list(categories)
    return _branch_move(
        complaint,
        step,
        then=S.CAPA_DECISION,
        actor=actor,
        action="root_cause",
        comment=comment,
        outcome=gettext_lazy("Root cause found"),
        happened_at=now,
    )


@transaction.atomic
def complaint_link_capa(*, actor, complaint: Complaint, capa, comment="", happened_at=None) -> Complaint:
    """Answer the complaint with an existing CAPA (one CAPA may answer several complaints)."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.CAPA_DECISION)
    _require_role(actor, QUALITY)
    if capa.status in ("closed", "void"):
        raise DomainError(_("A closed or void CAPA cannot take on a complaint."))
    now = _when(complaint, happened_at, step)
    complaint.capas.add(capa)
    return _branch_move(
        complaint,
        step,
        actor=actor,
        action="capa_linked",
        comment=comment or capa.number,
        outcome=capa.number,
        happened_at=now,
    )


@transaction.atomic
def complaint_open_capa(
    *, actor, complaint: Complaint, title: str, problem_statement: str, department=None, owner=None, happened_at=None
):
    """Open a new CAPA for the complaint, carrying over its root cause; returns the CAPA."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.CAPA_DECISION)
    _require_role(actor, QUALITY)
    now = _when(complaint, happened_at, step)
    capa = capa_open(
        actor=actor,
        source=CapaSource.COMPLAINT,
        title=title,
        problem_statement=problem_statement,
        department=department,
        owner=owner or actor,
        complaints=[complaint],
        happened_at=now,
    )
    _branch_move(
        complaint, step, actor=actor, action="capa_opened", comment=capa.number, outcome=capa.number, happened_at=now
    )
    return capa


@transaction.atomic
def complaint_propose_no_capa(*, actor, complaint: Complaint, reasoning: str, happened_at=None) -> Complaint:
    """Propose that no CAPA is needed, with the risk reasoning; the quality manager decides."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.CAPA_DECISION)
    _require_role(actor, QUALITY)
    complaint.no_capa_reasoning = require_text(reasoning, "reasoning", _("Give the risk reasoning."))
    now = _when(complaint, happened_at, step)
    return _branch_move(
        complaint,
        step,
        then=S.NO_CAPA_APPROVAL,
        actor=actor,
        action="no_capa_proposed",
        comment=reasoning,
        happened_at=now,
    )


@transaction.atomic
def complaint_decide_no_capa(*, actor, complaint: Complaint, approve: bool, comment="", happened_at=None) -> Complaint:
    """The quality manager approves the no-CAPA decision, or sends it back for a CAPA."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.NO_CAPA_APPROVAL)
    _require_role(actor, QM)
    if not approve:
        require_text(comment, "comment", _("Say why a CAPA is needed."))
    now = _when(complaint, happened_at, step)
    if approve:
        complaint.no_capa_approved_by = actor
        complaint.no_capa_approved_at = now
        return _branch_move(
            complaint,
            step,
            actor=actor,
            action="no_capa_approved",
            comment=comment,
            outcome=gettext_lazy("Approved"),
            happened_at=now,
        )
    return _branch_move(
        complaint,
        step,
        then=S.CAPA_DECISION,
        actor=actor,
        action="no_capa_rejected",
        comment=comment,
        outcome=gettext_lazy("Rejected"),
        happened_at=now,
    )


# Reply to the customer (the reply branch) ------------------------------------------------------


@transaction.atomic
def complaint_submit_reply(*, actor, complaint: Complaint, text: str, happened_at=None) -> Complaint:
    """QA drafts the reply to the customer and submits it to the quality manager. The reply needs
    the validity decision only: it does not wait for the containment record."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.REPLY_DRAFT)
    _require_role(actor, QUALITY)
    complaint.reply_text = require_text(text, "text", _("Write the reply."))
    now = _when(complaint, happened_at, step)
    return _branch_move(
        complaint,
        step,
        then=S.REPLY_APPROVAL,
        actor=actor,
        action="reply_submitted",
        outcome=gettext_lazy("Submitted"),
        happened_at=now,
    )


@transaction.atomic
def complaint_decide_reply(*, actor, complaint: Complaint, approve: bool, comment="", happened_at=None) -> Complaint:
    """The quality manager approves the reply, or returns it with a comment."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.REPLY_APPROVAL)
    _require_role(actor, QM)
    if not approve:
        require_text(comment, "comment", _("Say what must change in the reply."))
    now = _when(complaint, happened_at, step)
    if approve:
        complaint.reply_approved_by = actor
        complaint.reply_approved_at = now
        return _branch_move(
            complaint,
            step,
            then=S.REPLY_SEND,
            actor=actor,
            action="reply_approved",
            comment=comment,
            outcome=gettext_lazy("Approved"),
            happened_at=now,
        )
    return _branch_move(
        complaint,
        step,
        then=S.REPLY_DRAFT,
        actor=actor,
        action="reply_returned",
        comment=comment,
        outcome=gettext_lazy("Returned"),
        happened_at=now,
    )


@transaction.atomic
def complaint_send_reply(*, actor, complaint: Complaint, comment="", happened_at=None) -> Complaint:
    """Record that the approved reply went to the customer (the 48-hour deadline ends here)."""
    complaint = _locked(complaint)
    step = _branch_step(complaint, S.REPLY_SEND)
    _require_role(actor, QUALITY, SALES)
    now = _when(complaint, happened_at, step)
    complaint.reply_sent_at = now
    return _branch_move(
        complaint,
        step,
        actor=actor,
        action="reply_sent",
        comment=comment,
        outcome=gettext_lazy("Sent"),
        happened_at=now,
    )


# Implementation, verification, training, closure ------------------------------------------------


@transaction.atomic
def complaint_record_implementation(*, actor, complaint: Complaint, summary: str, happened_at=None) -> Complaint:
    complaint = _locked(complaint)
    _expect(complaint, S.IMPLEMENTATION)
    _require_role(actor, QUALITY)
    complaint.implementation_summary = require_text(summary, "summary", _("Describe what was implemented."))
    now = _step_time(complaint, happened_at)
    complaint.implemented_at = now
    return _move(
        complaint,
        S.VERIFICATION,
        actor=actor,
        action="implemented",
        comment=summary,
        outcome=gettext_lazy("Implemented"),
        now=now,
    )


@transaction.atomic
def complaint_verify(*, actor, complaint: Complaint, effective: bool, result: str, happened_at=None) -> Complaint:
    """QA verifies the effectiveness; not effective sends the complaint back to implementation."""
    complaint = _locked(complaint)
    _expect(complaint, S.VERIFICATION)
    _require_role(actor, QUALITY)
    result = require_text(result, "result", _("Describe how effectiveness was verified and what was found."))
    now = _step_time(complaint, happened_at)
    complaint.verification_result = result
    if effective:
        complaint.verified_at = now
        return _move(
            complaint,
            S.TRAINING,
            actor=actor,
            action="verified",
            comment=result,
            outcome=gettext_lazy("Effective"),
            now=now,
        )
    return _move(
        complaint,
        S.IMPLEMENTATION,
        actor=actor,
        action="not_effective",
        comment=result,
        outcome=gettext_lazy("Not effective"),
        now=now,
    )


def _announce_training(*, source, department, topic, actor, due_date):
    transaction.on_commit(
        lambda: training_required.send(
            sender=type(source), source=source, department=department, topic=topic, actor=actor, due_date=due_date
        )
    )


@transaction.atomic
def complaint_record_training(
    *,
    actor,
    complaint: Complaint,
    department,
    topic: str,
    due_date: datetime.date | None = None,
    note="",
    happened_at=None,
) -> ChangeTraining:
    """Record that the responsible department is trained on the change; the training module
    receives ``training_required`` and creates the training need."""
    complaint = _locked(complaint)
    _expect(complaint, S.TRAINING)
    _require_role(actor, QUALITY)
    if department is None:
        raise ValidationError({"department": _("Choose the department to train.")})
    topic = require_text(topic, "topic", _("Name the topic of the training."))
    now = _step_time(complaint, happened_at)
    training = ChangeTraining(
        complaint=complaint, department=department, topic=topic, due_date=due_date, note=note, recorded_by=actor
    )
    save_with_history(training, actor=actor)
    complaint.trained_at = now
    complaint.responsible_departments.add(department)
    _move(
        complaint,
        S.CLOSURE,
        actor=actor,
        action="training",
        comment=f"{department.name}: {topic}",
        outcome=topic,
        now=now,
    )
    _announce_training(source=complaint, department=department, topic=topic, actor=actor, due_date=due_date)
    return training


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, approve: bool = True, comment="", happened_at=None) -> Complaint:
    """The quality manager closes the complaint (or returns it to the training step)."""
    complaint = _locked(complaint)
    _expect(complaint, S.CLOSURE)
    _require_role(actor, QM)
    if not approve:
        require_text(comment, "comment", _("Say what is missing."))
    now = _step_time(complaint, happened_at)
    if not approve:
        return _move(
            complaint,
            S.TRAINING,
            actor=actor,
            action="closure_returned",
            comment=comment,
            outcome=gettext_lazy("Returned"),
            now=now,
        )
    complaint.closed_at = now
    complaint.first_closed_at = complaint.first_closed_at or now
    return _move(
        complaint, S.CLOSED, actor=actor, action="closed", comment=comment, outcome=gettext_lazy("Closed"), now=now
    )


@transaction.atomic
def complaint_follow_up(
    *, actor, complaint: Complaint, outcome: str, note="", called_at=None, happened_at=None
) -> FollowUpCall:
    """Sales calls the customer after closure: satisfied → archived; still unhappy → reopened
    (a valid complaint goes back to the root cause, with a new reply beside it)."""
    complaint = _locked(complaint)
    _expect(complaint, S.CLOSED)
    _require_role(actor, SALES)
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the call.")})
    if outcome != FollowUpOutcome.SATISFIED:
        require_text(note, "note", _("Note what the customer is still unhappy about."))
    now = _step_time(complaint, happened_at if happened_at is not None else called_at)
    call = FollowUpCall(complaint=complaint, called_at=now, called_by=actor, outcome=outcome, note=note)
    save_with_history(call, actor=actor)
    if outcome == FollowUpOutcome.SATISFIED:
        complaint.archived_at = now
        _move(
            complaint,
            S.ARCHIVED,
            actor=actor,
            action="archived",
            comment=note,
            outcome=FollowUpOutcome(call.outcome).label,
            now=now,
        )
    else:
        complaint.reopen_count += 1
        complaint.last_reopened_at = now
        target = S.ROOT_CAUSE if complaint.is_valid else S.ANALYSIS
        _move(
            complaint,
            target,
            actor=actor,
            action="reopened",
            comment=note,
            outcome=FollowUpOutcome(call.outcome).label,
            now=now,
        )
    return call


@transaction.atomic
def complaint_void(*, actor, complaint: Complaint, reason: str, happened_at=None) -> Complaint:
    """Void a complaint entered by mistake (never deleted)."""
    complaint = _locked(complaint)
    if complaint.status in COMPLAINT_FINISHED:
        raise DomainError(_("A closed or void complaint cannot be voided."))
    require(permissions.can_void_complaint(actor, complaint), _("Only the quality manager may void this complaint."))
    complaint.void_reason = require_text(reason, "reason", _("Give a reason."))
    last = complaint.steps.filter(completed_at__isnull=False).order_by("-completed_at", "-pk").first()
    if last is None or last.completed_at < complaint.received_at:
        after = (complaint.received_at, _("the receipt of the complaint"))
    else:
        after = (last.completed_at, last.get_kind_display())
    now = happened(happened_at, after=after)
    complaint.voided_at = now
    return _move(complaint, S.VOID, actor=actor, action="void", comment=reason, outcome=gettext_lazy("Void"), now=now)


#: Forms the detail page offers in each state (the services check again). In the parallel
#: phase the forms of every state whose step is open are offered.
ACTIONS_BY_STATE = {
    S.REGISTERED: ["hand_over"],
    S.ANALYSIS: ["validity"],
    S.NOT_VALID: ["confirm_not_valid"],
    S.CONTAINMENT: ["contain"],
    S.ROOT_CAUSE: ["root_cause"],
    S.CAPA_DECISION: ["open_capa", "link_capa", "no_capa"],
    S.NO_CAPA_APPROVAL: ["decide_no_capa"],
    S.REPLY_DRAFT: ["reply"],
    S.REPLY_APPROVAL: ["decide_reply"],
    S.REPLY_SEND: ["send_reply"],
    S.IMPLEMENTATION: ["implement"],
    S.VERIFICATION: ["verify"],
    S.TRAINING: ["training"],
    S.CLOSURE: ["close"],
    S.CLOSED: ["follow_up"],
}

#: Who may use each form: action → roles.
ACTION_ROLES = {
    "hand_over": (SALES, QUALITY),
    "validity": (QUALITY,),
    "confirm_not_valid": (QUALITY, SALES),
    "contain": (QUALITY,),
    "root_cause": (QUALITY,),
    "open_capa": (QUALITY,),
    "link_capa": (QUALITY,),
    "no_capa": (QUALITY,),
    "decide_no_capa": (QM,),
    "reply": (QUALITY,),
    "decide_reply": (QM,),
    "send_reply": (QUALITY, SALES),
    "implement": (QUALITY,),
    "verify": (QUALITY,),
    "training": (QUALITY,),
    "close": (QM,),
    "follow_up": (SALES,),
}


def open_states(complaint, open_steps=None) -> list[str]:
    """The states whose step is open: one, or in the parallel phase one per running branch."""
    if complaint.status not in PARALLEL_STATES:
        return [complaint.status]
    steps = open_steps if open_steps is not None else _open_steps(complaint)
    kinds = {s.kind for s in steps}
    return [state for state in PARALLEL_STATES if STEP_FOR_STATE[state][0] in kinds]


def allowed_actions(user, complaint, open_steps=None) -> list[str]:
    """The forms ``user`` may use on ``complaint`` now (for display; the services decide)."""
    names = []
    for state in open_states(complaint, open_steps):
        for name in ACTIONS_BY_STATE.get(state, []):
            roles = ACTION_ROLES[name]
            if any(_may(user, r) for r in roles) or (name == "hand_over" and complaint.registered_by_id == user.pk):
                names.append(name)
    return names
