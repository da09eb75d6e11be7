"""Reactions to events of the organisation (connected in ``apps.ready``)."""

from django.utils.translation import gettext as _

from org.selectors import OpenItem

from .choices import DocumentStatus
from .models import JobDescription


def obsolete_job_descriptions(sender, *, post, actor, **kwargs):
    from .services import jd_obsolete_for_post

    jd_obsolete_for_post(actor=actor, post=post)


def open_drafts_of(employee):
    """Drafts a leaver prepared that nobody has submitted yet."""
    if not employee.user_id:
        return []
    drafts = JobDescription.objects.filter(
        prepared_by_id=employee.user_id, status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW]
    ).select_related("post")
    return [OpenItem(label=_("Job description draft: %(jd)s") % {"jd": jd}, url=jd.get_absolute_url()) for jd in drafts]
