"""Job descriptions and department charters as controlled documents.

Each row of ``JobDescription`` is one *version* of a post's job description (岗位说明书); the
versions of a post share a document number. Duties (with their tasks), KPIs and required
training hang on a version, so an approved version never changes: revising copies it into a
new draft. ``DepartmentCharter`` (部门职能说明书) works the same way for a department.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Department, Post

from .choices import FROZEN, AcknowledgementMethod, DocumentStatus, Frequency, KpiDimension

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ControlledDocument(models.Model):
    """Document-control fields shared by job descriptions and charters."""

    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    change_description = models.TextField(_("description of the change"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    #: Bumped on every save of the draft; a form carries the value it was loaded with, so a
    #: second editor's save is refused instead of silently overwriting the first.
    edit_revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def version_label(self):
        return f"V{self.version}.0"

    @property
    def is_frozen(self):
        return self.status in FROZEN

    @property
    def is_editable(self):
        return self.status == DocumentStatus.DRAFT


class JobDescription(ControlledDocument):
    """One version of the job description of a post."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="job_descriptions")
    document_number = models.CharField(_("document number"), max_length=40)
    summary = models.TextField(_("summary"), blank=True)
    performance_standards = models.TextField(_("performance standards"), blank=True)
    supervised_by = models.TextField(_("supervised by"), blank=True)
    supervises = models.TextField(_("supervises"), blank=True)
    internal_relations = models.TextField(_("works with internally"), blank=True)
    external_relations = models.TextField(_("external contacts"), blank=True)
    authorities = models.TextField(_("authorities"), blank=True)
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    working_environment = models.TextField(_("working environment"), blank=True)
    education = models.TextField(_("education"), blank=True)
    experience = models.TextField(_("experience"), blank=True)
    knowledge = models.TextField(_("knowledge"), blank=True)
    skills = models.TextField(_("skills"), blank=True)
    #: The identification block (post, department, superior, subordinates, rotation posts),
    #: copied from the org chart when the version is approved; drafts show the live values.
    identification = models.JSONField(_("identification"), default=dict, blank=True)
    pdf = models.FileField(_("issued PDF"), upload_to="jd-pdf/%Y/", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job description")
        verbose_name_plural = _("job descriptions")
        ordering = ["post__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="jd_version_unique"),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="effective"),
                name="jd_one_effective_per_post",
                violation_error_message=_("A post has exactly one effective job description."),
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status__in=["draft", "in_review", "approved"]),
                name="jd_one_open_version_per_post",
                violation_error_message=_("This post already has a version in preparation."),
            ),
        ]

    def __str__(self):
        return f"{self.document_number} {self.version_label} · {self.post.title}"

    def get_absolute_url(self):
        return reverse("responsibilities:jd_detail", args=[self.post_id]) + f"?version={self.version}"

    def kpi_weight_total(self):
        return sum(k.weight for k in self.kpis.all())


class Duty(models.Model):
    """A duty (工作职责) of a job description, with its share of working time."""

    job_description = models.ForeignKey(
        JobDescription, verbose_name=_("job description"), on_delete=models.CASCADE, related_name="duties"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("duty"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    time_share = models.PositiveSmallIntegerField(_("share of working time (%)"), default=0, validators=PERCENT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Task(models.Model):
    """A task of a duty: who does what, how, when, with which result."""

    duty = models.ForeignKey(Duty, verbose_name=_("duty"), on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField(_("order"), default=0)
    who = models.CharField(_("who"), max_length=100, blank=True)
    what = models.CharField(_("what"), max_length=300)
    how = models.CharField(_("how"), max_length=300, blank=True)
    when = models.CharField(_("when"), max_length=100, blank=True)
    result = models.CharField(_("expected result"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.what


class Kpi(models.Model):
    """A key performance indicator of a job description; the weights of a JD sum to 100 %."""

    job_description = models.ForeignKey(
        JobDescription, verbose_name=_("job description"), on_delete=models.CASCADE, related_name="kpis"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("KPI"), max_length=200)
    formula = models.CharField(_("formula"), max_length=300, blank=True)
    target = models.CharField(_("target"), max_length=100)
    frequency = models.CharField(_("measured"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=PERCENT)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class RequiredTraining(models.Model):
    """A course or qualification a post requires; the training module builds on these."""

    job_description = models.ForeignKey(
        JobDescription, verbose_name=_("job description"), on_delete=models.CASCADE, related_name="required_training"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("course or qualification"), max_length=200)
    before_taking_up = models.BooleanField(_("needed before taking up the post"), default=False)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required training")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class DesignatedApprover(models.Model):
    """Who approves the job description of a post that has nobody above it (the general
    manager's own post), as an administrator designated."""

    post = models.OneToOneField(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="designated_approver"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("designated approver")
        verbose_name_plural = _("designated approvers")

    def __str__(self):
        return f"{self.post} → {self.user}"


class Acknowledgement(models.Model):
    """An employee's "I have read this version", online or from a signed paper sheet."""

    job_description = models.ForeignKey(
        JobDescription, verbose_name=_("job description"), on_delete=models.PROTECT, related_name="acknowledgements"
    )
    employee = models.ForeignKey(
        "org.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="jd_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    method = models.CharField(_("method"), max_length=10, choices=AcknowledgementMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["job_description", "employee"],
                name="acknowledged_once",
                violation_error_message=_("This version is already acknowledged."),
            )
        ]

    def __str__(self):
        return f"{self.employee} · {self.job_description}"


class DepartmentCharter(ControlledDocument):
    """One version of a department's charter (部门职能说明书)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="charters"
    )
    document_number = models.CharField(_("document number"), max_length=40)
    purpose_within = models.CharField(_("within (limits)"), max_length=300)
    purpose_do = models.CharField(_("do (what)"), max_length=300)
    purpose_achieve = models.CharField(_("to achieve (objectives)"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department charter")
        verbose_name_plural = _("department charters")
        ordering = ["department__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["department", "version"], name="charter_version_unique"),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(status="effective"),
                name="charter_one_effective",
                violation_error_message=_("A department has exactly one effective charter."),
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(status__in=["draft", "in_review", "approved"]),
                name="charter_one_open_version",
                violation_error_message=_("This department already has a charter version in preparation."),
            ),
        ]

    def __str__(self):
        return f"{self.document_number} {self.version_label} · {self.department.name}"

    def get_absolute_url(self):
        return reverse("responsibilities:charter_detail", args=[self.department_id]) + f"?version={self.version}"

    @property
    def purpose(self):
        return _("Within %(within)s, %(do)s, to achieve %(achieve)s.") % {
            "within": self.purpose_within,
            "do": self.purpose_do,
            "achieve": self.purpose_achieve,
        }


class CharterResponsibility(models.Model):
    """A key responsibility of a department: what it answers for, not how (4 to 8)."""

    charter = models.ForeignKey(
        DepartmentCharter, verbose_name=_("charter"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("key responsibility"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key responsibility")
        verbose_name_plural = _("key responsibilities")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class CharterKpi(models.Model):
    """A department KPI in one of the four scorecard dimensions."""

    charter = models.ForeignKey(
        DepartmentCharter, verbose_name=_("charter"), on_delete=models.CASCADE, related_name="kpis"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    dimension = models.CharField(_("dimension"), max_length=20, choices=KpiDimension.choices)
    name = models.CharField(_("KPI"), max_length=200)
    formula = models.CharField(_("formula"), max_length=300, blank=True)
    target = models.CharField(_("target"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department KPI")
        verbose_name_plural = _("department KPIs")
        ordering = ["dimension", "order", "pk"]

    def __str__(self):
        return self.name


def validate_kpi_weights(weights):
    """The KPI weights of a job description add up to 100 % (or there are no KPIs)."""
    total = sum(weights)
    if weights and total != 100:
        raise ValidationError(
            _("The KPI weights add up to %(total)d %%; they must add up to 100 %%.") % {"total": total}
        )


def validate_key_responsibilities(count):
    if not 4 <= count <= 8:
        raise ValidationError(
            _("A department charter has 4 to 8 key responsibilities; this one has %(n)d.") % {"n": count}
        )
