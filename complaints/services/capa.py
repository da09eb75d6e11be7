"""Every change to a CAPA (纠正预防措施) and every move through its workflow.

open (problem stated; immediate corrections allowed) → root cause recorded → implementing
(corrective and preventive actions, each with owner, due date, status, evidence) →
effectiveness check planned (method, due date, verifier) → effective → closed by the
quality manager; a failed check reopens the CAPA (back to implementing). It cannot close with
open actions or without a passed check. Any CAPA not closed can be voided with a reason.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from .. import permissions
from ..choices import (
    CAPA_FINISHED,
    CAPA_TRANSITIONS,
    ActionKind,
    ActionStatus,
    CapaSource,
    CapaStatus,
    CauseCategory,
    CheckResult,
)
from ..models import Capa, CapaAction, CapaEvent, ChangeTraining, EffectivenessCheck, next_serial
from ..signals import training_required
from ..uploads import validate_upload
from .common import happened, require, require_text, save_with_history

C = CapaStatus


def _locked(capa: Capa) -> Capa:
    return Capa.objects.select_for_update().get(pk=capa.pk)


def _log(capa, *, actor, action, comment="", from_status="", to_status="", at=None):
    """A timeline entry: ``at`` is when it happened; it is recorded now, by ``actor``."""
    CapaEvent.log(
        capa=capa, action=action, comment=comment, from_status=from_status, to_status=to_status, actor=actor, at=at
    )


def _last_step(capa):
    """(moment, name) of the latest move of ``capa`` so far: what a next move cannot precede."""
    event = capa.events.exclude(to_status="").order_by("-at", "-pk").first()
    if event is None or event.at < capa.created_at:
        return capa.created_at, _("the opening of the CAPA")
    return event.at, str(event.action_label)


def _move(capa, to_status, *, actor, action, comment="", at=None):
    if to_status not in CAPA_TRANSITIONS[capa.status]:
        raise DomainError(
            _("A CAPA in the state “%(state)s” cannot move to “%(to)s”.")
            % {"state": capa.get_status_display(), "to": C(to_status).label}
        )
    from_status = capa.status
    capa.status = to_status
    save_with_history(capa, actor=actor, reason=action)
    _log(capa, actor=actor, action=action, comment=comment, from_status=from_status, to_status=to_status, at=at)
    return capa


def _require_change(actor, capa):
    require(permissions.can_change_capa(actor, capa), _("Only the quality department or the CAPA's owner may do this."))


def _require_not_finished(capa):
    if capa.status in CAPA_FINISHED:
        raise DomainError(_("A closed or void CAPA can no longer be changed."))


@transaction.atomic
def capa_open(
    *,
    actor,
    source,
    title: str,
    problem_statement: str,
    department=None,
    owner=None,
    origin=None,
    complaints=(),
    happened_at=None,
) -> Capa:
    """Open a CAPA and return it. ``happened_at`` is when it was really opened (now if empty,
    never in the future): its number's year and its opening time follow it.

    ``source`` is a ``CapaSource`` value; ``origin`` any model instance of another module the
    CAPA answers (linked generically, e.g. a survey response); ``complaints`` the complaints it
    answers (linked both ways). ``owner`` defaults to the actor. Raises ``DomainError`` when
    the actor may not open CAPAs (see ``permissions.can_open_capa``), ``ValidationError`` on
    missing title or problem statement.
    """
    require(permissions.can_open_capa(actor), _("You may not open a CAPA."))
    if source not in CapaSource.values:
        raise ValidationError({"source": _("Choose the source of the CAPA.")})
    opened = happened(happened_at)
    capa = Capa(
        source=source,
        title=(title or "").strip(),
        problem_statement=(problem_statement or "").strip(),
        department=department,
        owner=owner or actor,
        created_by=actor,
        created_at=opened,
    )
    if origin is not None:
        capa.origin_content_type = ContentType.objects.get_for_model(origin)
        capa.origin_object_id = origin.pk
    year = timezone.localdate(opened).year
    capa.number = f"CAPA-{year}-{next_serial(f'CAPA-{year}'):04d}"
    save_with_history(capa, actor=actor, reason="opened")
    if complaints:
        capa.complaints.add(*complaints)
    _log(capa, actor=actor, action="open", to_status=C.OPEN, comment=capa.problem_statement[:200], at=opened)
    return capa


@transaction.atomic
def capa_update(*, actor, capa: Capa, **fields) -> Capa:
    """Change title, problem statement, department or owner of a CAPA not yet finished."""
    capa = _locked(capa)
    _require_not_finished(capa)
    _require_change(actor, capa)
    for name in ("title", "problem_statement", "department", "owner"):
        if name in fields:
            setattr(capa, name, fields[name])
    save_with_history(capa, actor=actor, reason="edit")
    _log(capa, actor=actor, action="edit")
    return capa


@transaction.atomic
def capa_record_root_cause(*, actor, capa: Capa, root_cause: str, categories=(), happened_at=None) -> Capa:
    """Record the root cause; corrective and preventive actions can be planned from now on."""
    capa = _locked(capa)
    _require_change(actor, capa)
    if capa.status != C.OPEN:
        raise DomainError(_("The root cause is recorded while the CAPA is open."))
    capa.root_cause = require_text(root_cause, "root_cause", _("State the root cause."))
    if any(c not in CauseCategory.values for c in categories):
        raise ValidationError({"categories": _("Unknown cause category.")})
    capa.cause_categories = list(categories)
    capa.root_cause_at = happened(happened_at, after=_last_step(capa))
    return _move(capa, C.IMPLEMENTING, actor=actor, action="root_cause", comment=capa.root_cause, at=capa.root_cause_at)


@transaction.atomic
def capa_add_action(*, actor, capa: Capa, kind, description: str, owner, due_date: datetime.date) -> CapaAction:
    """Plan an action. An immediate correction may come before the root cause; corrective and
    preventive actions need the root cause first."""
    capa = _locked(capa)
    _require_change(actor, capa)
    if kind not in ActionKind.values:
        raise ValidationError({"kind": _("Choose the kind of action.")})
    if capa.status not in (C.OPEN, C.IMPLEMENTING):
        raise DomainError(_("Actions are planned while the CAPA is open or being implemented."))
    if capa.status == C.OPEN and kind != ActionKind.CORRECTION:
        raise DomainError(_("Record the root cause before planning corrective or preventive actions."))
    if owner is None:
        raise ValidationError({"owner": _("Choose who does it.")})
    if due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    action = CapaAction(capa=capa, kind=kind, description=(description or "").strip(), owner=owner, due_date=due_date)
    save_with_history(action, actor=actor)
    _log(capa, actor=actor, action="action_added", comment=f"{action.get_kind_display()}: {action.description[:150]}")
    return action


@transaction.atomic
def capa_complete_action(
    *, actor, action: CapaAction, evidence: str = "", evidence_file=None, happened_at=None
) -> CapaAction:
    """Mark an action done with its evidence (a text, a file or both). Its owner or quality."""
    capa = _locked(action.capa)
    action = CapaAction.objects.select_for_update().get(pk=action.pk)
    _require_not_finished(capa)
    require(
        action.owner_id == actor.pk or permissions.is_quality(actor),
        _("Only the action's owner or the quality department may complete it."),
    )
    if action.status != ActionStatus.OPEN:
        raise DomainError(_("This action is no longer open."))
    if not (evidence or "").strip() and evidence_file is None:
        raise ValidationError({"evidence": _("Give the evidence: a description, a file or both.")})
    done_at = happened(happened_at, after=(action.created_at, _("the planning of the action")))
    if evidence_file is not None:
        action.evidence_content_type = validate_upload(evidence_file)
        action.evidence_name = (evidence_file.name or "file")[:200]
        action.evidence_file.save(evidence_file.name or "file", evidence_file, save=False)
    action.evidence = (evidence or "").strip()
    action.status = ActionStatus.DONE
    action.completed_at = done_at
    action.completed_by = actor
    save_with_history(action, actor=actor, reason="done")
    _log(capa, actor=actor, action="action_done", comment=action.description[:150], at=done_at)
    return action


@transaction.atomic
def capa_cancel_action(*, actor, action: CapaAction, reason: str, happened_at=None) -> CapaAction:
    """Cancel an open action with a reason; ``happened_at`` is when it was decided (now if
    empty, never before the action was planned)."""
    capa = _locked(action.capa)
    _require_not_finished(capa)
    require(permissions.is_quality(actor), _("Only the quality department may cancel an action."))
    if action.status != ActionStatus.OPEN:
        raise DomainError(_("This action is no longer open."))
    action.cancel_reason = require_text(reason, "reason", _("Give a reason."))
    decided = happened(happened_at, after=(action.created_at, _("the planning of the action")))
    action.status = ActionStatus.CANCELLED
    save_with_history(action, actor=actor, reason="cancelled")
    _log(capa, actor=actor, action="action_cancelled", comment=reason, at=decided)
    return action


@transaction.atomic
def capa_plan_check(*, actor, capa: Capa, method: str, due_date: datetime.date, assignee) -> EffectivenessCheck:
    """Plan the effectiveness check once every action is done (at least one corrective)."""
    capa = _locked(capa)
    _require_change(actor, capa)
    if capa.status != C.IMPLEMENTING:
        raise DomainError(_("The effectiveness check is planned once the actions are implemented."))
    if capa.actions.filter(status=ActionStatus.OPEN).exists():
        raise DomainError(_("Complete or cancel the open actions first."))
    if not capa.actions.filter(status=ActionStatus.DONE, kind=ActionKind.CORRECTIVE).exists():
        raise DomainError(_("At least one corrective action must be done before its effectiveness is checked."))
    if assignee is None or not permissions.is_quality(assignee):
        raise ValidationError({"assignee": _("The verifier must belong to the quality department.")})
    check = EffectivenessCheck(
        capa=capa, method=(method or "").strip(), due_date=due_date, assignee=assignee, planned_by=actor
    )
    save_with_history(check, actor=actor)
    _move(capa, C.VERIFICATION, actor=actor, action="check_planned", comment=check.method[:200])
    return check


@transaction.atomic
def capa_record_check(
    *, actor, check: EffectivenessCheck, passed: bool, note: str, happened_at=None
) -> EffectivenessCheck:
    """Record the result of the effectiveness check: passed → awaiting closure, failed → the
    CAPA is reopened for new actions."""
    capa = _locked(check.capa)
    check = EffectivenessCheck.objects.select_for_update().get(pk=check.pk)
    require(permissions.is_quality(actor), _("Only the quality department verifies effectiveness."))
    if capa.status != C.VERIFICATION or check.result != CheckResult.PENDING:
        raise DomainError(_("This effectiveness check is not pending."))
    check.result_note = require_text(note, "note", _("Describe what was found."))
    # The check verifies the actions: it cannot precede the last of them.
    last_done = capa.actions.filter(status=ActionStatus.DONE).order_by("-completed_at").first()
    after = (last_done.completed_at, _("the last action done")) if last_done else _last_step(capa)
    at = happened(happened_at, after=after)
    check.result = CheckResult.PASSED if passed else CheckResult.FAILED
    check.verified_by = actor
    check.verified_at = at
    save_with_history(check, actor=actor)
    if passed:
        _move(capa, C.VERIFIED, actor=actor, action="check_passed", comment=check.result_note, at=at)
    else:
        capa.reopen_count += 1
        _move(capa, C.IMPLEMENTING, actor=actor, action="check_failed", comment=check.result_note, at=at)
    return check


@transaction.atomic
def capa_close(*, actor, capa: Capa, comment: str = "", happened_at=None) -> Capa:
    """The quality manager closes the CAPA: no open actions, a passed effectiveness check."""
    capa = _locked(capa)
    require(permissions.is_quality_manager(actor), _("Only the quality manager closes a CAPA."))
    if capa.actions.filter(status=ActionStatus.OPEN).exists():
        raise DomainError(_("The CAPA still has open actions."))
    if not capa.checks.filter(result=CheckResult.PASSED).exists() or capa.status != C.VERIFIED:
        raise DomainError(_("The CAPA closes only after a passed effectiveness check."))
    capa.closed_at = happened(happened_at, after=_last_step(capa))
    capa.closed_by = actor
    return _move(capa, C.CLOSED, actor=actor, action="closed", comment=comment, at=capa.closed_at)


@transaction.atomic
def capa_void(*, actor, capa: Capa, reason: str, happened_at=None) -> Capa:
    """Void a CAPA opened by mistake (never deleted)."""
    capa = _locked(capa)
    require(permissions.is_quality_manager(actor), _("Only the quality manager may void a CAPA."))
    _require_not_finished(capa)
    capa.void_reason = require_text(reason, "reason", _("Give a reason."))
    at = happened(happened_at, after=_last_step(capa))
    return _move(capa, C.VOID, actor=actor, action="void", comment=reason, at=at)


@transaction.atomic
def capa_record_training(
    *, actor, capa: Capa, department, topic: str, due_date: datetime.date | None = None, note=""
) -> ChangeTraining:
    """Record that ``department`` is to be trained on the change; sends ``training_required``."""
    capa = _locked(capa)
    _require_not_finished(capa)
    _require_change(actor, capa)
    if department is None:
        raise ValidationError({"department": _("Choose the department to train.")})
    topic = require_text(topic, "topic", _("Name the topic of the training."))
    training = ChangeTraining(
        capa=capa, department=department, topic=topic, due_date=due_date, note=note, recorded_by=actor
    )
    save_with_history(training, actor=actor)
    _log(capa, actor=actor, action="training", comment=f"{department.name}: {topic}")
    transaction.on_commit(
        lambda: training_required.send(
            sender=Capa, source=capa, department=department, topic=topic, actor=actor, due_date=due_date
        )
    )
    return training
