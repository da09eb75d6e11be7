"""Who may see and do what in the complaints app, in one place.

Seeing a complaint (and its customer data and attachments): the registering department, the
quality department (QA engineers and the quality manager), departments given responsibility
for the complaint, the heads of those departments and of every department above them,
auditors (read only) and administrators. The first contact and anyone assigned a step see it
too. Others get 404.

Doing: sales and customer service register complaints and make the follow-up calls; QA
engineers analyse, contain, find the root cause, draft the reply and verify; the quality
manager approves no-CAPA decisions, replies and closures and may void a record. The services
check these rules again on every transition.
"""

from org.choices import Role
from org.models import Assignment
from org.permissions import (
    cached_for_user,
    department_tree,
    has_role,
    headed_department_ids,
    is_administrator,
    with_descendants,
)

QUALITY_ROLES = (Role.QA_ENGINEER, Role.QUALITY_MANAGER)


def is_quality(user) -> bool:
    """QA engineers and the quality manager: the quality department's work."""
    return has_role(user, *QUALITY_ROLES)


def is_quality_manager(user) -> bool:
    return has_role(user, Role.QUALITY_MANAGER)


def is_sales(user) -> bool:
    return has_role(user, Role.SALES)


def reads_everything(user) -> bool:
    """Quality, auditors and administrators see every complaint and CAPA."""
    return user.is_authenticated and (is_quality(user) or has_role(user, Role.AUDITOR) or is_administrator(user))


def member_department_ids(user) -> set:
    """Departments of the posts ``user`` holds today."""
    if not user.is_authenticated:
        return set()
    return cached_for_user(
        user,
        "complaints_member_departments",
        lambda: set(
            Assignment.objects.current().filter(employee__user=user).values_list("post__department_id", flat=True)
        ),
    )


def involved_department_ids(user) -> set:
    """Departments whose complaints ``user`` sees: their own and every department below one they head."""
    if not user.is_authenticated:
        return set()

    def compute():
        headed = headed_department_ids(user)
        below = with_descendants(headed, department_tree()) if headed else set()
        return member_department_ids(user) | below

    return cached_for_user(user, "complaints_involved_departments", compute)


def can_use_complaints(user) -> bool:
    """Whether the complaints section appears in the navigation at all."""
    return user.is_authenticated and (reads_everything(user) or is_sales(user) or bool(involved_department_ids(user)))


def can_register_complaint(user) -> bool:
    return is_sales(user)


def can_manage_customers(user) -> bool:
    """Sales, the quality manager and administrators keep the customer register."""
    return is_sales(user) or is_quality_manager(user) or is_administrator(user)


def can_see_all_customers(user) -> bool:
    return reads_everything(user) or is_sales(user)


def can_open_capa(user) -> bool:
    """Quality, department heads, sales (e.g. from a satisfaction survey) and the general manager."""
    return user.is_authenticated and (
        is_quality(user)
        or is_sales(user)
        or has_role(user, Role.DEPARTMENT_HEAD, Role.GENERAL_MANAGER)
        or bool(headed_department_ids(user))
    )


def can_change_capa(user, capa) -> bool:
    """Quality, or the CAPA's owner."""
    return is_quality(user) or (user.is_authenticated and capa.owner_id == user.pk)


def can_void_complaint(user, complaint) -> bool:
    from .choices import ComplaintStatus

    if is_quality_manager(user):
        return True
    return complaint.status == ComplaintStatus.REGISTERED and complaint.registered_by_id == user.pk
