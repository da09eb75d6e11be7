"""Choices of the responsibilities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    """Life of a controlled document version (job description or department charter)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    EFFECTIVE = "effective", _("Effective")
    SUPERSEDED = "superseded", _("Superseded")
    OBSOLETE = "obsolete", _("Obsolete")


#: status → statuses it may move to. One service performs each move.
TRANSITIONS = {
    DocumentStatus.DRAFT: {DocumentStatus.IN_REVIEW},
    DocumentStatus.IN_REVIEW: {DocumentStatus.DRAFT, DocumentStatus.APPROVED, DocumentStatus.EFFECTIVE},
    DocumentStatus.APPROVED: {DocumentStatus.EFFECTIVE, DocumentStatus.OBSOLETE},
    DocumentStatus.EFFECTIVE: {DocumentStatus.SUPERSEDED, DocumentStatus.OBSOLETE},
    DocumentStatus.SUPERSEDED: set(),
    DocumentStatus.OBSOLETE: set(),
}

#: Versions that staff may read (the others are working copies for editors and approvers).
PUBLISHED = (DocumentStatus.EFFECTIVE, DocumentStatus.SUPERSEDED)
#: Versions whose content can no longer change.
FROZEN = (DocumentStatus.APPROVED, DocumentStatus.EFFECTIVE, DocumentStatus.SUPERSEDED, DocumentStatus.OBSOLETE)


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class KpiDimension(models.TextChoices):
    """Balanced-scorecard dimensions of a department charter's KPIs."""

    FINANCIAL = "financial", _("Financial")
    CUSTOMER = "customer", _("Customer")
    INTERNAL_PROCESS = "internal_process", _("Internal process")
    LEARNING_GROWTH = "learning_growth", _("Learning and growth")


class AcknowledgementMethod(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Signed paper sheet")


# Responsibility matrix (职责矩阵 / 质量职能分配表) ----------------------------------------------


class MatrixKind(models.TextChoices):
    """What a responsibility matrix distributes, and over whom."""

    COMPANY = "company", _("Company quality responsibility matrix (departments)")
    PROCESS = "process", _("Process matrix (departments)")
    POST = "post", _("Post-level duty matrix (posts)")


class CellScheme(models.TextChoices):
    """How the cells of a matrix are marked."""

    LEAD_ASSIST = "lead_assist", _("Lead / assist (● / ○)")
    RACI = "raci", _("RACI")


class CellValue(models.TextChoices):
    """The mark in one cell. Lead / assist matrices use the first two, RACI matrices the others."""

    LEAD = "lead", _("Lead")
    ASSIST = "assist", _("Assist")
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


#: scheme → the values one click cycles through, starting and ending with an empty cell.
CELL_CYCLE = {
    CellScheme.LEAD_ASSIST: ("", CellValue.LEAD, CellValue.ASSIST),
    CellScheme.RACI: ("", CellValue.RESPONSIBLE, CellValue.ACCOUNTABLE, CellValue.CONSULTED, CellValue.INFORMED),
}

#: How a value is printed in the grid, on paper and in Excel.
CELL_SYMBOL = {
    "": "",
    CellValue.LEAD: "●",
    CellValue.ASSIST: "○",
    CellValue.RESPONSIBLE: "R",
    CellValue.ACCOUNTABLE: "A",
    CellValue.CONSULTED: "C",
    CellValue.INFORMED: "I",
}


class MatrixRowKind(models.TextChoices):
    CLAUSE = "clause", _("ISO 9001 clause")
    PROCESS = "process", _("Process")
    STEP = "step", _("Work step")


class ClauseGroup(models.IntegerChoices):
    """The main clauses of ISO 9001:2015 that group the subclauses on the matrix."""

    CONTEXT = 4, _("4 Context of the organization")
    LEADERSHIP = 5, _("5 Leadership")
    PLANNING = 6, _("6 Planning")
    SUPPORT = 7, _("7 Support")
    OPERATION = 8, _("8 Operation")
    EVALUATION = 9, _("9 Performance evaluation")
    IMPROVEMENT = 10, _("10 Improvement")


# Grey areas (职责灰色地带) ------------------------------------------------------------------------


class GreyAreaKind(models.TextChoices):
    """Overlaps (two claim the same thing) and gaps (nobody does it)."""

    TWO_LEADS = "two_leads", _("Overlap: a matrix row led by several departments")
    SHARED_DUTY = "shared_duty", _("Overlap: the same duty in several departments' job descriptions")
    NO_LEAD = "no_lead", _("Gap: a matrix row nobody leads")
    POST_WITHOUT_DUTIES = "post_without_duties", _("Gap: a post without duties")
    NO_CHARTER = "no_charter", _("Gap: a department without an effective charter")
    OTHER = "other", _("Other")


OVERLAP_KINDS = (GreyAreaKind.TWO_LEADS, GreyAreaKind.SHARED_DUTY)


class GreyAreaStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    VOID = "void", _("Void")


#: status → statuses a grey area may move to. Resolved and void are final.
GREY_AREA_TRANSITIONS = {
    GreyAreaStatus.OPEN: {GreyAreaStatus.IN_PROGRESS, GreyAreaStatus.RESOLVED, GreyAreaStatus.VOID},
    GreyAreaStatus.IN_PROGRESS: {GreyAreaStatus.RESOLVED, GreyAreaStatus.VOID},
    GreyAreaStatus.RESOLVED: set(),
    GreyAreaStatus.VOID: set(),
}
GREY_AREA_OPEN = (GreyAreaStatus.OPEN, GreyAreaStatus.IN_PROGRESS)
