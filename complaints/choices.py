"""Choices of the complaints app: channels, severities, the states of a complaint and of a
CAPA, and the transition tables the services enforce."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class Language(models.TextChoices):
    CHINESE = "zh-hans", _("Chinese")
    ENGLISH = "en", _("English")


class DefectCategory(models.TextChoices):
    DIMENSION = "dimension", pgettext_lazy("defect category", "Dimension")
    APPEARANCE = "appearance", _("Appearance")
    FUNCTION = "function", _("Function")
    MATERIAL = "material", _("Material")
    PACKAGING = "packaging", _("Packaging and labelling")
    QUANTITY = "quantity", _("Wrong quantity or mixed parts")
    DOCUMENTATION = "documentation", _("Documents and certificates")
    DELIVERY = "delivery", _("Delivery")
    OTHER = "other", _("Other")


class CauseCategory(models.TextChoices):
    """The 5M1E cause categories (人机料法测环)."""

    MAN = "man", _("Man")
    MACHINE = "machine", _("Machine")
    MATERIAL = "material", _("Material")
    METHOD = "method", _("Method")
    MEASUREMENT = "measurement", _("Measurement")
    ENVIRONMENT = "environment", _("Environment")


class ComplaintStatus(models.TextChoices):
    """Where a complaint stands. The order follows the procedure of seed 002."""

    REGISTERED = "registered", _("Registered (first contact)")
    ANALYSIS = "analysis", _("Initial analysis")
    NOT_VALID = "not_valid", _("Not valid – awaiting customer confirmation")
    CONTAINMENT = "containment", _("Containment")
    ROOT_CAUSE = "root_cause", _("Root-cause analysis")
    CAPA_DECISION = "capa_decision", _("CAPA decision")
    NO_CAPA_APPROVAL = "no_capa_approval", _("No-CAPA decision awaiting approval")
    REPLY_DRAFT = "reply_draft", _("Reply to customer: drafting")
    REPLY_APPROVAL = "reply_approval", _("Reply to customer: awaiting approval")
    REPLY_SEND = "reply_send", _("Reply approved: to be sent")
    IMPLEMENTATION = "implementation", _("Implementation")
    VERIFICATION = "verification", _("Verification of effectiveness")
    TRAINING = "training", _("Training of the responsible department")
    CLOSURE = "closure", _("Awaiting closure")
    CLOSED = "closed", _("Closed – follow-up call pending")
    ARCHIVED = "archived", _("Archived")
    VOID = "void", _("Void")


S = ComplaintStatus

#: After a valid validity decision the procedure runs two branches side by side, each with its
#: own open step and deadline: the investigation (containment → root cause → CAPA or approved
#: no-CAPA decision) and the reply to the customer (drafted → approved by the quality manager →
#: sent). Neither waits for the other; implementation waits for both. While both run, the
#: status names the open step of the investigation, then that of the reply.
INVESTIGATION_STATES = (S.CONTAINMENT, S.ROOT_CAUSE, S.CAPA_DECISION, S.NO_CAPA_APPROVAL)
REPLY_STATES = (S.REPLY_DRAFT, S.REPLY_APPROVAL, S.REPLY_SEND)
PARALLEL_STATES = INVESTIGATION_STATES + REPLY_STATES
#: Where the status may go once a branch step is done: to the other branch's open step, or to
#: implementation when neither branch has an open step left.
_AFTER_INVESTIGATION = {*REPLY_STATES, S.IMPLEMENTATION}

#: status → statuses it may move to. One service performs each move (see ``services.complaints``).
#: A step of the reply branch recorded while the investigation runs leaves the status as it is.
COMPLAINT_TRANSITIONS = {
    S.REGISTERED: {S.ANALYSIS, S.VOID},
    S.ANALYSIS: {S.NOT_VALID, S.CONTAINMENT, S.VOID},
    S.NOT_VALID: {S.CLOSED, S.ANALYSIS, S.VOID},
    S.CONTAINMENT: {S.ROOT_CAUSE, S.VOID},
    S.ROOT_CAUSE: {S.CAPA_DECISION, S.VOID},
    S.CAPA_DECISION: {S.NO_CAPA_APPROVAL, *_AFTER_INVESTIGATION, S.VOID},
    S.NO_CAPA_APPROVAL: {S.CAPA_DECISION, *_AFTER_INVESTIGATION, S.VOID},
    S.REPLY_DRAFT: {S.REPLY_APPROVAL, S.VOID},
    S.REPLY_APPROVAL: {S.REPLY_SEND, S.REPLY_DRAFT, S.VOID},
    S.REPLY_SEND: {S.IMPLEMENTATION, S.VOID},
    S.IMPLEMENTATION: {S.VERIFICATION, S.VOID},
    S.VERIFICATION: {S.TRAINING, S.IMPLEMENTATION, S.VOID},
    S.TRAINING: {S.CLOSURE, S.VOID},
    S.CLOSURE: {S.CLOSED, S.TRAINING, S.VOID},
    S.CLOSED: {S.ARCHIVED, S.ANALYSIS, S.ROOT_CAUSE},
    S.ARCHIVED: set(),
    S.VOID: set(),
}

#: States in which the complaint is no longer being worked on.
COMPLAINT_FINISHED = (S.CLOSED, S.ARCHIVED, S.VOID)
#: States after the closure (the final closure time is kept on the complaint).
COMPLAINT_CLOSED = (S.CLOSED, S.ARCHIVED)


class StepKind(models.TextChoices):
    """A step of the complaint workflow, each with its own assignee and due time."""

    HANDOVER = "handover", _("Hand-over to quality")
    ANALYSIS = "analysis", _("Initial analysis")
    CUSTOMER_CONFIRMATION = "customer_confirmation", _("Customer's written confirmation")
    CONTAINMENT = "containment", _("Containment")
    ROOT_CAUSE = "root_cause", _("Root-cause analysis")
    CAPA_DECISION = "capa_decision", _("CAPA or no-CAPA decision")
    NO_CAPA_APPROVAL = "no_capa_approval", _("Approval of the no-CAPA decision")
    REPLY_DRAFT = "reply_draft", _("Drafting the reply")
    REPLY_APPROVAL = "reply_approval", _("Approval of the reply")
    REPLY_SEND = "reply_send", _("Sending the reply")
    IMPLEMENTATION = "implementation", _("Implementation")
    VERIFICATION = "verification", _("Verification of effectiveness")
    TRAINING = "training", _("Training of the responsible department")
    CLOSURE = "closure", _("Closure")
    FOLLOW_UP = "follow_up", _("Follow-up call")


class DeadlineStep(models.TextChoices):
    """The deadlines of the configurable table (``DeadlineRule``)."""

    ANALYSIS = "analysis", _("Initial analysis (valid or not)")
    FIRST_HANDLING = "first_handling", _("First handling")
    CONTAINMENT = "containment", _("Containment")
    REPLY = "reply", _("Reply to customer (after quality manager approval)")
    RETURN_DISPOSITION = "return_disposition", _("Return disposition plan")
    REWORK = "rework", _("Rework of returned goods")
    HANDOVER = "handover", _("Hand-over to quality")
    ROOT_CAUSE = "root_cause", _("Root-cause analysis and CAPA decision")
    IMPLEMENTATION = "implementation", _("Implementation")
    VERIFICATION = "verification", _("Verification of effectiveness")
    TRAINING = "training", _("Training of the responsible department")
    CLOSURE = "closure", _("Closure by the quality manager")
    FOLLOW_UP = "follow_up", _("Follow-up call")
    CUSTOMER_CONFIRMATION = "customer_confirmation", _("Customer's written confirmation (not valid)")


class StartEvent(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of the complaint")
    VALIDITY_DECISION = "validity_decision", _("Validity decision")
    RETURN_RECEIVED = "return_received", _("Return received by quality")
    DISPOSITION = "disposition", _("Disposition decided")
    REPLY_SENT = "reply_sent", _("Reply sent")
    IMPLEMENTED = "implemented", _("Implementation recorded")
    VERIFIED = "verified", _("Effectiveness verified")
    TRAINED = "trained", _("Training recorded")
    CLOSED = "closed", _("Closure")
    STEP_OPENED = "step_opened", _("Step opened")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    CUSTOMER_REPORT = "customer_report", _("Customer report")
    CUSTOMER_CONFIRMATION = "customer_confirmation", _("Customer's written confirmation")
    REPLY = "reply", _("Reply to the customer")
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


class CapaSource(models.TextChoices):
    COMPLAINT = "complaint", _("Customer complaint")
    INTERNAL_NC = "internal_nc", _("Internal nonconformity")
    AUDIT = "audit", _("Audit finding")
    SATISFACTION = "satisfaction", _("Satisfaction survey")
    OTHER = "other", _("Other")


class CapaStatus(models.TextChoices):
    OPEN = "open", _("Open – investigating")
    IMPLEMENTING = "implementing", _("Root cause known – implementing actions")
    VERIFICATION = "verification", _("Effectiveness check")
    VERIFIED = "verified", _("Effective – awaiting closure")
    CLOSED = "closed", _("Closed")
    VOID = "void", _("Void")


C = CapaStatus

#: CAPA status → statuses it may move to.
CAPA_TRANSITIONS = {
    C.OPEN: {C.IMPLEMENTING, C.VOID},
    C.IMPLEMENTING: {C.VERIFICATION, C.VOID},
    C.VERIFICATION: {C.VERIFIED, C.IMPLEMENTING, C.VOID},
    C.VERIFIED: {C.CLOSED, C.IMPLEMENTING, C.VOID},
    C.CLOSED: set(),
    C.VOID: set(),
}

CAPA_FINISHED = (C.CLOSED, C.VOID)


class ActionKind(models.TextChoices):
    CORRECTION = "correction", _("Immediate correction")
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CheckResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Effective")
    FAILED = "failed", _("Not effective")


class FollowUpOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Customer satisfied")
    UNHAPPY = "unhappy", _("Customer still unhappy")


#: Readable names of the timeline entries of complaints and CAPAs.
EVENT_LABELS = {
    "register": _("Registered"),
    "edit": _("Details corrected"),
    "hand_over": _("Handed over to quality"),
    "assign": _("Step reassigned"),
    "owner_changed": _("Owner in quality changed"),
    "valid": _("Judged valid"),
    "not_valid": _("Judged not valid"),
    "attach": _("File attached"),
    "confirmed_not_valid": _("Closed with the customer's written confirmation"),
    "contain": _("Containment recorded"),
    "root_cause": _("Root cause recorded"),
    "capa_linked": _("CAPA linked"),
    "capa_opened": _("CAPA opened"),
    "no_capa_proposed": _("No CAPA proposed"),
    "no_capa_approved": _("No-CAPA decision approved"),
    "no_capa_rejected": _("No-CAPA decision rejected"),
    "reply_submitted": _("Reply submitted for approval"),
    "reply_approved": _("Reply approved"),
    "reply_returned": _("Reply returned"),
    "reply_sent": _("Reply sent"),
    "implemented": _("Implementation recorded"),
    "verified": _("Verified effective"),
    "not_effective": _("Verified not effective"),
    "training": _("Training recorded"),
    "closure_returned": _("Closure returned"),
    "closed": _("Closed"),
    "archived": _("Follow-up call: archived"),
    "reopened": _("Follow-up call: reopened"),
    "void": _("Voided"),
    "open": _("Opened"),
    "action_added": _("Action planned"),
    "action_done": _("Action done"),
    "action_cancelled": _("Action cancelled"),
    "check_planned": _("Effectiveness check planned"),
    "check_passed": _("Effectiveness check passed"),
    "check_failed": _("Effectiveness check failed: reopened"),
}
