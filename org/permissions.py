"""Who may do what, in one place. Every view of every app asks here.

Three sources, combined when a permission is checked:

* roles: Django groups (``choices.Role``) carrying model permissions, e.g. HR holds
  ``org.manage_organisation``;
* the org chart: whoever holds a department's head post today (an acting holder counts) heads
  that department and everything below it. Nothing is stored for this, so it follows every
  change of head at once;
* explicit per-object grants in django-guardian, e.g. ``org.manage_department`` on one
  department for a deputy.

Answers are cached on the user object for the length of one request.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied

from .choices import Role
from .models import Assignment, Department, today


def has_role(user, *roles) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    names = cached_for_user(user, "role_names", lambda: set(user.groups.values_list("name", flat=True)))
    return any(str(role) in names for role in roles)


def is_administrator(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))


def can_manage_organisation(user) -> bool:
    """HR and administrators edit the whole organisation."""
    return user.is_authenticated and user.has_perm("org.manage_organisation")


def cached_for_user(user, key, compute):
    """``compute()`` once per request and user: permission facts are kept on the user object,
    which lives as long as the request."""
    cache = user.__dict__.setdefault("_qms_permission_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def department_tree():
    """{department id: parent id} for every department, past ones included (one query)."""
    return dict(Department.objects.values_list("pk", "parent_id"))


def with_descendants(roots, parent_of):
    """The ids in ``roots`` and every department below them."""
    children = {}
    for pk, parent in parent_of.items():
        children.setdefault(parent, []).append(pk)
    found, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return found


def headed_department_ids(user, day=None) -> set:
    """Departments whose head post ``user`` holds on ``day`` (any kind of assignment)."""
    if not user.is_authenticated:
        return set()

    def compute():
        post_ids = Assignment.objects.current(day).filter(employee__user=user).values("post_id")
        return set(Department.objects.valid_on(day).filter(head_post_id__in=post_ids).values_list("pk", flat=True))

    return cached_for_user(user, ("headed", day or today()), compute)


def granted_department_ids(user) -> set:
    """Departments an administrator or HR granted ``org.manage_department`` on (guardian)."""
    from guardian.shortcuts import get_objects_for_user

    return cached_for_user(
        user,
        "granted",
        lambda: set(
            get_objects_for_user(
                user, "org.manage_department", klass=Department, accept_global_perms=False
            ).values_list("pk", flat=True)
        ),
    )


def editable_department_ids(user):
    """Departments whose posts and assignments ``user`` may edit, or ``None`` for all of them."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if can_manage_organisation(user):
        return None

    def compute():
        roots = headed_department_ids(user) | granted_department_ids(user)
        return with_descendants(roots, department_tree()) if roots else set()

    return cached_for_user(user, "editable", compute)


def can_edit_department_posts(user, department) -> bool:
    ids = editable_department_ids(user)
    return ids is None or department.pk in ids


def can_edit_post(user, post) -> bool:
    return can_edit_department_posts(user, post.department)


def can_edit_some_posts(user) -> bool:
    ids = editable_department_ids(user)
    return ids is None or bool(ids)


def restrict_departments(queryset, user):
    """Narrow a Department queryset to those whose posts ``user`` may edit."""
    ids = editable_department_ids(user)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def check(allowed: bool):
    """Raise 403 unless ``allowed``: for users who may see an object but not change it."""
    if not allowed:
        raise PermissionDenied


class RoleRequiredMixin(AccessMixin):
    """A view open to users for whom ``test_permission(user)`` holds; 403 for the others.

    Anonymous users never reach it: the login-required middleware sends them to log in.
    """

    def test_permission(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check(self.test_permission(request.user))
        return super().dispatch(request, *args, **kwargs)


class ManageOrganisationMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return can_manage_organisation(user)
