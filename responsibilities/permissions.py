"""Who may edit, approve and read job descriptions and charters.

Built on ``org.permissions``: editing a post's job description follows the org chart (the
current head of the post's department or of a department above it), HR edits all of them,
and django-guardian holds explicit grants (``org.edit_job_description`` on a post,
``org.edit_job_descriptions`` on a department). Approval goes one level up the chart.
"""

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from org.choices import Role
from org.models import Assignment, Department, Post, today
from org.permissions import (
    cached_for_user,
    department_tree,
    editable_department_ids,
    has_role,
    headed_department_ids,
    with_descendants,
)

from .choices import PUBLISHED, DocumentStatus
from .models import DesignatedApprover


def manages_all_documents(user) -> bool:
    """HR and administrators maintain every job description."""
    return user.is_authenticated and user.has_perm("org.manage_organisation")


def reads_all_documents(user) -> bool:
    return manages_all_documents(user) or has_role(user, Role.AUDITOR, Role.GENERAL_MANAGER, Role.QUALITY_MANAGER)


def _granted(user):
    """(post ids, department ids) with explicit job-description edit grants, in two queries."""

    def compute():
        posts = set(
            get_objects_for_user(user, "org.edit_job_description", klass=Post, accept_global_perms=False).values_list(
                "pk", flat=True
            )
        )
        departments = set(
            get_objects_for_user(
                user, "org.edit_job_descriptions", klass=Department, accept_global_perms=False
            ).values_list("pk", flat=True)
        )
        return posts, departments

    return cached_for_user(user, "jd_granted", compute)


def jd_editable_department_ids(user):
    """Departments whose posts' job descriptions ``user`` may edit; ``None`` means all."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if manages_all_documents(user):
        return None

    def compute():
        _posts, departments = _granted(user)
        from_chart = editable_department_ids(user) or set()
        granted = with_descendants(departments, department_tree()) if departments else set()
        return from_chart | granted

    return cached_for_user(user, "jd_editable", compute)


def can_edit_jd(user, post) -> bool:
    ids = jd_editable_department_ids(user)
    if ids is None or post.department_id in ids:
        return True
    return post.pk in _granted(user)[0]


def _head_holder_users(department, day):
    if not department.head_post_id:
        return set()
    return set(
        Assignment.objects.current(day)
        .filter(post_id=department.head_post_id, employee__user__isnull=False, employee__user__is_active=True)
        .values_list("employee__user_id", flat=True)
    )


def approver_candidates(post, *, exclude=(), day=None):
    """The users who may approve ``post``'s job description, nearest level first.

    The head of the department above; for a department head's own post, the general
    manager (the head of the top department); a vacant head post passes it one level up;
    the top post's approver is the one an administrator designated. ``exclude`` (the
    draft's authors) never approve: their level is skipped.
    """
    day = day or today()
    department = post.department
    chain = department.ancestors_and_self()  # nearest first, the top department last
    if post.pk == department.head_post_id:
        levels = [chain[-1]] if len(chain) > 1 else []
    else:
        levels = chain[1:] if len(chain) > 1 else chain
    for level in levels:
        users = _head_holder_users(level, day) - set(exclude)
        if users:
            return users
    return _designated(post.pk, exclude)


def _designated(post_id, exclude):
    designated = DesignatedApprover.objects.filter(post_id=post_id, user__is_active=True).first()
    if designated is not None and designated.user_id not in set(exclude):
        return {designated.user_id}
    return set()


def can_approve_jd(user, jd) -> bool:
    if not user.is_authenticated or jd.status != DocumentStatus.IN_REVIEW:
        return False
    return user.pk in approver_candidates(jd.post, exclude=jd_authors(jd))


def draft_authors(document) -> set:
    """Everyone who wrote this version while it was a draft: none of them may approve it.

    Rows with a change reason are workflow moves (a reviewer returning it to draft), not
    writing."""
    rows = (
        document.history.filter(status=DocumentStatus.DRAFT)
        .filter(Q(history_change_reason__isnull=True) | Q(history_change_reason=""))
        .exclude(history_user=None)
    )
    return set(rows.values_list("history_user_id", flat=True)) | (
        {document.prepared_by_id} if document.prepared_by_id else set()
    )


def jd_authors(jd) -> set:
    return draft_authors(jd)


def posts_around_user(user, day=None) -> set:
    """Ids of the user's own posts and the posts around them: superior, subordinates and the
    posts of the same department."""
    if not user.is_authenticated:
        return set()

    def compute():
        own = list(
            Assignment.objects.current(day)
            .filter(employee__user=user)
            .values_list("post_id", "post__superior_id", "post__department_id")
        )
        if not own:
            return set()
        ids = {p for p, _s, _d in own} | {s for _p, s, _d in own if s}
        around = Post.objects.valid_on(day).filter(department_id__in={d for _p, _s, d in own})
        around = around | Post.objects.valid_on(day).filter(superior_id__in={p for p, _s, _d in own})
        return ids | set(around.values_list("pk", flat=True))

    return cached_for_user(user, ("around", day or today()), compute)


def can_read_published_jd(user, post) -> bool:
    if reads_all_documents(user) or can_edit_jd(user, post):
        return True
    return post.pk in posts_around_user(user) or bool(
        headed_department_ids(user)
        and post.department_id in with_descendants(headed_department_ids(user), department_tree())
    )


def can_view_jd(user, jd) -> bool:
    """Published versions: readers of the post. Working versions: editors and approvers."""
    if jd.status in PUBLISHED:
        return can_read_published_jd(user, jd.post)
    if manages_all_documents(user) or has_role(user, Role.AUDITOR) or can_edit_jd(user, jd.post):
        return True
    return jd.status == DocumentStatus.IN_REVIEW and can_approve_jd(user, jd)


def can_print_department_set(user, department) -> bool:
    """The bundle of a department's job descriptions: readers of everything and the editors
    of that branch."""
    return reads_all_documents(user) or can_edit_charter(user, department)


def can_edit_charter(user, department) -> bool:
    """HR, and the heads of the department and of the departments above it."""
    ids = jd_editable_department_ids(user)
    return ids is None or department.pk in ids


#: Charter versions nobody works on any more: readable by everyone, like the published ones.
CHARTER_READABLE_BY_ALL = (*PUBLISHED, DocumentStatus.OBSOLETE)


def charter_approvers(charter) -> set:
    """Who may decide a charter in review: the head one level up, never one of its authors."""
    return charter_approver_candidates(charter.department, exclude=draft_authors(charter))


def can_view_charter(user, charter, *, can_edit=None) -> bool:
    """Published versions: everyone logged in. Others: editors, and approvers while in review."""
    if charter.status in CHARTER_READABLE_BY_ALL:
        return True
    if can_edit is None:
        can_edit = can_edit_charter(user, charter.department)
    if can_edit:
        return True
    return charter.status == DocumentStatus.IN_REVIEW and user.pk in charter_approvers(charter)


def charter_approver_candidates(department, *, exclude=(), day=None):
    """A charter is approved by the head one level up, the top department's by the designated
    approver of its head post."""
    day = day or today()
    for level in department.ancestors_and_self()[1:]:
        users = _head_holder_users(level, day) - set(exclude)
        if users:
            return users
    top = department.ancestors_and_self()[-1]
    return _designated(top.head_post_id, exclude) if top.head_post_id else set()
