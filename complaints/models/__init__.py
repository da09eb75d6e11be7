"""Models of the complaints app. Other helpers' submodules are imported at the end."""

from .capa import Capa, CapaAction, CapaEvent, EffectivenessCheck
from .complaint import ChangeTraining, Complaint, ComplaintAttachment, ComplaintEvent, ComplaintStep, FollowUpCall
from .customer import Customer, CustomerContact
from .deadlines import DeadlineRule, SentReminder
from .numbering import NumberCounter, next_serial

__all__ = [
    "Capa",
    "CapaAction",
    "CapaEvent",
    "ChangeTraining",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintEvent",
    "ComplaintStep",
    "Customer",
    "CustomerContact",
    "DeadlineRule",
    "EffectivenessCheck",
    "FollowUpCall",
    "NumberCounter",
    "SentReminder",
    "next_serial",
]
from .claims import Claim, ClaimCountersignature  # noqa: E402, F401
from .returns import CustomerReturn, ReturnEvent  # noqa: E402, F401
