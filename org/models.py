"""The organisation: departments, posts (seats in the structure), employees and who holds
which post when.

Everything carries validity dates instead of being deleted, so the organisation can be shown
as it was on any past day and every quality record keeps pointing at a real post.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import SEAT_FILLING_KINDS, AssignmentKind, Grade, RelationKind

#: Walking up a parent chain longer than this means the data is broken, not deep.
MAX_DEPTH = 200


def today():
    return timezone.localdate()


class DatedQuerySet(models.QuerySet):
    """Rows with ``valid_from`` / ``valid_to`` (both days inclusive, ``valid_to`` open)."""

    def valid_on(self, day=None):
        day = day or today()
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class DatedModel(models.Model):
    valid_from = models.DateField(_("valid from"), default=today)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day of validity; empty while in force.")
    )
    close_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day=None):
        day = day or today()
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @property
    def is_current(self):
        return self.is_valid_on()

    def covers(self, start, end):
        """Whether this row is valid over the whole of [start, end] (end None = open)."""
        if start < self.valid_from:
            return False
        if self.valid_to is None:
            return True
        return end is not None and end <= self.valid_to

    def clean_dates(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot lie before the start date.")})


class Department(DatedModel):
    """A department (部门) in the company tree, of any depth."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head_post = models.ForeignKey(
        "Post",
        verbose_name=_("head post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headed_departments",
        help_text=_("Whoever holds this post (an acting holder too) heads the department."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    functions = models.TextField(_("functions"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]
        permissions = [
            ("manage_organisation", _("May edit the whole organisation")),
            ("manage_department", _("May edit the posts and assignments of a department")),
            ("edit_job_descriptions", _("May edit the job descriptions of a department's posts")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="department_dates_in_order",
                violation_error_message=_("The end date cannot lie before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("org:department_detail", args=[self.pk])

    def clean(self):
        self.clean_dates()
        errors = {}
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("A department cannot be its own parent.")
            elif self.pk and self.pk in {d.pk for d in self.parent.ancestors_and_self()}:
                errors["parent"] = _("%(parent)s lies below %(dept)s: that would make a cycle.") % {
                    "parent": self.parent,
                    "dept": self,
                }
            elif self.valid_from and not self.parent.covers(self.valid_from, self.valid_to):
                errors["parent"] = _("The parent department is not valid over this department's dates.")
        if self.head_post_id and self.pk and self.head_post.department_id != self.pk:
            errors["head_post"] = _("The head post must belong to this department.")
        if errors:
            raise ValidationError(errors)

    def ancestors_and_self(self):
        """This department and every parent up to the root, nearest first."""
        chain, node = [], self
        while node is not None and len(chain) < MAX_DEPTH:
            chain.append(node)
            node = node.parent
        return chain


class Post(DatedModel):
    """A post (岗位): a place in the structure with a number of seats, apart from its holders."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="posts"
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("direct superior post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    rotation_posts = models.ManyToManyField("self", verbose_name=_("rotation posts"), blank=True, symmetrical=True)
    headcount = models.PositiveSmallIntegerField(_("seats"), default=1)
    grade = models.CharField(_("career grade"), max_length=20, choices=Grade.choices, default=Grade.PROFESSIONAL)
    is_special = models.BooleanField(
        _("special post"),
        default=False,
        help_text=_("Holders need a valid qualification before taking up duty."),
    )
    required_qualification = models.CharField(_("required qualification"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[rotation_posts])

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["sort_order", "code"]
        permissions = [("edit_job_description", _("May edit the job description of this post"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="post_dates_in_order",
                violation_error_message=_("The end date cannot lie before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(headcount__gte=1),
                name="post_has_a_seat",
                violation_error_message=_("A post has at least one seat."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"

    def get_absolute_url(self):
        return reverse("org:post_detail", args=[self.pk])

    def clean(self):
        self.clean_dates()
        errors = {}
        if self.department_id and self.valid_from and not self.department.covers(self.valid_from, self.valid_to):
            errors["department"] = _("The department is not valid over this post's dates.")
        if self.superior_id:
            if self.pk and self.superior_id == self.pk:
                errors["superior"] = _("A post cannot report to itself.")
            elif self.pk and self.pk in {p.pk for p in self.superior.superiors_and_self()}:
                errors["superior"] = _("%(superior)s reports to %(post)s: that would make a cycle.") % {
                    "superior": self.superior,
                    "post": self,
                }
            elif self.valid_from and not self.superior.covers(self.valid_from, self.valid_to):
                errors["superior"] = _("The superior post %(superior)s is not valid over this post's dates.") % {
                    "superior": self.superior
                }
        if self.is_special and not self.required_qualification.strip():
            errors["required_qualification"] = _("Name the qualification a special post requires.")
        if errors:
            raise ValidationError(errors)

    def superiors_and_self(self):
        chain, node = [], self
        while node is not None and len(chain) < MAX_DEPTH:
            chain.append(node)
            node = node.superior
        return chain


class PostRelation(DatedModel):
    """A dotted line from one post to another: functional, project or deputy."""

    source = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="dotted_lines_out")
    target = models.ForeignKey(
        Post, verbose_name=_("related post"), on_delete=models.PROTECT, related_name="dotted_lines_in"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dotted-line relation")
        verbose_name_plural = _("dotted-line relations")
        ordering = ["source__code", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="post_relation_not_to_itself",
                violation_error_message=_("A post cannot have a dotted line to itself."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="post_relation_dates_in_order",
                violation_error_message=_("The end date cannot lie before the start date."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                condition=Q(valid_to__isnull=True),
                name="post_relation_once",
                violation_error_message=_("This dotted line already exists."),
            ),
        ]

    def __str__(self):
        return f"{self.source} ┈ {self.target} ({self.get_kind_display()})"

    def clean(self):
        self.clean_dates()


class Employee(models.Model):
    """A person on the payroll, with or without a login."""

    number = models.CharField(_("employee number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employee",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hire_date = models.DateField(_("hire date"))
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    leaving_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=F("hire_date")),
                name="employee_leaves_after_hire",
                violation_error_message=_("The leaving date cannot lie before the hire date."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.number})"

    def get_absolute_url(self):
        return reverse("org:employee_detail", args=[self.pk])

    def is_employed_on(self, day=None):
        day = day or today()
        return self.hire_date <= day and (self.leaving_date is None or self.leaving_date >= day)

    @property
    def is_employed(self):
        return self.is_employed_on()


class AssignmentQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or today()
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))

    def overlapping(self, start, end):
        """Assignments that share at least one day with [start, end] (end None = open)."""
        qs = self.filter(Q(end__isnull=True) | Q(end__gte=start))
        if end is not None:
            qs = qs.filter(start__lte=end)
        return qs

    def seat_filling(self):
        return self.filter(kind__in=SEAT_FILLING_KINDS)


class Assignment(models.Model):
    """An employee holding a post from ``start`` to ``end`` (inclusive; open while held)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("kind"), max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.PRIMARY)
    start = models.DateField(_("start"), default=today)
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Last day held; empty while held."))
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_dates_in_order",
                violation_error_message=_("The end date cannot lie before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["post", "start"]), models.Index(fields=["employee", "start"])]

    def __str__(self):
        return f"{self.employee.name} → {self.post.title} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse("org:employee_detail", args=[self.employee_id])

    def is_current_on(self, day=None):
        day = day or today()
        return self.start <= day and (self.end is None or self.end >= day)

    @property
    def is_current(self):
        return self.is_current_on()

    @property
    def fills_seat(self):
        return self.kind in SEAT_FILLING_KINDS

    def overlaps(self, start: datetime.date, end: datetime.date | None) -> bool:
        return (self.end is None or self.end >= start) and (end is None or self.start <= end)
