"""Reads of customer returns and claims, already narrowed to what the user may see.

Returns follow their complaint (``selectors.visible_complaints``); the warehouse, which
receives and re-delivers the goods, sees every return. Claims: quality, auditors,
administrators, sales, finance and the general manager see all of them (they register,
confirm, approve and book them); heads of a department involved or of the planning
department see those; everyone else sees the claims of complaints they may see.
"""

from django.db.models import Q

from org.choices import Role
from org.permissions import has_role, headed_department_ids

from . import permissions
from .models import Claim, CustomerReturn
from .selectors import visible_complaints


def may_use_returns(user) -> bool:
    return user.is_authenticated and (permissions.can_use_complaints(user) or has_role(user, Role.WAREHOUSE))


def visible_returns(user):
    qs = CustomerReturn.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if permissions.reads_everything(user) or has_role(user, Role.WAREHOUSE):
        return qs
    return qs.filter(complaint__in=visible_complaints(user))


def reads_all_claims(user) -> bool:
    return user.is_authenticated and (
        permissions.reads_everything(user) or has_role(user, Role.SALES, Role.FINANCE, Role.GENERAL_MANAGER)
    )


def may_use_claims(user) -> bool:
    """Whether the claim list opens at all (403 otherwise)."""
    return reads_all_claims(user) or bool(headed_department_ids(user))


def visible_claims(user):
    qs = Claim.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if reads_all_claims(user):
        return qs
    headed = headed_department_ids(user)
    involved = Claim.departments.through.objects.filter(department_id__in=headed).values("claim_id")
    return qs.filter(
        Q(pk__in=involved) | Q(planning_department_id__in=headed) | Q(complaint__in=visible_complaints(user))
    )
