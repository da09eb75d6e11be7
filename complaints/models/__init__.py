"""Models of the complaints app."""

from .capa import Capa, CapaAction, CapaEvent, EffectivenessCheck
from .claims import Claim, ClaimCountersignature
from .complaint import ChangeTraining, Complaint, ComplaintAttachment, ComplaintEvent, ComplaintStep, FollowUpCall
from .customer import Customer, CustomerContact
from .deadlines import DeadlineRule, SentReminder
from .numbering import NumberCounter, next_serial
from .returns import CustomerReturn, ReturnEvent

__all__ = [
    "Capa",
    "CapaAction",
    "CapaEvent",
    "ChangeTraining",
    "Claim",
    "ClaimCountersignature",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintStep",
    "Customer",
    "CustomerContact",
    "CustomerReturn",
    "DeadlineRule",
    "EffectivenessCheck",
    "FollowUpCall",
    "NumberCounter",
    "ReturnEvent",
    "SentReminder",
    "next_serial",
]
