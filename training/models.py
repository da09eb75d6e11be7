"""Training: the course catalogue, needs, the annual plan, training events and the
qualifications they issue.

A post requires the courses its effective job description lists under "required training"
and, for a special post, its required qualification. Those are free texts in the lower apps,
so they are matched to the catalogue by name: a course's name or one of its ``aliases``
(``Course.matches``). Nothing in ``org`` or ``responsibilities`` points at this app.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Assignment, Department, Employee, Post, today

from .choices import (
    AssessmentMethod,
    AttendanceResult,
    CourseKind,
    EventStatus,
    NeedSource,
    NeedStatus,
    PlanStatus,
    RecordedVia,
    TrainingMethod,
)

MONTHS = [MinValueValidator(1), MaxValueValidator(12)]


def normalise(name: str) -> str:
    """The form of a course name used to match requirement texts to the catalogue."""
    return " ".join((name or "").split()).casefold()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Course(models.Model):
    """A course or qualification of the catalogue (培训课程 / 资格). ``validity_months`` empty:
    passing it once is enough; otherwise the qualification it issues expires."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices, default=CourseKind.COURSE)
    aliases = models.TextField(
        _("also known as"),
        blank=True,
        help_text=_(
            "One name per line: how job descriptions and special posts name this course. "
            "Their requirements are matched to the catalogue by these names."
        ),
    )
    is_induction = models.BooleanField(
        _("induction course"),
        default=False,
        help_text=_("Every new hire must pass all induction courses before being released for duty."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    default_hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    method = models.CharField(
        _("method"), max_length=20, choices=TrainingMethod.choices, default=TrainingMethod.INTERNAL
    )
    assessment_method = models.CharField(
        _("assessment method"), max_length=20, choices=AssessmentMethod.choices, default=AssessmentMethod.WRITTEN
    )
    description = models.TextField(_("content"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    retire_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                name="course_validity_positive",
                violation_error_message=_("A validity period is at least one month."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("training:course_detail", args=[self.pk])

    def names(self) -> set:
        """Every normalised name this course answers to."""
        return {normalise(self.name), normalise(self.code)} | {
            normalise(line) for line in self.aliases.splitlines() if line.strip()
        }

    def valid_until(self, passed_on: datetime.date):
        return add_months(passed_on, self.validity_months) if self.validity_months else None


class TrainingNeed(models.Model):
    """A training need (培训需求) of a department or of named employees, with where it came
    from: a department's request, a new hire or transfer, a special post, a job description
    revision, or a CAPA / complaint."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="training_needs"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    topic = models.CharField(_("topic"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=NeedSource.choices, default=NeedSource.DEPARTMENT)
    source_label = models.CharField(_("source reference"), max_length=200, blank=True)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT, related_name="training_needs"
    )
    employees = models.ManyToManyField(Employee, verbose_name=_("employees"), blank=True, related_name="training_needs")
    due_date = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    plan_item = models.ForeignKey(
        "PlanItem", verbose_name=_("plan item"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[employees])

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.topic} · {self.department.name}"

    def get_absolute_url(self):
        return reverse("training:need_detail", args=[self.pk])


class TrainingPlan(models.Model):
    """One revision of the annual training plan (年度培训计划). A change after approval is a new
    revision; the earlier one is superseded when the new one is approved."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    change_description = models.TextField(_("description of the change"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("approval comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual training plan")
        verbose_name_plural = _("annual training plans")
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "revision"], name="training_plan_revision_unique"),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["draft", "submitted"]),
                name="training_plan_one_open_revision",
                violation_error_message=_("This year's plan already has a revision in preparation."),
            ),
        ]

    def __str__(self):
        return f"{self.title} (rev. {self.revision})"

    def get_absolute_url(self):
        return reverse("training:plan_detail", args=[self.pk])

    @property
    def is_editable(self):
        return self.status == PlanStatus.DRAFT


class PlanItem(models.Model):
    """One line of the annual plan: who is trained in what, when, how and at what cost."""

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    content = models.CharField(_("content"), max_length=300)
    audience_departments = models.ManyToManyField(
        Department, verbose_name=_("audience: departments"), blank=True, related_name="+"
    )
    audience_posts = models.ManyToManyField(Post, verbose_name=_("audience: posts"), blank=True, related_name="+")
    audience_employees = models.ManyToManyField(
        Employee, verbose_name=_("audience: employees"), blank=True, related_name="+"
    )
    planned_month = models.PositiveSmallIntegerField(_("planned month"), validators=MONTHS)
    method = models.CharField(
        _("method"), max_length=20, choices=TrainingMethod.choices, default=TrainingMethod.INTERNAL
    )
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    assessment_method = models.CharField(
        _("assessment method"), max_length=20, choices=AssessmentMethod.choices, default=AssessmentMethod.WRITTEN
    )
    budget = models.DecimalField(_("budget (CNY)"), max_digits=10, decimal_places=2, default=0)
    #: The same line across revisions of a plan, so events stay linked after a revision.
    line_key = models.PositiveIntegerField(_("line"), default=0)

    history = HistoricalRecords(m2m_fields=[audience_departments, audience_posts, audience_employees])

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["planned_month", "line_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_month__gte=1) & Q(planned_month__lte=12),
                name="plan_item_month_in_year",
                violation_error_message=_("The planned month lies between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(budget__gte=0),
                name="plan_item_amounts_not_negative",
                violation_error_message=_("Hours and budget cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.plan.year}-{self.planned_month:02d} {self.content}"


class PlanDistribution(models.Model):
    """A controlled copy of the published plan handed to a department (发放登记)."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="distributions"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    received_by = models.CharField(_("received by"), max_length=100, blank=True)
    distributed_at = models.DateTimeField(_("distributed at"))
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("distributed by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan distribution")
        verbose_name_plural = _("plan distribution")
        ordering = ["department__sort_order", "department__code"]

    def __str__(self):
        return f"{self.plan} → {self.department.name}"


class TrainingEvent(models.Model):
    """A training session held (培训实施): date, trainer, attendees and their assessment."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="events")
    plan_item = models.ForeignKey(
        PlanItem, verbose_name=_("plan item"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=100)
    location = models.CharField(_("location"), max_length=100, blank=True)
    method = models.CharField(
        _("method"), max_length=20, choices=TrainingMethod.choices, default=TrainingMethod.INTERNAL
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    assessment_method = models.CharField(
        _("assessment method"), max_length=20, choices=AssessmentMethod.choices, default=AssessmentMethod.WRITTEN
    )
    cost = models.DecimalField(_("cost (CNY)"), max_digits=10, decimal_places=2, default=0)
    pass_score = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, null=True, blank=True, help_text=_("Empty: no score.")
    )
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="training-evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    # Closing as held or cancelling: when it happened (实际发生时间), when and by whom it was recorded.
    held_at = models.DateTimeField(_("held (closed) at"), null=True, blank=True)
    held_recorded_at = models.DateTimeField(_("closing recorded at"), null=True, blank=True)
    held_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closing recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_recorded_at = models.DateTimeField(_("cancellation recorded at"), null=True, blank=True)
    cancelled_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancellation recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(cost__gte=0),
                name="training_event_amounts_not_negative",
                violation_error_message=_("Hours and cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("training:event_detail", args=[self.pk])


class Attendance(models.Model):
    """An employee invited to a training event, with their attendance, assessment and
    feedback (培训考核登记)."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="attendances"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="training_attendances"
    )
    confirmed_at = models.DateTimeField(_("invitation confirmed at"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=AttendanceResult.choices, default=AttendanceResult.PENDING
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    recorded_via = models.CharField(_("attendance recorded"), max_length=20, choices=RecordedVia.choices, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    # The assessment: when it happened (实际发生时间), when and by whom it was recorded.
    result_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    result_recorded_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("result recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["employee__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "employee"],
                name="attendance_once_per_event",
                violation_error_message=_("This employee is already invited to this event."),
            ),
        ]

    def __str__(self):
        return f"{self.employee.name} · {self.event}"


class QualificationQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(voided=False)


class Qualification(models.Model):
    """What an employee holds after passing a course (资格 / 培训合格): issued by the passed
    attendance, never typed in a second time; ``valid_until`` empty = does not expire."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="qualifications"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="qualifications"
    )
    attendance = models.OneToOneField(
        Attendance, verbose_name=_("attendance"), on_delete=models.PROTECT, related_name="qualification"
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    voided = models.BooleanField(_("voided"), default=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = QualificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["employee__number", "course__code", "-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("issued_on")),
                name="qualification_dates_in_order",
                violation_error_message=_("A qualification cannot expire before it is issued."),
            ),
        ]
        indexes = [models.Index(fields=["employee", "course"])]

    def __str__(self):
        return f"{self.employee.name} · {self.course.name}"

    def is_valid_on(self, day=None):
        day = day or today()
        return not self.voided and self.issued_on <= day and (self.valid_until is None or self.valid_until >= day)


class QualificationException(models.Model):
    """HR let an employee take up a special post without the qualification it requires
    (资格例外), with the reason; kept with the assignment for the audit trail."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="qualification_exceptions"
    )
    missing = models.TextField(_("missing qualifications"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification exception")
        verbose_name_plural = _("qualification exceptions")
        ordering = ["-granted_at"]

    def __str__(self):
        return str(self.assignment)


class ExpiryReminder(models.Model):
    """That the reminder for a qualification at a warning threshold went out (never twice)."""

    qualification = models.ForeignKey(
        Qualification, verbose_name=_("qualification"), on_delete=models.PROTECT, related_name="reminders"
    )
    threshold_days = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "threshold_days"], name="expiry_reminder_once_per_threshold"
            ),
        ]

    def __str__(self):
        return f"{self.qualification} · {self.threshold_days}"
