"""Synthetic complaints for the benchmarks (``bench/complaints_bench.py``): by default 10 000
complaints over the last twelve months, spread over 40 customers, every state and both
severities, with their open steps, 1 000 returns and 300 claims.

Bench data only: rows are written with ``bulk_create`` (no services, no history) so that
10 000 complaints take seconds. Numbers start with ``BENCH-``; the command tops the set up to
the size asked for and does nothing when it is already there.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus, DefectCategory, Severity, StepKind
from complaints.models import Claim, Complaint, ComplaintStep, Customer, CustomerReturn
from complaints.models.claims import ClaimKind, ClaimStatus
from complaints.models.returns import ReturnStatus

BATCH = 1000
S = ComplaintStatus
#: state → (open step kind or None, share of the complaints)
STATES = [
    (S.ARCHIVED, None, 45),
    (S.CLOSED, StepKind.FOLLOW_UP, 8),
    (S.REGISTERED, StepKind.HANDOVER, 3),
    (S.ANALYSIS, StepKind.ANALYSIS, 4),
    (S.NOT_VALID, StepKind.CUSTOMER_CONFIRMATION, 3),
    (S.CONTAINMENT, StepKind.CONTAINMENT, 4),
    (S.ROOT_CAUSE, StepKind.ROOT_CAUSE, 5),
    (S.CAPA_DECISION, StepKind.CAPA_DECISION, 3),
    (S.REPLY_DRAFT, StepKind.REPLY_DRAFT, 3),
    (S.REPLY_APPROVAL, StepKind.REPLY_APPROVAL, 2),
    (S.IMPLEMENTATION, StepKind.IMPLEMENTATION, 6),
    (S.VERIFICATION, StepKind.VERIFICATION, 5),
    (S.TRAINING, StepKind.TRAINING, 3),
    (S.CLOSURE, StepKind.CLOSURE, 2),
    (S.VOID, None, 4),
]
PRODUCTS = [f"BENCH-P{n:02d}" for n in range(1, 31)]


class Command(BaseCommand):
    help = "Create synthetic complaints, returns and claims for the benchmarks (bulk; bench data only)."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, default=10_000)

    @transaction.atomic
    def handle(self, *args, complaints, **options):
        rng = random.Random(10_000)
        user, _ = get_user_model().objects.get_or_create(username="bench-qa", defaults={"first_name": "Bench QA"})
        customers = [
            Customer.objects.get_or_create(code=f"BENCH-C{n:03d}", defaults={"name": f"基准客户 {n:03d}"})[0]
            for n in range(1, 41)
        ]
        existing = Complaint.objects.filter(number__startswith="BENCH-").count()
        wanted = complaints - existing
        if wanted <= 0:
            self.stdout.write(f"{existing} bench complaints already there.")
            return
        now = timezone.now()
        weights = [share for _s, _k, share in STATES]
        categories = DefectCategory.values
        made = 0
        while made < wanted:
            size = min(BATCH, wanted - made)
            rows, steps = [], []
            for i in range(size):
                serial = existing + made + i + 1
                status, step_kind, _share = rng.choices(STATES, weights)[0]
                received = now - datetime.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
                valid = None if status in (S.REGISTERED, S.ANALYSIS) else status != S.NOT_VALID
                decided = received + datetime.timedelta(hours=rng.uniform(1, 20)) if valid is not None else None
                finished = status in (S.CLOSED, S.ARCHIVED)
                closed = received + datetime.timedelta(hours=rng.uniform(100, 900)) if finished else None
                rows.append(
                    Complaint(
                        number=f"BENCH-{serial:06d}",
                        status=status,
                        received_at=received,
                        channel=rng.choice(Channel.values),
                        customer=rng.choice(customers),
                        product=rng.choice(PRODUCTS),
                        quantity=1000,
                        defective_quantity=rng.randint(1, 50),
                        defect_category=rng.choice(categories),
                        description="基准测试数据",
                        severity=Severity.URGENT if rng.random() < 0.3 else Severity.NORMAL,
                        registered_by=user,
                        quality_owner=user,
                        is_valid=valid,
                        validity_decided_at=decided,
                        first_handled_at=decided,
                        contained_at=decided + datetime.timedelta(hours=rng.uniform(2, 40)) if valid else None,
                        reply_sent_at=decided + datetime.timedelta(hours=rng.uniform(10, 70))
                        if valid and finished
                        else None,
                        closed_at=min(closed, now) if closed else None,
                        voided_at=received if status == S.VOID else None,
                        void_reason="基准" if status == S.VOID else "",
                        created_at=received,
                    )
                )
            Complaint.objects.bulk_create(rows)
            created = Complaint.objects.filter(number__in=[r.number for r in rows]).values_list(
                "pk", "status", "received_at"
            )
            kinds = {status: kind for status, kind, _ in STATES}
            for pk, status, received in created:
                kind = kinds.get(status)
                if kind:
                    opened = received + datetime.timedelta(hours=2)
                    due = opened + datetime.timedelta(hours=rng.choice([12, 24, 48, 168, 2000]))
                    steps.append(ComplaintStep(complaint_id=pk, kind=kind, assignee=user, opened_at=opened, due_at=due))
            ComplaintStep.objects.bulk_create(steps)
            made += size
            self.stdout.write(f"  {existing + made} complaints …")
        self.returns_and_claims(rng, user, now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Bench data: {Complaint.objects.filter(number__startswith='BENCH-').count()} complaints."
            )
        )

    def returns_and_claims(self, rng, user, now):
        valid = list(
            Complaint.objects.filter(number__startswith="BENCH-", is_valid=True).values_list(
                "pk", "customer_id", "received_at"
            )[:1300]
        )
        returns, claims = [], []
        start = CustomerReturn.objects.filter(number__startswith="BENCH-RT").count()
        for n, (pk, _customer, received) in enumerate(valid[:1000]):
            qty = rng.randint(10, 400)
            ng = rng.randint(0, qty // 4)
            done = rng.random() < 0.7
            at = received + datetime.timedelta(hours=30)
            returns.append(
                CustomerReturn(
                    number=f"BENCH-RT{start + n + 1:05d}",
                    complaint_id=pk,
                    status=ReturnStatus.CLOSED if done else ReturnStatus.AT_QUALITY,
                    product="BENCH",
                    received_at=min(at, now),
                    received_by=user,
                    received_qty=qty,
                    quality_received_at=min(at, now),
                    disposition_due_at=min(at, now) + datetime.timedelta(hours=12),
                    disposed_at=min(at, now) + datetime.timedelta(hours=rng.uniform(2, 16)) if done else None,
                    ok_qty=qty - ng if done else None,
                    ng_qty=ng if done else None,
                    scrap_qty=ng // 3 if done else None,
                    redelivered_qty=qty if done else None,
                )
            )
        CustomerReturn.objects.bulk_create(returns)
        statuses = ClaimStatus.values
        serials = {}
        for pk, customer, received in valid[1000:1300]:
            at = min(received + datetime.timedelta(days=3), now)
            local = timezone.localtime(at)
            key = (local.year, local.month)
            serials[key] = serials.get(key, Claim.objects.filter(year=local.year, month=local.month).count()) + 1
            serial = serials[key]
            claims.append(
                Claim(
                    number=f"BENCH-{local:%Y%m}{serial:03d}",
                    year=local.year,
                    month=local.month,
                    serial=serial + 5000,
                    kind=ClaimKind.QUALITY,
                    status=rng.choice(statuses),
                    customer_id=customer,
                    complaint_id=pk,
                    received_on=local.date(),
                    amount=Decimal(rng.randint(500, 50000)),
                    accepted_amount=Decimal(rng.randint(0, 500)),
                    reason="基准",
                    registered_by=user,
                    registered_at=at,
                    void_reason="",
                )
            )
        for claim in claims:
            if claim.status == ClaimStatus.VOIDED:
                claim.void_reason = "基准"
        Claim.objects.bulk_create(claims)
        self.stdout.write(f"  {len(returns)} returns, {len(claims)} claims")
