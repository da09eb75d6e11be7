"""Who may do what in training, on top of ``org.permissions``.

HR (and administrators) manage the catalogue, plans, events and records; the general manager
approves plans; department heads submit needs and see their staff (their departments and
everything below); every employee sees their own training file; auditors read everything.
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


def manages_training(user) -> bool:
    return user.is_authenticated and user.is_active and (is_administrator(user) or has_role(user, Role.HR))


def approves_plans(user) -> bool:
    return user.is_authenticated and user.is_active and has_role(user, Role.GENERAL_MANAGER)


def reads_all_training(user) -> bool:
    return manages_training(user) or has_role(user, Role.GENERAL_MANAGER, Role.AUDITOR, Role.QUALITY_MANAGER)


def headed_branch_ids(user) -> set:
    """The departments ``user`` heads today and every department below them."""
    roots = headed_department_ids(user)
    return with_descendants(roots, department_tree()) if roots else set()


def visible_department_ids(user):
    """Departments whose staff's training ``user`` sees; ``None`` means all of them."""
    if reads_all_training(user):
        return None
    return cached_for_user(user, "training_branch", lambda: headed_branch_ids(user))


def own_employee_id(user):
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return employee.pk if employee else None


def can_see_employee(user, employee) -> bool:
    if own_employee_id(user) == employee.pk:
        return True
    ids = visible_department_ids(user)
    if ids is None:
        return True
    return bool(ids) and Assignment.objects.current().filter(employee=employee, post__department_id__in=ids).exists()


def can_submit_needs(user) -> bool:
    return manages_training(user) or bool(headed_branch_ids(user))


def can_submit_need_for(user, department) -> bool:
    return manages_training(user) or department.pk in headed_branch_ids(user)


def can_see_matrix(user) -> bool:
    return reads_all_training(user) or bool(headed_branch_ids(user))
