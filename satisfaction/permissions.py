"""Who may do what with satisfaction surveys (built on ``org.permissions``).

* The quality department (roles Quality manager and QA engineer) and administrators manage
  every template and campaign.
* Sales and customer service start campaigns; a campaign's owner manages that campaign.
* Management reads every campaign and its report: the general manager, the auditor and the
  heads of departments (whoever holds a department's head post today).
* The public form needs no login: its unguessable token is the only key, and it shows that
  one customer's survey.
"""

from django.db.models import Q

from org.choices import Role
from org.permissions import cached_for_user, has_role, headed_department_ids, is_administrator


def is_quality(user) -> bool:
    return is_administrator(user) or has_role(user, Role.QUALITY_MANAGER, Role.QA_ENGINEER)


def can_manage_templates(user) -> bool:
    return is_quality(user)


def can_create_campaign(user) -> bool:
    return is_quality(user) or has_role(user, Role.SALES)


def reads_all_campaigns(user) -> bool:
    return is_quality(user) or has_role(user, Role.GENERAL_MANAGER, Role.AUDITOR) or bool(headed_department_ids(user))


def may_use_module(user) -> bool:
    """Whether the navigation shows the module: those who read or start campaigns."""
    return user.is_authenticated and (reads_all_campaigns(user) or can_create_campaign(user) or _owns_any(user))


def _owns_any(user) -> bool:
    from .models import Campaign

    return cached_for_user(user, "satisfaction_owner", Campaign.objects.filter(owner__user=user).exists)


def campaigns_visible_to(queryset, user):
    """Narrow a Campaign queryset to those ``user`` may see (and read the report of)."""
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_campaigns(user):
        return queryset
    return queryset.filter(Q(owner__user=user))


def can_manage_campaign(user, campaign) -> bool:
    """Enter responses, send reminders, close and reopen, open CAPAs."""
    return user.is_authenticated and (is_quality(user) or campaign.owner.user_id == user.pk)


def can_read_report(user, campaign) -> bool:
    return user.is_authenticated and (reads_all_campaigns(user) or campaign.owner.user_id == user.pk)
