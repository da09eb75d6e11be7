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
