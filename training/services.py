"""Every change to training records and every move through the plan and event workflows.

Plan: draft → submitted → approved (general manager) → published (with its distribution);
a change after approval is a new revision that supersedes the old one once approved. Event:
planned → held (all results recorded) or cancelled. A passed attendance issues the
qualification at once, with its validity end date, so nobody types it in twice.

Each service checks the actor's role and the state on the server and raises
``DomainError`` (a ValidationError) with a translated message; nothing changes then.
"""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.happened import happened_at as happened_at_checked
from org.models import Assignment, Department, Employee, Post, today
from org.permissions import can_manage_organisation
from org.services import save_with_history

from . import permissions
from .choices import (
    ATTENDED,
    EVENT_TRANSITIONS,
    PLAN_IN_FORCE,
    PLAN_TRANSITIONS,
    AttendanceResult,
    EventStatus,
    NeedSource,
    NeedStatus,
    PlanStatus,
    RecordedVia,
)
from .models import (
    Attendance,
    Course,
    PlanDistribution,
    PlanItem,
    Qualification,
    QualificationException,
    TrainingEvent,
    TrainingNeed,
    TrainingPlan,
)
from .uploads import EXTENSIONS, validate_evidence


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _start_of(day) -> datetime.datetime:
    """The first moment of ``day`` in the company's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _happened(happened_at, *, earliest, step) -> datetime.datetime:
    """When an event step really happened (see ``core.happened``): never in the future, never
    before ``earliest``, the moment of the step it follows (named ``step``)."""
    return happened_at_checked(happened_at, after=(earliest, step), error=DomainError)


def _move(record, transitions, new_status):
    if new_status not in transitions[record.status]:
        labels = dict(type(record)._meta.get_field("status").choices)
        raise DomainError(
            _("Status “%(status)s” cannot move to “%(new)s”.")
            % {"status": record.get_status_display(), "new": labels[new_status]}
        )
    record.status = new_status


# Catalogue -------------------------------------------------------------------------------

COURSE_FIELDS = (
    "code",
    "name",
    "kind",
    "aliases",
    "is_induction",
    "validity_months",
    "default_hours",
    "method",
    "assessment_method",
    "description",
)


@transaction.atomic
def course_create(*, actor, **fields) -> Course:
    """Add a course or qualification to the catalogue (HR)."""
    _require(permissions.manages_training(actor))
    return save_with_history(Course(**fields), actor=actor)


@transaction.atomic
def course_update(*, actor, course: Course, **fields) -> Course:
    _require(permissions.manages_training(actor))
    for name, value in fields.items():
        setattr(course, name, value)
    return save_with_history(course, actor=actor)


@transaction.atomic
def course_retire(*, actor, course: Course, reason: str) -> Course:
    """Take a course out of use; its records and qualifications stay."""
    _require(permissions.manages_training(actor))
    if not reason.strip():
        raise DomainError({"reason": _("Give a reason for retiring the course.")})
    if not course.is_active:
        raise DomainError(_("This course is already retired."))
    course.is_active = False
    course.retire_reason = reason
    return save_with_history(course, actor=actor, reason=reason)


# Needs -----------------------------------------------------------------------------------


def _source_fields(source_object):
    if source_object is None:
        return {}
    return {
        "source_type": ContentType.objects.get_for_model(source_object),
        "source_id": source_object.pk,
        "source_label": str(source_object)[:200],
    }


@transaction.atomic
def need_create(
    *,
    actor,
    department: Department,
    topic: str,
    source=NeedSource.DEPARTMENT,
    course: Course | None = None,
    reason="",
    due_date=None,
    post: Post | None = None,
    employees=(),
    source_object=None,
    source_label="",
    check_permission=True,
) -> TrainingNeed:
    """Record a training need. A department head requests for their branch, HR for any
    department; the automatic sources (new hire, JD revision, CAPA …) pass
    ``check_permission=False`` because the need follows from a change already allowed."""
    if check_permission:
        _require(permissions.can_submit_need_for(actor, department))
    need = TrainingNeed(
        department=department,
        topic=topic[:200],
        source=source,
        course=course,
        reason=reason,
        due_date=due_date,
        post=post,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_source_fields(source_object),
    )
    if source_label:
        need.source_label = source_label[:200]
    save_with_history(need, actor=actor)
    if employees:
        need.employees.set(employees)
    return need


@transaction.atomic
def need_close(*, actor, need: TrainingNeed, reason: str) -> TrainingNeed:
    """Close a need without planning it (HR), e.g. met otherwise or no longer needed."""
    _require(permissions.manages_training(actor))
    if need.status == NeedStatus.CLOSED:
        raise DomainError(_("This need is already closed."))
    if not reason.strip():
        raise DomainError({"reason": _("Give a reason for closing the need.")})
    need.status = NeedStatus.CLOSED
    need.close_reason = reason
    return save_with_history(need, actor=actor, reason=reason)


# Annual plan -----------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, year: int, title="") -> TrainingPlan:
    """Start the first revision of a year's plan (HR)."""
    _require(permissions.manages_training(actor))
    if TrainingPlan.objects.filter(year=year).exists():
        raise DomainError({"year": _("There is already a plan for %(year)d; revise it instead.") % {"year": year}})
    plan = TrainingPlan(year=year, revision=1, title=title or _("Annual training plan %(year)d") % {"year": year})
    plan.prepared_by = actor
    return save_with_history(plan, actor=actor)


def _check_editable(plan):
    if not plan.is_editable:
        raise DomainError(_("Only a draft plan can be changed; revise the approved plan instead."))


ITEM_FIELDS = ("course", "content", "planned_month", "method", "trainer", "hours", "assessment_method", "budget")


@transaction.atomic
def plan_item_save(
    *, actor, plan: TrainingPlan, item: PlanItem | None = None, departments=(), posts=(), employees=(), **fields
) -> PlanItem:
    """Add or change a line of a draft plan (HR). Its audience is departments, posts and/or
    named employees; at least one of them."""
    _require(permissions.manages_training(actor))
    _check_editable(plan)
    if item is not None and item.plan_id != plan.pk:
        raise DomainError(_("This item belongs to another plan."))
    if not (departments or posts or employees):
        raise DomainError(_("Name the audience: departments, posts or employees."))
    item = item or PlanItem(plan=plan)
    for name, value in fields.items():
        setattr(item, name, value)
    if not item.line_key:
        item.line_key = (PlanItem.objects.filter(plan__year=plan.year).aggregate(m=Max("line_key"))["m"] or 0) + 1
    save_with_history(item, actor=actor)
    item.audience_departments.set(departments)
    item.audience_posts.set(posts)
    item.audience_employees.set(employees)
    return item


@transaction.atomic
def plan_item_remove(*, actor, item: PlanItem) -> None:
    """Remove a line from a draft plan; the needs it carried are open again."""
    _require(permissions.manages_training(actor))
    _check_editable(item.plan)
    if item.events.exists():
        raise DomainError(_("Training events refer to this line; it cannot be removed."))
    for need in item.needs.all():
        need.plan_item = None
        need.status = NeedStatus.OPEN
        save_with_history(need, actor=actor, reason=_("Removed from the plan"))
    item._history_user = actor
    item.delete()


@transaction.atomic
def plan_draft_from_needs(*, actor, plan: TrainingPlan, needs=None) -> int:
    """Turn open needs into plan lines: one line per course (or topic) with the needing
    departments, posts and employees as its audience. Returns the number of lines added."""
    _require(permissions.manages_training(actor))
    _check_editable(plan)
    needs = list(
        (needs if needs is not None else TrainingNeed.objects.filter(status=NeedStatus.OPEN))
        .filter(status=NeedStatus.OPEN)
        .select_related("course", "department", "post")
        .prefetch_related("employees")
        .order_by("due_date", "pk")
    )
    groups = {}
    for need in needs:
        key = ("course", need.course_id) if need.course_id else ("topic", need.topic.strip().casefold())
        groups.setdefault(key, []).append(need)
    added = 0
    for group in groups.values():
        first = group[0]
        course = first.course
        due = [n.due_date for n in group if n.due_date and n.due_date.year == plan.year]
        month = min(due).month if due else 1
        departments = {n.department for n in group if not n.employees.all() and not n.post_id}
        posts = {n.post for n in group if n.post_id and not n.employees.all()}
        employees = {e for n in group for e in n.employees.all()}
        item = plan_item_save(
            actor=actor,
            plan=plan,
            course=course,
            content=(course.name if course else first.topic)[:300],
            planned_month=month,
            method=course.method if course else "internal",
            hours=course.default_hours if course else 0,
            assessment_method=course.assessment_method if course else "written",
            trainer="",
            budget=0,
            departments=departments,
            posts=posts,
            employees=employees,
        )
        for need in group:
            need.plan_item = item
            need.status = NeedStatus.PLANNED
            save_with_history(need, actor=actor, reason=_("Taken into the plan %(plan)s") % {"plan": plan})
        added += 1
    return added


@transaction.atomic
def plan_submit(*, actor, plan: TrainingPlan) -> TrainingPlan:
    _require(permissions.manages_training(actor))
    if not plan.items.exists():
        raise DomainError(_("A plan without lines cannot be submitted."))
    _move(plan, PLAN_TRANSITIONS, PlanStatus.SUBMITTED)
    plan.submitted_at = timezone.now()
    return save_with_history(plan, actor=actor, reason=_("Submitted for approval"))


@transaction.atomic
def plan_return(*, actor, plan: TrainingPlan, comment: str) -> TrainingPlan:
    """The general manager sends the plan back to HR with a comment."""
    _require(permissions.approves_plans(actor))
    if not comment.strip():
        raise DomainError({"comment": _("Say what has to change.")})
    _move(plan, PLAN_TRANSITIONS, PlanStatus.DRAFT)
    plan.review_comment = comment
    return save_with_history(plan, actor=actor, reason=_("Returned for changes"))


@transaction.atomic
def plan_approve(*, actor, plan: TrainingPlan, comment="") -> TrainingPlan:
    """The general manager approves; an earlier revision in force is superseded."""
    _require(permissions.approves_plans(actor))
    _move(plan, PLAN_TRANSITIONS, PlanStatus.APPROVED)
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.review_comment = comment
    for old in (
        TrainingPlan.objects.select_for_update().filter(year=plan.year, status__in=PLAN_IN_FORCE).exclude(pk=plan.pk)
    ):
        _move(old, PLAN_TRANSITIONS, PlanStatus.SUPERSEDED)
        save_with_history(old, actor=actor, reason=_("Superseded by revision %(rev)d") % {"rev": plan.revision})
    return save_with_history(plan, actor=actor, reason=_("Approved"))


@transaction.atomic
def plan_publish(*, actor, plan: TrainingPlan, departments, received_by=None) -> TrainingPlan:
    """Publish the approved plan and record which departments received it (HR)."""
    _require(permissions.manages_training(actor))
    departments = list(departments)
    if not departments:
        raise DomainError({"departments": _("Record at least one department that receives the plan.")})
    _move(plan, PLAN_TRANSITIONS, PlanStatus.PUBLISHED)
    plan.published_at = timezone.now()
    save_with_history(plan, actor=actor, reason=_("Published"))
    received_by = received_by or {}
    for department in departments:
        save_with_history(
            PlanDistribution(
                plan=plan,
                department=department,
                received_by=received_by.get(department.pk, ""),
                distributed_at=plan.published_at,
                distributed_by=actor,
            ),
            actor=actor,
        )
    return plan


@transaction.atomic
def plan_revise(*, actor, plan: TrainingPlan, change_description: str) -> TrainingPlan:
    """A change after approval: a new draft revision copying every line (HR)."""
    _require(permissions.manages_training(actor))
    if plan.status not in PLAN_IN_FORCE:
        raise DomainError(_("Only an approved or published plan is revised."))
    if not change_description.strip():
        raise DomainError({"change_description": _("Describe the change.")})
    if TrainingPlan.objects.filter(year=plan.year, status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]).exists():
        raise DomainError(_("This year's plan already has a revision in preparation."))
    latest = TrainingPlan.objects.filter(year=plan.year).aggregate(m=Max("revision"))["m"]
    new = TrainingPlan(
        year=plan.year,
        revision=latest + 1,
        title=plan.title,
        change_description=change_description,
        prepared_by=actor,
    )
    save_with_history(new, actor=actor, reason=change_description)
    for item in plan.items.prefetch_related("audience_departments", "audience_posts", "audience_employees"):
        copy = PlanItem(plan=new, **{name: getattr(item, name) for name in ITEM_FIELDS}, line_key=item.line_key)
        save_with_history(copy, actor=actor)
        copy.audience_departments.set(item.audience_departments.all())
        copy.audience_posts.set(item.audience_posts.all())
        copy.audience_employees.set(item.audience_employees.all())
    return new


# Training events -------------------------------------------------------------------------

EVENT_FIELDS = (
    "course",
    "plan_item",
    "title",
    "date",
    "trainer",
    "location",
    "method",
    "hours",
    "assessment_method",
    "cost",
    "pass_score",
    "note",
)


def _check_plan_item(event):
    if event.plan_item_id and event.plan_item.plan.status not in PLAN_IN_FORCE:
        raise DomainError({"plan_item": _("Link the event to a line of the plan in force.")})


@transaction.atomic
def event_create(*, actor, attendees=(), **fields) -> TrainingEvent:
    """Schedule a training event and invite its attendees (HR)."""
    _require(permissions.manages_training(actor))
    event = TrainingEvent(created_by=actor, **fields)
    _check_plan_item(event)
    save_with_history(event, actor=actor)
    if attendees:
        event_invite(actor=actor, event=event, employees=attendees)
    return event


@transaction.atomic
def event_update(*, actor, event: TrainingEvent, **fields) -> TrainingEvent:
    _require(permissions.manages_training(actor))
    if event.status != EventStatus.PLANNED:
        raise DomainError(_("Only a planned event can be changed."))
    for name, value in fields.items():
        setattr(event, name, value)
    _check_plan_item(event)
    return save_with_history(event, actor=actor)


@transaction.atomic
def event_invite(*, actor, event: TrainingEvent, employees) -> int:
    """Invite employees (HR); those already invited are skipped. Returns how many were added."""
    _require(permissions.manages_training(actor))
    if event.status != EventStatus.PLANNED:
        raise DomainError(_("Only a planned event takes new attendees."))
    invited = set(event.attendances.values_list("employee_id", flat=True))
    added = 0
    for employee in employees:
        if employee.pk in invited:
            continue
        if not employee.is_employed_on(event.date):
            raise DomainError(
                _("%(name)s is not employed on %(day)s.") % {"name": employee.name, "day": event.date.isoformat()}
            )
        save_with_history(Attendance(event=event, employee=employee), actor=actor)
        invited.add(employee.pk)
        added += 1
    return added


@transaction.atomic
def event_cancel(*, actor, event: TrainingEvent, reason: str, happened_at=None) -> TrainingEvent:
    """Cancel a planned event (HR); ``happened_at``: when it was called off, not before it was scheduled."""
    _require(permissions.manages_training(actor))
    if not reason.strip():
        raise DomainError({"reason": _("Give a reason for cancelling.")})
    happened_at = _happened(happened_at, earliest=event.created_at, step=_("the event was scheduled"))
    _move(event, EVENT_TRANSITIONS, EventStatus.CANCELLED)
    event.cancel_reason = reason
    event.cancelled_at, event.cancelled_recorded_at, event.cancelled_recorded_by = happened_at, timezone.now(), actor
    return save_with_history(event, actor=actor, reason=reason)


@transaction.atomic
def event_attach_evidence(*, actor, event: TrainingEvent, uploaded) -> TrainingEvent:
    """Attach the evidence (signed sheet, test papers, certificate): PDF / PNG / JPEG by content."""
    _require(permissions.manages_training(actor))
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("A cancelled event takes no evidence."))
    content_type = validate_evidence(uploaded)
    uploaded.seek(0)
    event.evidence.save(f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}", ContentFile(uploaded.read()), save=False)
    event.evidence_name = (uploaded.name or "evidence")[:200]
    return save_with_history(event, actor=actor, reason=_("Evidence attached"))


def _issue_qualification(attendance, *, actor):
    course, event = attendance.event.course, attendance.event
    qualification = Qualification(
        employee=attendance.employee,
        course=course,
        attendance=attendance,
        issued_on=event.date,
        valid_until=course.valid_until(event.date),
    )
    return save_with_history(qualification, actor=actor, reason=_("Passed %(event)s") % {"event": event})


@transaction.atomic
def attendance_record_result(*, actor, attendance: Attendance, result: str, score=None, happened_at=None) -> Attendance:
    """Record attendance and assessment (HR, from the signed sheet and the test papers). A
    pass issues the qualification with its validity end date; changing a pass into anything
    else voids it. ``happened_at``: when the assessment took place, from the day of the event."""
    _require(permissions.manages_training(actor))
    event = attendance.event
    if event.status != EventStatus.PLANNED:
        raise DomainError(_("The results of a held or cancelled event are final."))
    if event.date > today():
        raise DomainError(_("Results can be recorded from the day of the event."))
    happened_at = _happened(happened_at, earliest=_start_of(event.date), step=_("the day of the event"))
    if result in ATTENDED and event.pass_score is not None:
        if score is None:
            raise DomainError(_("Enter the score of %(name)s.") % {"name": attendance.employee.name})
        if (score >= event.pass_score) != (result == AttendanceResult.PASSED):
            raise DomainError(
                _("%(name)s: a score of %(score)s against a pass mark of %(mark)s does not match “%(result)s”.")
                % {
                    "name": attendance.employee.name,
                    "score": score,
                    "mark": event.pass_score,
                    "result": AttendanceResult(result).label,
                }
            )
    if result not in ATTENDED:
        score = None
    was_passed = attendance.result == AttendanceResult.PASSED
    attendance.result = result
    attendance.score = score
    attendance.result_at, attendance.result_recorded_at, attendance.result_recorded_by = (
        happened_at,
        timezone.now(),
        actor,
    )
    if result in ATTENDED and not attendance.recorded_via:
        attendance.recorded_via = RecordedVia.SELF if attendance.confirmed_at else RecordedVia.SIGN_SHEET
    save_with_history(attendance, actor=actor)
    existing = Qualification.objects.filter(attendance=attendance).first()
    if result == AttendanceResult.PASSED and existing is None:
        _issue_qualification(attendance, actor=actor)
    elif result == AttendanceResult.PASSED and existing.voided:
        existing.voided = False
        existing.void_reason = ""
        save_with_history(existing, actor=actor, reason=_("Result corrected to passed"))
    elif was_passed and existing is not None and not existing.voided:
        existing.voided = True
        existing.void_reason = _("Result corrected to “%(result)s”") % {"result": AttendanceResult(result).label}
        save_with_history(existing, actor=actor, reason=existing.void_reason)
    return attendance


@transaction.atomic
def event_complete(*, actor, event: TrainingEvent, happened_at=None) -> TrainingEvent:
    """Close the event as held once every attendee has a result (HR). ``happened_at``: when it
    was held, not before its day nor before the last result."""
    _require(permissions.manages_training(actor))
    if event.date > today():
        raise DomainError(_("An event is held on its date, not before."))
    attendances = list(event.attendances.select_related("employee"))
    pending = [a.employee.name for a in attendances if a.result == AttendanceResult.PENDING]
    if pending:
        raise DomainError(_("Record the results of: %(names)s.") % {"names": "、".join(pending)})
    if not attendances:
        raise DomainError(_("An event without attendees cannot be held."))
    results = [a.result_at for a in attendances if a.result_at]
    if results and max(results) > _start_of(event.date):
        earliest, step = max(results), _("the last result")
    else:
        earliest, step = _start_of(event.date), _("the day of the event")
    happened_at = _happened(happened_at, earliest=earliest, step=step)
    _move(event, EVENT_TRANSITIONS, EventStatus.HELD)
    event.held_at, event.held_recorded_at, event.held_recorded_by = happened_at, timezone.now(), actor
    return save_with_history(event, actor=actor, reason=_("Held"))


@transaction.atomic
def attendance_confirm(*, actor, attendance: Attendance) -> Attendance:
    """The invited employee confirms the invitation, themselves."""
    _require(getattr(actor, "employee", None) is not None and actor.employee.pk == attendance.employee_id)
    if attendance.event.status != EventStatus.PLANNED:
        raise DomainError(_("This event is no longer open for confirmation."))
    if attendance.confirmed_at:
        raise DomainError(_("You have already confirmed."))
    attendance.confirmed_at = timezone.now()
    return save_with_history(attendance, actor=actor, reason=_("Invitation confirmed"))


@transaction.atomic
def attendance_feedback(*, actor, attendance: Attendance, rating: int, text="") -> Attendance:
    """Feedback on an event, only by someone who attended it, once."""
    _require(getattr(actor, "employee", None) is not None and actor.employee.pk == attendance.employee_id)
    if attendance.result not in ATTENDED:
        raise DomainError(_("Only people who attended can give feedback."))
    if attendance.feedback_at:
        raise DomainError(_("You have already given feedback on this event."))
    attendance.feedback_rating = rating
    attendance.feedback = text
    attendance.feedback_at = timezone.now()
    return save_with_history(attendance, actor=actor, reason=_("Feedback"))


@transaction.atomic
def qualification_void(*, actor, qualification: Qualification, reason: str) -> Qualification:
    """Withdraw a qualification (HR), e.g. a licence revoked by the authority."""
    _require(permissions.manages_training(actor))
    if not reason.strip():
        raise DomainError({"reason": _("Give a reason for voiding.")})
    if qualification.voided:
        raise DomainError(_("This qualification is already void."))
    qualification.voided = True
    qualification.void_reason = reason
    return save_with_history(qualification, actor=actor, reason=reason)


# Hooks from the lower apps ---------------------------------------------------------------


def missing_for_post(employee: Employee, post: Post, day=None, *, before_taking_up_only=True):
    """Courses ``post`` requires before taking it up that ``employee`` holds no valid
    qualification for, today (or on ``day``)."""
    from .selectors import MISSING, best_qualifications, cell_status, post_requirements

    day = day or today()
    reqs = post_requirements([post.pk]).by_post.get(post.pk, {})
    best = best_qualifications([employee.pk], day)
    return [
        r.course
        for r in reqs.values()
        if (r.before_taking_up or not before_taking_up_only)
        and cell_status(best.get((employee.pk, r.course.pk), MISSING), day, 0) not in ("valid", "expiring")
    ]


def check_assignment(assignment: Assignment, *, actor, exception_reason=""):
    """The qualification gate (registered in ``org.hooks.ASSIGNMENT_CHECKS``): nobody takes
    up a special post without its valid qualifications unless HR records an exception with a
    reason. Then the requirements the employee lacks become training needs."""
    post, employee = assignment.post, assignment.employee
    day = max(assignment.start, today())
    if post.is_special:
        missing = missing_for_post(employee, post, day)
        if missing:
            names = "、".join(c.name for c in missing)
            if not exception_reason.strip():
                raise DomainError(
                    _(
                        "%(name)s holds no valid %(courses)s, which the special post %(post)s requires. "
                        "HR can record an exception with a reason."
                    )
                    % {"name": employee.name, "courses": names, "post": post.title}
                )
            if not can_manage_organisation(actor) and not permissions.manages_training(actor):
                raise DomainError(_("Only HR may let someone take up a special post without its qualification."))
            save_with_history(
                QualificationException(assignment=assignment, missing=names, reason=exception_reason, granted_by=actor),
                actor=actor,
                reason=exception_reason,
            )
    _needs_for_new_post(assignment, actor=actor)


def _needs_for_new_post(assignment, *, actor):
    """A new hire or a transfer needs the training of the new post that they lack."""
    from .selectors import MISSING, best_qualifications

    employee, post = assignment.employee, assignment.post
    missing = missing_for_post(employee, post, max(assignment.start, today()), before_taking_up_only=False)
    earlier = Assignment.objects.filter(employee=employee).exclude(pk=assignment.pk).exists()
    if not earlier:
        # A new hire also needs the induction before being released for duty.
        best = best_qualifications([employee.pk])
        missing += [
            c
            for c in Course.objects.filter(is_active=True, is_induction=True)
            if best.get((employee.pk, c.pk), MISSING) is MISSING and c not in missing
        ]
    if not missing:
        return
    source = NeedSource.SPECIAL_POST if post.is_special else (NeedSource.TRANSFER if earlier else NeedSource.NEW_HIRE)
    for course in missing:
        need_create(
            actor=actor,
            department=post.department,
            topic=course.name,
            course=course,
            source=source,
            post=post,
            employees=[employee],
            due_date=assignment.start,
            reason=_("%(name)s takes up %(post)s.") % {"name": employee.name, "post": post.title},
            source_object=assignment,
            check_permission=False,
        )


def needs_for_jd_revision(jd, *, actor=None):
    """A revised job description took effect: its holders are retrained on it (or at least
    acknowledge it). The first version of a post creates no need."""
    if jd.version <= 1:
        return None
    holders = list(
        Employee.objects.filter(assignments__in=Assignment.objects.current().filter(post=jd.post)).distinct()
    )
    if not holders:
        return None
    return need_create(
        actor=actor,
        department=jd.post.department,
        topic=_("Revised job description of %(post)s (%(version)s)")
        % {"post": jd.post.title, "version": jd.version_label},
        source=NeedSource.JD_REVISION,
        post=jd.post,
        employees=holders,
        reason=jd.change_description,
        source_object=jd,
        check_permission=False,
    )


def need_from_quality_issue(*, source, department, topic, actor=None, due_date=None):
    """A CAPA or complaint asks for training of the responsible department."""
    kind = NeedSource.CAPA if type(source).__name__.lower() == "capa" else NeedSource.COMPLAINT
    return need_create(
        actor=actor,
        department=department,
        topic=topic,
        source=kind,
        due_date=due_date,
        source_object=source,
        check_permission=False,
    )


# Expiry reminders ------------------------------------------------------------------------


def _address(employee):
    return employee.email or (employee.user.email if employee.user_id and employee.user.is_active else "")


def heads_of(employee_ids, day=None) -> dict:
    """employee id → the employees heading the departments of their current posts (two queries)."""
    day = day or today()
    posts = list(
        Assignment.objects.current(day)
        .filter(employee_id__in=employee_ids)
        .values_list("employee_id", "post__department__head_post_id")
    )
    head_posts = {hp for _e, hp in posts if hp}
    holders = {}
    for a in Assignment.objects.current(day).filter(post_id__in=head_posts).select_related("employee__user"):
        holders.setdefault(a.post_id, []).append(a.employee)
    result = {}
    for employee_id, head_post in posts:
        for head in holders.get(head_post, []):
            if head.pk != employee_id:
                result.setdefault(employee_id, {})[head.pk] = head
    return {k: list(v.values()) for k, v in result.items()}


def send_expiry_reminders(*, days: int, day=None, link="") -> tuple[int, int]:
    """E-mail each expiring qualification (within ``days``) to the employee and their head,
    once per qualification and threshold. Returns (qualifications reminded, mails sent).

    Mails are written in the site's language: the recipients chose none.
    """
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.utils import translation

    from .models import ExpiryReminder
    from .selectors import expiring_qualifications

    day = day or today()
    candidates = expiring_qualifications(days=days, day=day)
    reminded = set(
        ExpiryReminder.objects.filter(qualification__in=candidates, threshold_days=days).values_list(
            "qualification_id", flat=True
        )
    )
    due = [q for q in candidates if q.pk not in reminded]
    if not due:
        return 0, 0
    heads = heads_of({q.employee_id for q in due}, day)
    users = {e.pk: e for e in Employee.objects.filter(pk__in={q.employee_id for q in due}).select_related("user")}
    mails = []
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for q in due:
            employee = users[q.employee_id]
            recipients = [a for a in [_address(employee)] + [_address(h) for h in heads.get(employee.pk, [])] if a]
            subject = _("Qualification expiring: %(course)s, %(name)s") % {
                "course": q.course.name,
                "name": employee.name,
            }
            body = _(
                "The qualification “%(course)s” of %(name)s (%(number)s) is valid until %(day)s.\n"
                "Please plan the renewal training in time.\n\n%(link)s\n"
            ) % {
                "course": q.course.name,
                "name": employee.name,
                "number": employee.number,
                "day": q.valid_until.isoformat(),
                "link": link,
            }
            if recipients:
                mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, sorted(set(recipients))))
            ExpiryReminder.objects.create(qualification=q, threshold_days=days, recipients=", ".join(recipients))
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False) if mails else None)
    return len(due), len(mails)
