"""Reads of complaints, CAPAs and customers, already narrowed to what the user may see."""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from . import permissions
from .choices import ActionStatus, CapaStatus, CheckResult, ComplaintStatus
from .models import Capa, CapaAction, Complaint, ComplaintStep, Customer, EffectivenessCheck


def visible_complaints(user):
    """Complaints ``user`` may see (see ``permissions``); unsorted beyond the model's ordering."""
    qs = Complaint.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    departments = permissions.involved_department_ids(user)
    step_ids = ComplaintStep.objects.filter(assignee=user).values("complaint_id")
    responsible = Complaint.responsible_departments.through.objects.filter(department_id__in=departments).values(
        "complaint_id"
    )
    return qs.filter(
        Q(registered_by=user)
        | Q(quality_owner=user)
        | Q(registering_department_id__in=departments)
        | Q(pk__in=responsible)
        | Q(pk__in=step_ids)
    )


def visible_capas(user):
    """CAPAs ``user`` may see: quality / auditors / administrators all; others those they own,
    hold an action or check of, of their departments, or linked to a complaint they see."""
    qs = Capa.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    departments = permissions.involved_department_ids(user)
    linked = Complaint.capas.through.objects.filter(complaint__in=visible_complaints(user)).values("capa_id")
    return qs.filter(
        Q(owner=user)
        | Q(created_by=user)
        | Q(department_id__in=departments)
        | Q(pk__in=CapaAction.objects.filter(owner=user).values("capa_id"))
        | Q(pk__in=EffectivenessCheck.objects.filter(assignee=user).values("capa_id"))
        | Q(pk__in=linked)
    )


def visible_customers(user):
    qs = Customer.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if permissions.can_see_all_customers(user):
        return qs
    return qs.filter(pk__in=visible_complaints(user).values("customer_id"))


def open_step_subquery():
    """The open steps of the outer complaint, the one due first first (containment and the reply
    may be open side by side)."""
    return ComplaintStep.objects.filter(complaint=OuterRef("pk"), completed_at__isnull=True).order_by(
        F("due_at").asc(nulls_last=True), "pk"
    )


def with_current_step(qs):
    """Annotate ``current_due_at``, ``current_step_kind``, ``current_assignee_id`` and
    ``overdue`` (open step past due) without extra queries per row."""
    now = timezone.now()
    open_step = open_step_subquery()
    return qs.annotate(
        current_due_at=Subquery(open_step.values("due_at")[:1]),
        current_step_kind=Subquery(open_step.values("kind")[:1]),
        current_assignee_id=Subquery(open_step.values("assignee_id")[:1]),
        overdue=Exists(open_step.filter(due_at__lt=now)),
    )


def complaint_list(user, *, status="", customer=None, severity="", overdue=False, query=""):
    """The complaint list: visible, filtered, with the current step, customer and owner in one query."""
    qs = with_current_step(visible_complaints(user)).select_related("customer", "quality_owner", "registered_by")
    if status == "open":
        qs = qs.exclude(status__in=(ComplaintStatus.CLOSED, ComplaintStatus.ARCHIVED, ComplaintStatus.VOID))
    elif status:
        qs = qs.filter(status=status)
    if customer:
        qs = qs.filter(customer_id=customer)
    if severity:
        qs = qs.filter(severity=severity)
    if overdue:
        qs = qs.filter(overdue=True)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(product__icontains=query) | Q(batch__icontains=query))
    return qs.order_by("-received_at", "-pk")


def capa_list(user, *, status="", source="", overdue=False):
    today = timezone.localdate()
    late_actions = CapaAction.objects.filter(capa=OuterRef("pk"), status=ActionStatus.OPEN, due_date__lt=today)
    late_checks = EffectivenessCheck.objects.filter(capa=OuterRef("pk"), result=CheckResult.PENDING, due_date__lt=today)
    qs = (
        visible_capas(user)
        .select_related("department", "owner")
        .annotate(overdue=Exists(late_actions) | Exists(late_checks))
    )
    if status == "open":
        qs = qs.exclude(status__in=(CapaStatus.CLOSED, CapaStatus.VOID))
    elif status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if overdue:
        qs = qs.filter(overdue=True)
    return qs.order_by("-created_at", "-pk")


def inbox_items(user) -> dict:
    """The user's open complaint steps, CAPA actions and effectiveness checks, overdue first (three queries)."""
    from .choices import StepKind

    if not user.is_authenticated:
        return {"steps": [], "actions": [], "checks": []}
    mine = Q(assignee=user)
    if permissions.is_quality_manager(user):
        mine |= Q(
            assignee__isnull=True,
            kind__in=(StepKind.NO_CAPA_APPROVAL, StepKind.REPLY_APPROVAL, StepKind.CLOSURE),
        )
    steps = list(
        ComplaintStep.objects.filter(mine, completed_at__isnull=True)
        .exclude(complaint__status=ComplaintStatus.VOID)
        .select_related("complaint", "complaint__customer")
        .order_by("due_at", "pk")[:50]
    )
    actions = list(
        CapaAction.objects.filter(owner=user, status=ActionStatus.OPEN)
        .exclude(capa__status__in=(CapaStatus.CLOSED, CapaStatus.VOID))
        .select_related("capa")
        .order_by("due_date", "pk")[:50]
    )
    checks = list(
        EffectivenessCheck.objects.filter(assignee=user, result=CheckResult.PENDING)
        .select_related("capa")
        .order_by("due_date", "pk")[:50]
    )
    return {"steps": steps, "actions": actions, "checks": checks}
