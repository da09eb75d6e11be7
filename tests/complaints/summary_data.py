"""The data set of the summary tests, October of last year, with the figures worked out by hand.

Times are Asia/Shanghai. Complaints (A–G), returns (R1–R4) and claims (K1–K5):

=====  ========  =======  ==========  =======  =====================================================
 id    customer  product  category    valid    notes
=====  ========  =======  ==========  =======  =====================================================
 A     Alpha     P1       dimension   yes      archived; analysis 6 h, first handling 24 h,
                                               containment 20 h, reply 72 h (late), closed after 240 h
 B     Alpha     P2       appearance  yes      urgent; analysis 14 h (late), handled 24 h, contained
                                               12 h, reply 22 h; reopened once, final closure 240 h
 C     Beta      P1       dimension   no       closed after 24 h; handled 2 h; registered by sales2
 D     Beta      P1       dimension   yes      containment open and overdue (open step past due)
 E     Gamma     P3       packaging   –        voided: only in the voided count
 F     Alpha     P1       dimension   –        received 30 Sep: outside the month
 G     Gamma     P3       packaging   –        received 31 Oct 23:30 local (inside), analysis open
=====  ========  =======  ==========  =======  =====================================================
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from complaints.choices import ComplaintStatus, DefectCategory, Severity
from complaints.models import Claim, ComplaintStep, CustomerReturn
from complaints.models.claims import ClaimStatus, claim_number
from complaints.models.returns import ReturnStatus
from tests.complaints import records

TZ = ZoneInfo("Asia/Shanghai")
#: The data set's year: last year, so October lies in the past on any day the tests run.
YEAR = datetime.datetime.now(TZ).year - 1
S = ComplaintStatus


def at(month, day, hour, minute=0):
    return datetime.datetime(YEAR, month, day, hour, minute, tzinfo=TZ)


EXPECTED = {
    "total": 5,
    "voided": 1,
    "by_customer": [("Alpha Auto", 2, 40.0), ("Beta Motors", 2, 40.0), ("Gamma Parts", 1, 20.0)],
    "by_product": [("P1", 3), ("P2", 1), ("P3", 1)],
    "pareto": [("dimension", 3, 60.0, 60.0), ("appearance", 1, 20.0, 80.0), ("packaging", 1, 20.0, 100.0)],
    "validity": {"valid": 3, "not_valid": 1, "undecided": 1},
    "severity": {"urgent": 1, "normal": 4},
    "open": 2,
    "overdue": 1,
    "mean_first_handling": 16.7,  # (24 + 24 + 2) / 3
    "mean_closure": 168.0,  # (240 + 240 + 24) / 3
    "reopened": 1,
    # step: on time, late, open overdue, rate
    "deadlines": {
        "analysis": (3, 1, 1, 60.0),
        "first_handling": (3, 0, 2, 60.0),
        "containment": (2, 0, 1, 66.7),
        "reply": (1, 1, 1, 33.3),
        "return_disposition": (1, 0, 1, 50.0),
        "rework": (0, 1, 0, 0.0),
    },
    "returns": {"count": 2, "open": 1, "received_qty": 150, "ng_qty": 10, "scrap_qty": 2, "redelivered_qty": 100},
    "claims": {"count": 3, "claimed": Decimal("18000.00"), "accepted": Decimal("8000.00"), "rejected": 1, "open": 1},
}


def build(p):
    """Write the data set through the ORM and return the complaints by letter."""
    from tests.factories import UserFactory

    alpha = records.customer("ALPHA", "Alpha Auto")
    beta = records.customer("BETA", "Beta Motors")
    gamma = records.customer("GAMMA", "Gamma Parts")
    sales2 = UserFactory(username="sales2", groups=["Sales and customer service"])

    def make(cust, product, category, received, status, registered_by=None, **fields):
        return records.complaint(
            registered_by=registered_by or p.sales,
            cust=cust,
            product=product,
            category=category,
            received_at=received,
            status=status,
            **fields,
        )

    c = {}
    c["A"] = make(
        alpha, "P1", DefectCategory.DIMENSION, at(10, 5, 8), S.ARCHIVED,
        is_valid=True, validity_decided_at=at(10, 5, 14), first_handled_at=at(10, 6, 8),
        contained_at=at(10, 6, 10), reply_sent_at=at(10, 8, 14), closed_at=at(10, 15, 8),
    )  # fmt: skip
    c["B"] = make(
        alpha, "P2", DefectCategory.APPEARANCE, at(10, 10, 8), S.CLOSED, severity=Severity.URGENT,
        is_valid=True, validity_decided_at=at(10, 10, 22), first_handled_at=at(10, 11, 8),
        contained_at=at(10, 11, 10), reply_sent_at=at(10, 11, 20), first_closed_at=at(10, 15, 8),
        closed_at=at(10, 20, 8), reopen_count=1, last_reopened_at=at(10, 16, 8),
    )  # fmt: skip
    c["C"] = make(
        beta, "P1", DefectCategory.DIMENSION, at(10, 12, 8), S.CLOSED, registered_by=sales2,
        is_valid=False, validity_decided_at=at(10, 12, 10), first_handled_at=at(10, 12, 10),
        closed_at=at(10, 13, 8),
    )  # fmt: skip
    c["D"] = make(
        beta, "P1", DefectCategory.DIMENSION, at(10, 20, 8), S.CONTAINMENT,
        is_valid=True, validity_decided_at=at(10, 20, 12),
    )  # fmt: skip
    ComplaintStep.objects.create(complaint=c["D"], kind="containment", opened_at=at(10, 20, 12), due_at=at(10, 21, 12))
    c["E"] = make(gamma, "P3", DefectCategory.PACKAGING, at(10, 3, 8), S.VOID, void_reason="重复")
    c["F"] = make(alpha, "P1", DefectCategory.DIMENSION, at(9, 30, 8), S.ANALYSIS)
    c["G"] = make(gamma, "P3", DefectCategory.PACKAGING, at(10, 31, 23, 30), S.ANALYSIS)

    def ret(number, complaint, received, qty, status, **fields):
        return CustomerReturn.objects.create(
            number=number,
            complaint=complaint,
            product=complaint.product,
            received_at=received,
            received_by=p.warehouse,
            received_qty=qty,
            status=status,
            **fields,
        )

    ret(
        "RT-T-1", c["A"], at(10, 6, 9), 100, ReturnStatus.CLOSED,
        quality_received_at=at(10, 6, 10), disposition_due_at=at(10, 6, 22), disposed_at=at(10, 6, 20),
        ok_qty=90, ng_qty=10, rework_qty=8, scrap_proposed_qty=2, rework_due_at=at(10, 7, 20),
        reworked_at=at(10, 8, 8), rework_ok_qty=8, rework_ng_qty=0, scrap_qty=2,
        redelivered_qty=100, replacement_qty=2,
    )  # fmt: skip
    ret(
        "RT-T-2", c["D"], at(10, 21, 9), 50, ReturnStatus.AT_QUALITY,
        quality_received_at=at(10, 21, 10), disposition_due_at=at(10, 21, 22),
    )  # fmt: skip
    ret("RT-T-3", c["B"], at(10, 12, 9), 20, ReturnStatus.VOIDED, void_reason="录错")
    ret("RT-T-4", c["A"], at(11, 2, 9), 7, ReturnStatus.RECEIVED)

    def claim(serial, complaint, registered, amount, status, **fields):
        return Claim.objects.create(
            number=claim_number(registered.year, registered.month, serial),
            year=registered.year,
            month=registered.month,
            serial=serial,
            customer=complaint.customer,
            complaint=complaint,
            received_on=registered.date(),
            amount=Decimal(amount),
            reason="r",
            registered_by=p.sales,
            registered_at=registered,
            status=status,
            **fields,
        )

    claim(1, c["A"], at(10, 9, 9), "10000", ClaimStatus.BOOKED, accepted_amount=Decimal("8000"))
    claim(2, c["B"], at(10, 12, 9), "5000", ClaimStatus.REJECTED, accepted_amount=Decimal("5000"))
    claim(3, c["D"], at(10, 22, 9), "3000", ClaimStatus.REGISTERED)
    claim(4, c["D"], at(10, 23, 9), "999", ClaimStatus.VOIDED, void_reason="撤回")
    claim(1, c["A"], at(11, 1, 9), "777", ClaimStatus.REGISTERED)
    return c
