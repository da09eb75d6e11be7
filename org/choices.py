"""Choices of the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the system. Each is a Django group of the same (English) name.

    A role says *what* someone may do; *where* follows from the posts they hold.
    """

    STAFF = "Staff", _("Staff")
    DEPARTMENT_HEAD = "Department head", _("Department head")
    HR = "HR", _("HR")
    QA_ENGINEER = "QA engineer", _("QA engineer")
    QUALITY_MANAGER = "Quality manager", _("Quality manager")
    GENERAL_MANAGER = "General manager", _("General manager")
    SALES = "Sales and customer service", _("Sales and customer service")
    WAREHOUSE = "Warehouse", _("Warehouse")
    FINANCE = "Finance", _("Finance")
    AUDITOR = "Auditor", _("Auditor")
    ADMINISTRATOR = "Administrator", _("Administrator")


class Grade(models.TextChoices):
    """Rungs of the career ladder a post sits on."""

    JUNIOR = "junior", _("Junior")
    PROFESSIONAL = "professional", _("Professional")
    SENIOR = "senior", _("Senior")
    MANAGEMENT = "management", _("Management")


class RelationKind(models.TextChoices):
    """Dotted-line relations between posts, beside the solid line to the superior."""

    FUNCTIONAL = "functional", _("Functional")
    PROJECT = "project", _("Project")
    DEPUTY = "deputy", _("Deputy")


class AssignmentKind(models.TextChoices):
    """How an employee holds a post."""

    PRIMARY = "primary", _("Primary")
    CONCURRENT = "concurrent", _("Concurrent")
    ACTING = "acting", _("Acting")


#: Kinds of assignment that fill a seat. An acting holder covers a vacant seat.
SEAT_FILLING_KINDS = (AssignmentKind.PRIMARY, AssignmentKind.CONCURRENT)
