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
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Department, Post

from .choices import (
    CELL_SYMBOL,
    FROZEN,
    AcknowledgementMethod,
    CellScheme,
    CellValue,
    ClauseGroup,
    DocumentStatus,
    Frequency,
    GreyAreaKind,
    GreyAreaStatus,
    KpiDimension,
    MatrixKind,
    MatrixRowKind,
)

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
    """An employee's "I have read this version", online or from a signed paper sheet.

    ``acknowledged_at`` is when it happened (the click, or the signature on paper);
    ``recorded_at`` and ``recorded_by`` say when and by whom it was typed in (HR for paper)."""

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
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

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


# Responsibility matrix (职责矩阵 / 质量职能分配表) ----------------------------------------------


class IsoClause(models.Model):
    """A subclause of ISO 9001:2015 (标准条款), reference data loaded by a data migration."""

    number = models.CharField(_("clause"), max_length=10, unique=True)
    group = models.PositiveSmallIntegerField(_("clause group"), choices=ClauseGroup.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ISO 9001 clause")
        verbose_name_plural = _("ISO 9001 clauses")
        ordering = ["sort_order", "number"]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def title(self):
        """The title in the active language (Chinese unless English is chosen)."""
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh


class Matrix(ControlledDocument):
    """One version of a responsibility matrix (职责矩阵; the company's department-level one is
    the 质量职能分配表 that auditors ask for).

    The versions of one matrix share a document number. Rows, columns and cells belong to a
    version, so an approved version never changes: a revision copies them into a new draft.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MatrixKind.choices, default=MatrixKind.COMPANY)
    scheme = models.CharField(
        _("cell scheme"), max_length=20, choices=CellScheme.choices, default=CellScheme.LEAD_ASSIST
    )
    document_number = models.CharField(_("document number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsibility matrix")
        verbose_name_plural = _("responsibility matrices")
        ordering = ["document_number", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document_number", "version"], name="matrix_version_unique"),
            models.UniqueConstraint(
                fields=["document_number"],
                condition=Q(status="effective"),
                name="matrix_one_effective",
                violation_error_message=_("A matrix has exactly one effective version."),
            ),
            models.UniqueConstraint(
                fields=["document_number"],
                condition=Q(status__in=["draft", "in_review", "approved"]),
                name="matrix_one_open_version",
                violation_error_message=_("This matrix already has a version in preparation."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="company", status="effective"),
                name="matrix_one_effective_company_matrix",
                violation_error_message=_("The company has one effective quality responsibility matrix."),
            ),
        ]

    def __str__(self):
        return f"{self.document_number} {self.version_label} · {self.title}"

    def get_absolute_url(self):
        return reverse("responsibilities:matrix_detail", args=[self.pk])

    @property
    def is_company(self):
        return self.kind == MatrixKind.COMPANY

    @property
    def allowed_values(self):
        if self.scheme == CellScheme.RACI:
            return (CellValue.RESPONSIBLE, CellValue.ACCOUNTABLE, CellValue.CONSULTED, CellValue.INFORMED)
        return (CellValue.LEAD, CellValue.ASSIST)


class MatrixRow(models.Model):
    """A row of a matrix: an ISO 9001 clause, a process or a work step (矩阵行)."""

    matrix = models.ForeignKey(Matrix, verbose_name=_("matrix"), on_delete=models.CASCADE, related_name="rows")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("row kind"), max_length=10, choices=MatrixRowKind.choices, default=MatrixRowKind.CLAUSE)
    clause = models.ForeignKey(
        IsoClause, verbose_name=_("clause"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(
        _("process or work step"), max_length=300, blank=True, help_text=_("For a clause row: an optional note.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrix row")
        verbose_name_plural = _("matrix rows")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "clause"],
                name="matrix_row_clause_once",
                violation_error_message=_("This clause is already a row of the matrix."),
            ),
            models.CheckConstraint(
                condition=Q(kind="clause", clause__isnull=False) | (~Q(kind="clause") & Q(clause__isnull=True)),
                name="matrix_row_clause_iff_clause_kind",
                violation_error_message=_("A clause row names a clause; a process or step row does not."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        if self.kind != MatrixRowKind.CLAUSE and not self.text.strip():
            raise ValidationError({"text": _("Name the process or work step.")})

    @property
    def label(self):
        if self.clause_id:
            note = f" · {self.text}" if self.text else ""
            return f"{self.clause.number} {self.clause.title}{note}"
        return self.text

    @property
    def key(self):
        """How an import names the row: the clause number, else the text."""
        return self.clause.number if self.clause_id else self.text


class MatrixColumn(models.Model):
    """A column of a matrix: a department, or a post for a post-level matrix (矩阵列)."""

    matrix = models.ForeignKey(Matrix, verbose_name=_("matrix"), on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveIntegerField(_("order"), default=0)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrix column")
        verbose_name_plural = _("matrix columns")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, post__isnull=True)
                | Q(department__isnull=True, post__isnull=False),
                name="matrix_column_department_xor_post",
                violation_error_message=_("A column is either a department or a post."),
            ),
            models.UniqueConstraint(
                fields=["matrix", "department"],
                name="matrix_column_department_once",
                violation_error_message=_("This department is already a column of the matrix."),
            ),
            models.UniqueConstraint(
                fields=["matrix", "post"],
                name="matrix_column_post_once",
                violation_error_message=_("This post is already a column of the matrix."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return self.post.title if self.post_id else self.department.name

    @property
    def key(self):
        """How an import names the column: the department or post code."""
        return self.post.code if self.post_id else self.department.code


class MatrixCell(models.Model):
    """The mark where a row meets a column (● lead / ○ assist, or R / A / C / I)."""

    matrix = models.ForeignKey(Matrix, verbose_name=_("matrix"), on_delete=models.CASCADE, related_name="cells")
    row = models.ForeignKey(MatrixRow, verbose_name=_("row"), on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(MatrixColumn, verbose_name=_("column"), on_delete=models.CASCADE, related_name="cells")
    value = models.CharField(_("mark"), max_length=10, choices=CellValue.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrix cell")
        verbose_name_plural = _("matrix cells")
        constraints = [
            models.UniqueConstraint(
                fields=["row", "column"], name="matrix_cell_once", violation_error_message=_("The cell exists already.")
            ),
        ]

    def __str__(self):
        return f"{self.row_id}×{self.column_id}: {self.symbol}"

    def clean(self):
        errors = {}
        if self.row_id and self.row.matrix_id != self.matrix_id:
            errors["row"] = _("The row belongs to another matrix.")
        if self.column_id and self.column.matrix_id != self.matrix_id:
            errors["column"] = _("The column belongs to another matrix.")
        if self.value and self.matrix_id and self.value not in self.matrix.allowed_values:
            errors["value"] = _("“%(value)s” is not a mark of this matrix's scheme.") % {
                "value": self.get_value_display()
            }
        if errors:
            raise ValidationError(errors)

    @property
    def symbol(self):
        return CELL_SYMBOL[self.value]


# Grey areas (职责灰色地带) ------------------------------------------------------------------------


class GreyArea(models.Model):
    """A recorded grey area (灰色地带) between departments: an overlap (two claim the same thing)
    or a gap (nobody does it), with an owner and an improvement proposal, kept until resolved.

    ``finding_key`` ties a record to the finding of the grey-area report it came from, so the
    report shows which findings are recorded already.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=GreyAreaKind.choices)
    description = models.TextField(_("description"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments involved"), blank=True, related_name="grey_areas"
    )
    finding_key = models.CharField(_("finding"), max_length=300, blank=True, db_index=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_grey_areas"
    )
    proposal = models.TextField(_("improvement proposal"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GreyAreaStatus.choices, default=GreyAreaStatus.OPEN)
    resolution = models.TextField(_("resolution note"), blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("grey area")
        verbose_name_plural = _("grey areas")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="grey_area_resolved_has_note",
                violation_error_message=_("A resolved grey area says how it was resolved."),
            ),
            models.CheckConstraint(
                condition=~Q(status="void") | ~Q(void_reason=""),
                name="grey_area_void_has_reason",
                violation_error_message=_("A void grey area gives the reason."),
            ),
        ]

    def __str__(self):
        return f"GA-{self.pk:04d} {self.get_kind_display()}" if self.pk else str(self.get_kind_display())

    def get_absolute_url(self):
        return reverse("responsibilities:grey_area_detail", args=[self.pk])

    @property
    def number(self):
        return f"GA-{self.pk:04d}"

    @property
    def is_open(self):
        return self.status in (GreyAreaStatus.OPEN, GreyAreaStatus.IN_PROGRESS)
