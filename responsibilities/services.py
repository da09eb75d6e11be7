"""Every change to job descriptions and charters, and every move through their workflow.

draft → in review → approved → effective (on its effective date) → superseded; a rejected
review goes back to draft with the reviewer's comment; the versions of a closed post become
obsolete. Each move checks the state (``choices.TRANSITIONS``) and the actor's right on the
server and raises ``DomainError`` (a ValidationError) with a translated message.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.happened import happened_at as happened_at_checked
from org.models import Assignment, Post, today
from org.services import save_with_history

from . import permissions
from .choices import TRANSITIONS, AcknowledgementMethod, DocumentStatus
from .models import (
    Acknowledgement,
    CharterKpi,
    CharterResponsibility,
    DepartmentCharter,
    Duty,
    JobDescription,
    Kpi,
    RequiredTraining,
    Task,
    validate_key_responsibilities,
    validate_kpi_weights,
)
from .signals import jd_effective

JD_TEXT_FIELDS = (
    "summary",
    "performance_standards",
    "supervised_by",
    "supervises",
    "internal_relations",
    "external_relations",
    "authorities",
    "working_hours",
    "working_environment",
    "education",
    "experience",
    "knowledge",
    "skills",
    "change_description",
)
DUTY_FIELDS = ("title", "description", "time_share")
TASK_FIELDS = ("who", "what", "how", "when", "result")
KPI_FIELDS = ("name", "formula", "target", "frequency", "weight", "data_source")
TRAINING_FIELDS = ("name", "before_taking_up", "validity_months")


class EditConflict(ValidationError):
    """Someone else saved the draft since this form was loaded."""


def _conflict_message(current):
    latest = current.history.select_related("history_user").first()
    editor = latest.history_user if latest else None
    who = (editor.get_full_name() or editor.get_username()) if editor else _("Someone")
    return _(
        "%(who)s saved this draft while you were editing it. Your input is kept below: "
        "reload the page in another tab to see their version, then save again."
    ) % {"who": who}


def _move(document, to_status):
    if to_status not in TRANSITIONS[document.status]:
        raise DomainError(
            _("A %(state)s version cannot become %(target)s.")
            % {"state": document.get_status_display(), "target": DocumentStatus(to_status).label}
        )
    document.status = to_status


# Identification ---------------------------------------------------------------------------


def live_identification(post: Post, day=None) -> dict:
    """The identification block as the org chart has it today."""
    day = day or today()
    return {
        "post": post.title,
        "post_code": post.code,
        "department": post.department.name,
        "superior": post.superior.title if post.superior_id else "",
        "subordinates": [p.title for p in post.subordinates.valid_on(day).order_by("sort_order", "code")],
        "rotation_posts": [p.title for p in post.rotation_posts.valid_on(day).order_by("sort_order", "code")],
        # Frozen into a controlled document: in the company's language, not the approver's.
        "grade": _in_company_language(post.get_grade_display),
        "headcount": post.headcount,
    }


def _in_company_language(func):
    with translation.override(settings.LANGUAGE_CODE):
        return str(func())


# Job descriptions -------------------------------------------------------------------------


@transaction.atomic
def jd_new_draft(*, actor, post: Post) -> JobDescription:
    """Start the next version of a post's job description as a draft.

    The first version starts empty; later ones copy the latest version, duties, tasks, KPIs
    and training included. The effective version stays in force until the new one takes effect.
    """
    if not permissions.can_edit_jd(actor, post):
        raise PermissionDenied
    if not post.is_current:
        raise DomainError(_("The post is closed."))
    versions = JobDescription.objects.select_for_update().filter(post=post).order_by("-version")
    latest = versions.first()
    if latest and latest.status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED):
        raise DomainError(_("Version %(v)s is still in preparation.") % {"v": latest.version_label})
    draft = JobDescription(
        post=post,
        version=(latest.version + 1) if latest else 1,
        document_number=latest.document_number if latest else f"JD-{post.code}",
        status=DocumentStatus.DRAFT,
        prepared_by=actor,
        prepared_at=timezone.now(),
    )
    if latest:
        for name in JD_TEXT_FIELDS:
            setattr(draft, name, getattr(latest, name))
        draft.change_description = ""
    save_with_history(draft, actor=actor)
    if latest:
        _replace_children(draft, actor=actor, **_children_of(latest))
    return draft


def _children_of(jd) -> dict:
    return {
        "duties": [
            {name: getattr(d, name) for name in DUTY_FIELDS}
            | {"tasks": [{name: getattr(t, name) for name in TASK_FIELDS} for t in d.tasks.all()]}
            for d in jd.duties.prefetch_related("tasks")
        ],
        "kpis": [{name: getattr(k, name) for name in KPI_FIELDS} for k in jd.kpis.all()],
        "training": [{name: getattr(t, name) for name in TRAINING_FIELDS} for t in jd.required_training.all()],
    }


def _create(model, *, actor, **fields):
    row = model(**fields)
    return save_with_history(row, actor=actor)


def _delete(row, *, actor):
    row._history_user = actor
    row.delete()


def _fields(model, data, names):
    """``data`` restricted to ``names``; a missing or empty value takes the field's default
    ("" for text), so validation reports what is really missing instead of a database error."""
    result = {}
    for name in names:
        value = data.get(name)
        if value is None:
            field = model._meta.get_field(name)
            value = field.get_default() if (field.has_default() or field.null) else ""
        result[name] = value
    return result


def _replace_children(jd, *, actor, duties=None, kpis=None, training=None):
    """Replace the duties (with tasks), KPIs and training of a draft with the given lists."""
    if kpis is not None:
        validate_kpi_weights([int(k["weight"] or 0) for k in kpis])
        for row in jd.kpis.all():
            _delete(row, actor=actor)
        for order, data in enumerate(kpis, start=1):
            _create(Kpi, actor=actor, job_description=jd, order=order, **_fields(Kpi, data, KPI_FIELDS))
    if duties is not None:
        share = sum(int(d.get("time_share") or 0) for d in duties)
        if share > 100:
            raise ValidationError(
                _("The duties take %(n)d %% of the working time; at most 100 %% is possible.") % {"n": share}
            )
        for duty in jd.duties.all():
            for task in duty.tasks.all():
                _delete(task, actor=actor)
            _delete(duty, actor=actor)
        for order, data in enumerate(duties, start=1):
            duty = _create(Duty, actor=actor, job_description=jd, order=order, **_fields(Duty, data, DUTY_FIELDS))
            for task_order, task in enumerate(data.get("tasks") or [], start=1):
                _create(Task, actor=actor, duty=duty, order=task_order, **_fields(Task, task, TASK_FIELDS))
    if training is not None:
        for row in jd.required_training.all():
            _delete(row, actor=actor)
        for order, data in enumerate(training, start=1):
            _create(
                RequiredTraining,
                actor=actor,
                job_description=jd,
                order=order,
                **_fields(RequiredTraining, data, TRAINING_FIELDS),
            )


@transaction.atomic
def jd_update(*, actor, jd: JobDescription, revision: int, fields=None, duties=None, kpis=None, training=None):
    """Save a draft. ``revision`` is the draft's ``edit_revision`` when the form was loaded:
    if someone saved in between, ``EditConflict`` is raised and nothing is written."""
    if not permissions.can_edit_jd(actor, jd.post):
        raise PermissionDenied
    current = JobDescription.objects.select_for_update().get(pk=jd.pk)
    if current.status != DocumentStatus.DRAFT:
        raise DomainError(
            _("Only a draft can be edited; this version is %(state)s.") % {"state": current.get_status_display()}
        )
    if current.edit_revision != revision:
        raise EditConflict(_conflict_message(current))
    for name, value in (fields or {}).items():
        if name not in JD_TEXT_FIELDS:
            raise ValueError(name)
        setattr(current, name, value)
    current.edit_revision += 1
    save_with_history(current, actor=actor)
    _replace_children(current, actor=actor, duties=duties, kpis=kpis, training=training)
    jd.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return current


@transaction.atomic
def jd_submit(*, actor, jd: JobDescription) -> JobDescription:
    """Send a draft for approval."""
    if not permissions.can_edit_jd(actor, jd.post):
        raise PermissionDenied
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    if not jd.duties.exists():
        raise DomainError(_("Add at least one duty before submitting."))
    validate_kpi_weights([k.weight for k in jd.kpis.all()])
    _move(jd, DocumentStatus.IN_REVIEW)
    jd.review_comment = ""
    return save_with_history(jd, actor=actor, reason=_("Submitted for approval"))


@transaction.atomic
def jd_reject(*, actor, jd: JobDescription, comment: str) -> JobDescription:
    """Send a version in review back to draft with the reviewer's comment."""
    jd = JobDescription.objects.select_for_update().get(pk=jd.pk)
    if not (permissions.can_approve_jd(actor, jd) or permissions.manages_all_documents(actor)):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": _("Say what has to change.")})
    _move(jd, DocumentStatus.DRAFT)
    jd.review_comment = comment
    jd.reviewed_by, jd.reviewed_at = actor, timezone.now()
    jd.edit_revision += 1
    return save_with_history(jd, actor=actor, reason=_("Returned to draft"))


@transaction.atomic
def jd_approve(*, actor, jd: JobDescription, effective_date: datetime.date | None = None) -> JobDescription:
    """Approve a version in review. It takes effect on ``effective_date`` (today if empty);
    the identification block is frozen and the issued PDF is rendered once, after commit."""
    jd = (
        JobDescription.objects.select_for_update(of=("self",))
        .select_related("post__department", "post__superior")
        .get(pk=jd.pk)
    )
    if jd.status != DocumentStatus.IN_REVIEW:
        raise DomainError(_("Only a version in review can be approved."))
    if not permissions.can_approve_jd(actor, jd):
        raise PermissionDenied
    effective_date = effective_date or today()
    if effective_date < today():
        raise ValidationError({"effective_date": _("The effective date cannot lie in the past.")})
    _move(jd, DocumentStatus.APPROVED)
    now = timezone.now()
    jd.approved_by, jd.approved_at = actor, now
    if jd.reviewed_by_id is None:
        jd.reviewed_by, jd.reviewed_at = actor, now
    jd.effective_date = effective_date
    jd.identification = live_identification(jd.post)
    save_with_history(jd, actor=actor, reason=_("Approved"))
    if effective_date <= today():
        _make_effective(jd, actor=actor)
    # robust: a rendering failure must not turn the committed approval into an error; the
    # issued copy is then rendered and stored on its first download.
    transaction.on_commit(lambda: _store_pdf(jd.pk), robust=True)
    return jd


def _store_pdf(jd_pk):
    """Store the issued PDF after the approval committed. A version superseded within the
    same transaction (a batch import, the demo data) is no longer issued: it keeps no copy
    and prints on demand with its SUPERSEDED watermark."""
    from .exports import store_issued_pdf

    jd = JobDescription.objects.get(pk=jd_pk)
    if jd.status in (DocumentStatus.APPROVED, DocumentStatus.EFFECTIVE):
        store_issued_pdf(jd)


def _make_effective(jd, *, actor):
    previous = (
        JobDescription.objects.select_for_update()
        .filter(post=jd.post, status=DocumentStatus.EFFECTIVE)
        .exclude(pk=jd.pk)
    )
    for old in previous:
        _move(old, DocumentStatus.SUPERSEDED)
        save_with_history(old, actor=actor, reason=_("Superseded by %(v)s") % {"v": jd.version_label})
    _move(jd, DocumentStatus.EFFECTIVE)
    save_with_history(jd, actor=actor, reason=_("Took effect"))
    transaction.on_commit(lambda: jd_effective.send(sender=JobDescription, jd=jd, actor=actor), robust=True)


@transaction.atomic
def jd_activate_due(*, actor=None, day=None) -> int:
    """Make every approved version whose effective date has come effective. Returns how many."""
    day = day or today()
    due = JobDescription.objects.select_for_update().filter(status=DocumentStatus.APPROVED, effective_date__lte=day)
    count = 0
    for jd in due:
        _make_effective(jd, actor=actor)
        count += 1
    return count


@transaction.atomic
def jd_obsolete_for_post(*, actor, post: Post) -> int:
    """The job descriptions of a closed post: the published and approved ones become obsolete."""
    count = 0
    for jd in JobDescription.objects.select_for_update().filter(
        post=post, status__in=[DocumentStatus.EFFECTIVE, DocumentStatus.APPROVED]
    ):
        _move(jd, DocumentStatus.OBSOLETE)
        save_with_history(jd, actor=actor, reason=_("The post was closed"))
        count += 1
    return count


def _signed_at(jd: JobDescription, happened_at) -> datetime.datetime:
    """When a paper sheet was signed (see ``core.happened``): now unless given, never in the
    future, never before the version was approved and took effect."""
    moments = [jd.approved_at] if jd.approved_at else []
    if jd.effective_date:
        moments.append(timezone.make_aware(datetime.datetime.combine(jd.effective_date, datetime.time.min)))
    return happened_at_checked(
        happened_at,
        after=(max(moments, default=None), f"{jd.document_number} {jd.version_label}"),
        field="signed_at",
        error=DomainError,
        future_message=_("When it was signed cannot lie in the future."),
        before_message=_("%(step)s took effect on %(when)s: it cannot have been signed before."),
    )


@transaction.atomic
def jd_acknowledge(
    *,
    actor,
    jd: JobDescription,
    employee,
    method=AcknowledgementMethod.ONLINE,
    at=None,
    happened_at=None,
) -> Acknowledgement:
    """Record that ``employee`` read this version: online by themselves (now), or by HR from a
    signed paper sheet, with ``happened_at`` the moment it was signed (now unless given; not in
    the future nor before the version took effect). ``at`` sets the moment of an online
    acknowledgement without checks, for commands that replay past events."""
    if jd.status != DocumentStatus.EFFECTIVE:
        raise DomainError(_("Only the effective version can be acknowledged."))
    holds_post = Assignment.objects.current().filter(employee=employee, post_id=jd.post_id).exists()
    if method == AcknowledgementMethod.ONLINE:
        # Only the holder of the post acknowledges online, for themselves.
        if getattr(actor, "employee", None) != employee or not holds_post:
            raise PermissionDenied
    elif not permissions.manages_all_documents(actor):
        raise PermissionDenied
    elif not holds_post:
        raise DomainError(
            _("%(name)s does not hold the post %(post)s.") % {"name": employee.name, "post": jd.post.title}
        )
    if Acknowledgement.objects.filter(job_description=jd, employee=employee).exists():
        raise ValidationError(_("%(name)s has already acknowledged this version.") % {"name": employee.name})
    if method == AcknowledgementMethod.PAPER:
        acknowledged_at = _signed_at(jd, happened_at or at)
    else:
        acknowledged_at = happened_at or at or timezone.now()
    return _create(
        Acknowledgement,
        actor=actor,
        job_description=jd,
        employee=employee,
        method=method,
        acknowledged_at=acknowledged_at,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


# Acknowledgement reminders --------------------------------------------------------------------------------


def recipient_address(employee) -> str:
    """The employee's own e-mail, else the one of their login."""
    if employee.email:
        return employee.email
    user = employee.user if employee.user_id else None
    return (user.email if user and user.is_active else "") or ""


def send_acknowledgement_reminders(rows, *, link: str) -> tuple[int, int]:
    """E-mail every holder in ``rows`` (``selectors.acknowledgement_status``) who has not
    acknowledged the effective version of their post. One mail per person, listing all such
    posts. Returns (mails sent, people without an e-mail address).

    Mails are written in the site's language: the recipients chose none.
    """
    missing = {}
    for row in rows:
        if row.jd is not None and row.acknowledgement is None:
            missing.setdefault(row.employee.pk, (row.employee, []))[1].append(row)
    messages, without = [], 0
    with translation.override(settings.LANGUAGE_CODE):
        for employee, employee_rows in missing.values():
            address = recipient_address(employee)
            if not address:
                without += 1
                continue
            lines = "\n".join(
                f"- {row.post.title} · {row.jd.document_number} {row.jd.version_label}" for row in employee_rows
            )
            body = _(
                "Dear %(name)s,\n\nPlease read the job description of your post and confirm it with "
                "“I have read this version”:\n\n%(lines)s\n\n%(link)s\n"
            ) % {"name": employee.name, "lines": lines, "link": link}
            subject = _("Please read your job description")
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    return sent, without


# Department charters ----------------------------------------------------------------------

CHARTER_FIELDS = ("purpose_within", "purpose_do", "purpose_achieve", "change_description")
CHARTER_KPI_FIELDS = ("dimension", "name", "formula", "target")


@transaction.atomic
def charter_new_draft(*, actor, department) -> DepartmentCharter:
    if not permissions.can_edit_charter(actor, department):
        raise PermissionDenied
    if not department.is_current:
        raise DomainError(_("The department is closed."))
    latest = DepartmentCharter.objects.select_for_update().filter(department=department).order_by("-version").first()
    if latest and latest.status in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED):
        raise DomainError(_("Version %(v)s is still in preparation.") % {"v": latest.version_label})
    draft = DepartmentCharter(
        department=department,
        version=(latest.version + 1) if latest else 1,
        document_number=latest.document_number if latest else f"DC-{department.code}",
        prepared_by=actor,
        prepared_at=timezone.now(),
        purpose_within=latest.purpose_within if latest else "",
        purpose_do=latest.purpose_do if latest else "",
        purpose_achieve=latest.purpose_achieve if latest else "",
    )
    draft.full_clean(exclude=["purpose_within", "purpose_do", "purpose_achieve"])
    draft._history_user = actor
    draft.save()
    if latest:
        for r in latest.responsibilities.all():
            _create(CharterResponsibility, actor=actor, charter=draft, order=r.order, text=r.text)
        for k in latest.kpis.all():
            _create(
                CharterKpi,
                actor=actor,
                charter=draft,
                order=k.order,
                dimension=k.dimension,
                name=k.name,
                formula=k.formula,
                target=k.target,
            )
    return draft


@transaction.atomic
def charter_update(*, actor, charter: DepartmentCharter, revision: int, fields, responsibilities, kpis):
    if not permissions.can_edit_charter(actor, charter.department):
        raise PermissionDenied
    current = DepartmentCharter.objects.select_for_update().get(pk=charter.pk)
    if current.status != DocumentStatus.DRAFT:
        raise DomainError(_("Only a draft can be edited."))
    if current.edit_revision != revision:
        raise EditConflict(_conflict_message(current))
    validate_key_responsibilities(len(responsibilities))
    for name, value in fields.items():
        if name not in CHARTER_FIELDS:
            raise ValueError(name)
        setattr(current, name, value)
    current.edit_revision += 1
    save_with_history(current, actor=actor)
    for row in list(current.responsibilities.all()) + list(current.kpis.all()):
        _delete(row, actor=actor)
    for order, text in enumerate(responsibilities, start=1):
        _create(CharterResponsibility, actor=actor, charter=current, order=order, text=text)
    for order, data in enumerate(kpis, start=1):
        _create(CharterKpi, actor=actor, charter=current, order=order, **_fields(CharterKpi, data, CHARTER_KPI_FIELDS))
    return current


@transaction.atomic
def charter_submit(*, actor, charter: DepartmentCharter) -> DepartmentCharter:
    if not permissions.can_edit_charter(actor, charter.department):
        raise PermissionDenied
    charter = DepartmentCharter.objects.select_for_update().get(pk=charter.pk)
    validate_key_responsibilities(charter.responsibilities.count())
    _move(charter, DocumentStatus.IN_REVIEW)
    return save_with_history(charter, actor=actor, reason=_("Submitted for approval"))


def charter_authors(charter) -> set:
    return permissions.draft_authors(charter)


@transaction.atomic
def charter_decide(*, actor, charter: DepartmentCharter, approve: bool, comment="") -> DepartmentCharter:
    """Approve (effective at once) or return to draft with a comment."""
    charter = DepartmentCharter.objects.select_for_update(of=("self",)).select_related("department").get(pk=charter.pk)
    if charter.status != DocumentStatus.IN_REVIEW:
        raise DomainError(_("Only a version in review can be decided."))
    if actor.pk not in permissions.charter_approver_candidates(charter.department, exclude=charter_authors(charter)):
        raise PermissionDenied
    now = timezone.now()
    charter.reviewed_by, charter.reviewed_at = actor, now
    if not approve:
        if not comment.strip():
            raise ValidationError({"comment": _("Say what has to change.")})
        _move(charter, DocumentStatus.DRAFT)
        charter.review_comment = comment
        charter.edit_revision += 1
        return save_with_history(charter, actor=actor, reason=_("Returned to draft"))
    _move(charter, DocumentStatus.APPROVED)
    charter.approved_by, charter.approved_at, charter.effective_date = actor, now, today()
    save_with_history(charter, actor=actor, reason=_("Approved"))
    for old in DepartmentCharter.objects.filter(department=charter.department, status=DocumentStatus.EFFECTIVE):
        _move(old, DocumentStatus.SUPERSEDED)
        save_with_history(old, actor=actor)
    _move(charter, DocumentStatus.EFFECTIVE)
    return save_with_history(charter, actor=actor, reason=_("Took effect"))
