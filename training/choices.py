"""Choices of the training app: kinds of course, methods, needs, plan and event states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CourseKind(models.TextChoices):
    COURSE = "course", _("Course")
    QUALIFICATION = "qualification", _("Qualification or licence")


class TrainingMethod(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")
    ON_THE_JOB = "on_the_job", _("On the job")


class AssessmentMethod(models.TextChoices):
    WRITTEN = "written", _("Written test")
    PRACTICAL = "practical", _("Practical test")
    EXTERNAL_EXAM = "external_exam", _("Recognised external exam")


class NeedSource(models.TextChoices):
    """Where a training need came from."""

    DEPARTMENT = "department", _("Department request")
    NEW_HIRE = "new_hire", _("New hire")
    TRANSFER = "transfer", _("Transfer")
    SPECIAL_POST = "special_post", _("Special post")
    JD_REVISION = "jd_revision", _("Job description revision")
    CAPA = "capa", _("Corrective or preventive action")
    COMPLAINT = "complaint", _("Customer complaint")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")


class PlanStatus(models.TextChoices):
    """Life of one revision of a year's training plan."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


#: status → statuses it may move to. One service performs each move.
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED},
    PlanStatus.SUBMITTED: {PlanStatus.DRAFT, PlanStatus.APPROVED},
    PlanStatus.APPROVED: {PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED},
    PlanStatus.PUBLISHED: {PlanStatus.SUPERSEDED},
    PlanStatus.SUPERSEDED: set(),
}

#: Revisions of a plan that are in force (the latest of them counts).
PLAN_IN_FORCE = (PlanStatus.APPROVED, PlanStatus.PUBLISHED)


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


EVENT_TRANSITIONS = {
    EventStatus.PLANNED: {EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}


class AttendanceResult(models.TextChoices):
    PENDING = "pending", _("Not yet assessed")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    ABSENT = "absent", _("Absent")


#: Results that mean the person was there.
ATTENDED = (AttendanceResult.PASSED, AttendanceResult.FAILED)


class RecordedVia(models.TextChoices):
    SELF = "self", _("By the attendee")
    SIGN_SHEET = "sign_sheet", _("From the signed attendance sheet")


class CellStatus(models.TextChoices):
    """The state of one employee × course cell of the training matrix."""

    VALID = "valid", pgettext_lazy("training status", "Valid")
    EXPIRING = "expiring", pgettext_lazy("training status", "Expiring")
    EXPIRED = "expired", pgettext_lazy("training status", "Expired")
    MISSING = "missing", pgettext_lazy("training status", "Missing")
    NOT_REQUIRED = "not_required", pgettext_lazy("training status", "Not required")


#: Cells that meet the requirement (an expiring qualification is still valid today).
MEETS = (CellStatus.VALID, CellStatus.EXPIRING)
