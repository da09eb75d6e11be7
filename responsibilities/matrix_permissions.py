"""Who may read, edit and approve responsibility matrices, and handle grey areas.

* Everybody logged in reads the *published* versions (effective and superseded) of every
  matrix: the company's quality responsibility matrix is what every employee and every
  auditor is shown.
* Versions in preparation (draft, in review, approved but not yet effective) are for HR and
  administrators, who edit them, and for the general manager and the quality manager, who
  approve them; others get 404.
* A version is approved by the general manager or the quality manager (the management
  representative who answers for the QMS), never by the person who prepared or submitted it.
* Grey areas are recorded and handled by HR, the quality manager and administrators; the
  general manager and auditors read all of them; a department head reads those involving a
  department they head (or one below it); the owner of a grey area reads and updates it.
"""

from django.db.models import Q

from org.choices import Role
from org.permissions import department_tree, has_role, headed_department_ids, with_descendants

from .choices import PUBLISHED
from .permissions import manages_all_documents


def can_edit_matrix(user) -> bool:
    """HR and administrators build and edit matrices."""
    return manages_all_documents(user)


def can_read_matrix_drafts(user) -> bool:
    return manages_all_documents(user) or has_role(user, Role.GENERAL_MANAGER, Role.QUALITY_MANAGER)


def can_view_matrix(user, matrix) -> bool:
    if not user.is_authenticated:
        return False
    return matrix.status in PUBLISHED or can_read_matrix_drafts(user)


def visible_matrices(queryset, user):
    """Narrow a Matrix queryset to the versions ``user`` may read."""
    return queryset if can_read_matrix_drafts(user) else queryset.filter(status__in=PUBLISHED)


def can_approve_matrix(user, matrix) -> bool:
    """The general manager or the quality manager, not the author of the version."""
    if not has_role(user, Role.GENERAL_MANAGER, Role.QUALITY_MANAGER):
        return False
    return user.pk not in {matrix.prepared_by_id} and not _submitted_by(user, matrix)


def _submitted_by(user, matrix) -> bool:
    latest = matrix.history.filter(status="in_review").order_by("-history_date").first()
    return latest is not None and latest.history_user_id == user.pk


def manages_grey_areas(user) -> bool:
    return manages_all_documents(user) or has_role(user, Role.QUALITY_MANAGER)


def reads_all_grey_areas(user) -> bool:
    return manages_grey_areas(user) or has_role(user, Role.AUDITOR, Role.GENERAL_MANAGER)


def grey_area_department_ids(user) -> set:
    """Departments a head sees the grey areas of: those they head and everything below."""
    roots = headed_department_ids(user)
    return with_descendants(roots, department_tree()) if roots else set()


def visible_grey_areas(queryset, user):
    """Narrow a GreyArea queryset to what ``user`` may read."""
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_grey_areas(user):
        return queryset
    ids = grey_area_department_ids(user)
    return queryset.filter(Q(owner=user) | Q(departments__in=ids)).distinct()


def can_view_grey_area_report(user) -> bool:
    """The report looks at every department's documents: for those who read all grey areas."""
    return reads_all_grey_areas(user)


def can_update_grey_area(user, grey_area) -> bool:
    return manages_grey_areas(user) or grey_area.owner_id == user.pk
