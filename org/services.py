"""Every change to the organisation goes through these functions.

Each one runs in a transaction, validates the whole row (``full_clean``) and the rules that
span rows, records who made the change in the history, and raises ``ValidationError`` with a
translated message naming what is in the way.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .hooks import run_assignment_checks
from .models import Assignment, Department, Employee, Post, PostRelation, today
from .signals import post_closed


def save_with_history(instance, *, actor, reason=""):
    """Validate and save with the acting user and reason recorded in the history."""
    instance.full_clean()
    instance._history_user = actor
    if reason:
        instance._change_reason = reason[:100]
    instance.save()
    return instance


def _set_fields(instance, fields):
    for name, value in fields.items():
        setattr(instance, name, value)


def _fmt(day):
    return date_format(day, "Y-m-d") if day else "…"


def _span(start, end):
    return f"{_fmt(start)} – {_fmt(end)}"


# Departments -----------------------------------------------------------------------------


@transaction.atomic
def department_create(*, actor, **fields) -> Department:
    """Create a department. ``head_post`` can only be set once the department has posts."""
    department = Department(**fields)
    return save_with_history(department, actor=actor)


@transaction.atomic
def department_update(*, actor, department: Department, reason="", **fields) -> Department:
    _set_fields(department, fields)
    early = [str(p) for p in department.posts.filter(valid_from__lt=department.valid_from)]
    early += [str(d) for d in department.children.filter(valid_from__lt=department.valid_from)]
    if early:
        raise ValidationError(
            {
                "valid_from": _("These start before %(day)s: %(items)s.")
                % {"day": _fmt(department.valid_from), "items": "、".join(early)}
            }
        )
    return save_with_history(department, actor=actor, reason=reason)


@transaction.atomic
def department_close(*, actor, department: Department, valid_to: datetime.date, reason: str) -> Department:
    """Close a department on ``valid_to`` (its last day). Its past stays on record."""
    if not reason.strip():
        raise ValidationError({"close_reason": _("Give a reason for closing.")})
    blocking = [str(p) for p in department.posts.exclude(valid_to__lte=valid_to)]
    blocking += [str(d) for d in department.children.exclude(valid_to__lte=valid_to)]
    if blocking:
        raise ValidationError(
            _("Close or move these first; they are still valid after %(day)s: %(items)s.")
            % {"day": _fmt(valid_to), "items": "、".join(blocking)}
        )
    department.valid_to = valid_to
    department.close_reason = reason
    return save_with_history(department, actor=actor, reason=reason)


# Posts -----------------------------------------------------------------------------------


def _peak_holders(assignments, start, end):
    """The largest set of ``assignments`` held on one day within [start, end]."""
    peak = []
    for day in sorted({max(a.start, start) for a in assignments}):
        if end is not None and day > end:
            continue
        holding = [a for a in assignments if a.is_current_on(day)]
        if len(holding) > len(peak):
            peak = holding
    return peak


def _holders_text(assignments):
    return "、".join(f"{a.employee.name} ({_span(a.start, a.end)})" for a in assignments)


@transaction.atomic
def post_create(*, actor, rotation_posts=(), **fields) -> Post:
    post = save_with_history(Post(**fields), actor=actor)
    if rotation_posts:
        post.rotation_posts.set(rotation_posts)
    return post


@transaction.atomic
def post_update(*, actor, post: Post, rotation_posts=None, reason="", **fields) -> Post:
    """Change a post. Fewer seats than the people already holding it is refused."""
    _set_fields(post, fields)
    early = [a for a in post.assignments.select_related("employee") if a.start < post.valid_from]
    if early:
        raise ValidationError(
            {
                "valid_from": _("These assignments start before %(day)s: %(holders)s.")
                % {"day": _fmt(post.valid_from), "holders": _holders_text(early)}
            }
        )
    holders = list(post.assignments.seat_filling().overlapping(today(), None).select_related("employee"))
    peak = _peak_holders(holders, today(), None)
    if len(peak) > post.headcount:
        raise ValidationError(
            {
                "headcount": _("%(n)d people hold this post at the same time: %(holders)s.")
                % {"n": len(peak), "holders": _holders_text(peak)}
            }
        )
    if post.pk and not _changed(post) and rotation_posts is not None:
        # Only the rotation posts change: their own history row is enough.
        post.rotation_posts.set(rotation_posts)
        return post
    save_with_history(post, actor=actor, reason=reason)
    if rotation_posts is not None and set(rotation_posts) != set(post.rotation_posts.all()):
        post.rotation_posts.set(rotation_posts)
    return post


def _changed(instance) -> bool:
    """Whether any concrete field differs from the row in the database."""
    stored = type(instance)._default_manager.filter(pk=instance.pk).values().first()
    return stored is None or any(
        stored[f.attname] != getattr(instance, f.attname) for f in instance._meta.concrete_fields
    )


@transaction.atomic
def post_close(*, actor, post: Post, valid_to: datetime.date, reason: str) -> Post:
    """Close a post on ``valid_to``. Holders, subordinates and headed departments must go first."""
    if not reason.strip():
        raise ValidationError({"close_reason": _("Give a reason for closing.")})
    held = [a for a in post.assignments.select_related("employee") if a.end is None or a.end > valid_to]
    if held:
        raise ValidationError(_("End these assignments first: %(holders)s.") % {"holders": _holders_text(held)})
    subordinates = [str(p) for p in post.subordinates.exclude(valid_to__lte=valid_to)]
    if subordinates:
        raise ValidationError(_("These posts still report to it: %(posts)s.") % {"posts": "、".join(subordinates)})
    headed = [str(d) for d in post.headed_departments.exclude(valid_to__lte=valid_to)]
    if headed:
        raise ValidationError(
            _("It is the head post of %(departments)s; choose another head post first.")
            % {"departments": "、".join(headed)}
        )
    open_after = Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to)
    for relation in PostRelation.objects.filter(Q(source=post) | Q(target=post)).filter(open_after):
        post_relation_end(actor=actor, relation=relation, valid_to=max(valid_to, relation.valid_from))
    post.valid_to = valid_to
    post.close_reason = reason
    save_with_history(post, actor=actor, reason=reason)
    post_closed.send(sender=Post, post=post, actor=actor)
    return post


@transaction.atomic
def post_relation_add(*, actor, source: Post, target: Post, kind: str, note="", valid_from=None) -> PostRelation:
    relation = PostRelation(source=source, target=target, kind=kind, note=note, valid_from=valid_from or today())
    return save_with_history(relation, actor=actor)


@transaction.atomic
def post_relation_end(*, actor, relation: PostRelation, valid_to: datetime.date) -> PostRelation:
    if relation.valid_to is not None and valid_to >= relation.valid_to:
        raise ValidationError(_("This dotted line already ended on %(day)s.") % {"day": _fmt(relation.valid_to)})
    relation.valid_to = valid_to
    return save_with_history(relation, actor=actor)


# Employees and assignments ---------------------------------------------------------------


@transaction.atomic
def employee_create(*, actor, **fields) -> Employee:
    return save_with_history(Employee(**fields), actor=actor)


@transaction.atomic
def employee_update(*, actor, employee: Employee, **fields) -> Employee:
    _set_fields(employee, fields)
    return save_with_history(employee, actor=actor)


@transaction.atomic
def employee_leave(*, actor, employee: Employee, leaving_date: datetime.date, reason: str) -> Employee:
    """Record that an employee leaves: their assignments end that day and their login is disabled.

    What they still own elsewhere is listed on their page (``selectors.employee_open_items``)
    for reassignment.
    """
    if not reason.strip():
        raise ValidationError({"leaving_reason": _("Give a reason for leaving.")})
    later = [a for a in employee.assignments.select_related("post") if a.start > leaving_date]
    if later:
        raise ValidationError(
            _("Assignments starting after the leaving date must be ended first: %(posts)s.")
            % {"posts": "、".join(str(a.post) for a in later)}
        )
    employee.leaving_date = leaving_date
    employee.leaving_reason = reason
    save_with_history(employee, actor=actor, reason=reason)
    for assignment in employee.assignments.filter(start__lte=leaving_date).exclude(end__lte=leaving_date):
        assignment_end(actor=actor, assignment=assignment, end=leaving_date, reason=reason)
    if employee.user_id and employee.user.is_active:
        user = employee.user
        user.is_active = False
        user.save(update_fields=["is_active"])
    return employee


def _check_assignment(assignment: Assignment):
    """Rules that span rows: employment dates, post dates, seats, one primary post at a time."""
    a, employee, post = assignment, assignment.employee, assignment.post
    if a.start < employee.hire_date:
        raise ValidationError(
            {"start": _("%(name)s was hired on %(day)s.") % {"name": employee.name, "day": _fmt(employee.hire_date)}}
        )
    if employee.leaving_date and (a.end is None or a.end > employee.leaving_date):
        raise ValidationError(
            {"end": _("%(name)s leaves on %(day)s.") % {"name": employee.name, "day": _fmt(employee.leaving_date)}}
        )
    if not post.covers(a.start, a.end):
        raise ValidationError(
            _("The post %(post)s is valid %(span)s; the assignment must lie within it.")
            % {"post": post, "span": _span(post.valid_from, post.valid_to)}
        )
    others = Assignment.objects.overlapping(a.start, a.end).exclude(pk=a.pk).select_related("employee", "post")
    same_post = list(others.filter(employee=employee, post=post))
    if same_post:
        raise ValidationError(
            _("%(name)s already holds %(post)s in that period (%(span)s).")
            % {"name": employee.name, "post": post.title, "span": _span(same_post[0].start, same_post[0].end)}
        )
    if a.kind == "primary":
        primaries = list(others.filter(employee=employee, kind="primary"))
        if primaries:
            p = primaries[0]
            raise ValidationError(
                _(
                    "%(name)s already has the primary post %(post)s in that period (%(span)s); end it first or make this one concurrent."
                )
                % {"name": employee.name, "post": p.post, "span": _span(p.start, p.end)}
            )
    if a.fills_seat:
        peak = _peak_holders(list(others.filter(post=post).seat_filling()), a.start, a.end)
        if len(peak) >= post.headcount:
            raise ValidationError(
                _(
                    "%(post)s has %(seats)d seat(s), all taken in that period by %(holders)s. Add a seat, end an assignment, or assign as acting holder."
                )
                % {"post": post, "seats": post.headcount, "holders": _holders_text(peak)}
            )


@transaction.atomic
def assignment_create(
    *,
    actor,
    employee: Employee,
    post: Post,
    kind="primary",
    start=None,
    end=None,
    note="",
    end_reason="",
    qualification_exception_reason="",
) -> Assignment:
    """Put an employee on a post. Refused, with the names in the way, if the seats are full,
    or by a check of a higher app (``hooks.ASSIGNMENT_CHECKS``, e.g. the qualification gate of
    special posts, which HR may pass with ``qualification_exception_reason``, kept in the
    history).

    A past assignment can be recorded in one step with its ``end`` and ``end_reason``.
    """
    assignment = Assignment(
        employee=employee, post=post, kind=kind, start=start or today(), end=end, note=note, end_reason=end_reason
    )
    assignment.full_clean()
    _check_assignment(assignment)
    save_with_history(assignment, actor=actor, reason=qualification_exception_reason)
    run_assignment_checks(assignment, actor=actor, exception_reason=qualification_exception_reason)
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end: datetime.date, reason: str) -> Assignment:
    if not reason.strip():
        raise ValidationError({"end_reason": _("Give a reason for ending the assignment.")})
    if end < assignment.start:
        raise ValidationError({"end": _("The end date cannot lie before the start date.")})
    if assignment.end is not None and end > assignment.end:
        # Lengthening could overfill the seat or outlast employment: record a new assignment.
        raise ValidationError(
            {
                "end": _("This assignment already ends on %(day)s; it can only end earlier.")
                % {"day": _fmt(assignment.end)}
            }
        )
    assignment.end = end
    assignment.end_reason = reason
    return save_with_history(assignment, actor=actor, reason=reason)
