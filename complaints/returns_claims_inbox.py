"""The returns-and-claims section of the personal inbox: the returns and claims waiting for a
move the user's role or department makes (registered in ``apps.py``). Two queries at most."""

from django.db.models import Q
from django.utils import timezone

from org.choices import Role
from org.permissions import has_role, headed_department_ids

from .models import Claim, ClaimCountersignature, CustomerReturn
from .models.claims import ClaimKind, ClaimStatus
from .models.returns import ReturnStatus

LIMIT = 30


def _any(conditions):
    """The OR of ``conditions``, or ``None`` when there are none."""
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined | condition
    return combined


def waiting_returns(user):
    conditions = []
    if has_role(user, Role.QA_ENGINEER):
        conditions += [
            Q(
                status__in=(
                    ReturnStatus.RECEIVED,
                    ReturnStatus.AT_QUALITY,
                    ReturnStatus.INSPECTED,
                    ReturnStatus.REDELIVERED,
                )
            ),
            Q(status=ReturnStatus.DISPOSED, rework_qty__gt=0, reworked_at__isnull=True),
        ]
    if has_role(user, Role.QUALITY_MANAGER):
        conditions.append(
            Q(status=ReturnStatus.DISPOSED, mrb_decided_at__isnull=True)
            & (Q(scrap_proposed_qty__gt=0) | Q(rework_ng_qty__gt=0))
        )
    if has_role(user, Role.WAREHOUSE):
        conditions.append(Q(status=ReturnStatus.PROCESSED))
    wanted = _any(conditions)
    if wanted is None:
        return []
    return list(
        CustomerReturn.objects.filter(wanted)
        .select_related("complaint__customer")
        .order_by("received_at", "pk")[:LIMIT]
    )


def waiting_claims(user):
    headed = headed_department_ids(user)
    conditions = []
    if has_role(user, Role.QA_ENGINEER, Role.QUALITY_MANAGER):
        conditions.append(Q(status=ClaimStatus.REGISTERED, kind=ClaimKind.QUALITY))
    if headed:
        conditions.append(Q(status=ClaimStatus.REGISTERED, kind=ClaimKind.DELIVERY, planning_department_id__in=headed))
        unsigned = ClaimCountersignature.objects.filter(department_id__in=headed, signed_at__isnull=True)
        conditions.append(Q(status=ClaimStatus.CONFIRMED, pk__in=unsigned.values("claim_id")))
    if has_role(user, Role.GENERAL_MANAGER):
        conditions.append(Q(status=ClaimStatus.COUNTERSIGNED))
    if has_role(user, Role.FINANCE):
        conditions.append(Q(status=ClaimStatus.APPROVED))
    wanted = _any(conditions)
    if wanted is None:
        return []
    return list(Claim.objects.filter(wanted).select_related("customer").order_by("registered_at", "pk")[:LIMIT])


def inbox_context(request):
    user = request.user
    if not user.is_authenticated:
        return None
    returns, claims = waiting_returns(user), waiting_claims(user)
    if not returns and not claims:
        return None
    return {"returns": returns, "claims": claims, "now": timezone.now()}
