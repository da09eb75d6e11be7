"""Customer claims: numbering (also under concurrent creation), the workflow services with
every forbidden move, and the views."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from complaints.models import Claim
from complaints.models.claims import ClaimKind, ClaimStatus, Liability, claim_number
from complaints.services import claims as svc
from complaints.summary import build_summary, month_period
from core.errors import DomainError
from tests.complaints import records


@pytest.fixture
def p(org_tree):
    return records.people(org_tree)


@pytest.fixture
def customer(db):
    return records.customer()


def _register(p, customer, kind=ClaimKind.QUALITY, **kw):
    kw.setdefault("planning_department", p.tree.prod if kind == ClaimKind.DELIVERY else None)
    return svc.claim_register(
        actor=p.sales,
        customer=customer,
        kind=kind,
        amount=Decimal("12000.00"),
        reason="批量尺寸超差导致停线",
        **{"received_on": timezone.localdate(), **kw},
    )


def _confirmed(p, customer, departments=None):
    claim = _register(p, customer)
    return svc.claim_confirm(
        actor=p.qa_engineer,
        claim=claim,
        cause="模具磨损未及时更换",
        liability=Liability.OURS,
        departments=departments or [p.tree.qa, p.tree.prod],
        accepted_amount=Decimal("10000.00"),
    )


def _to(p, customer, state):
    claim = _register(p, customer)
    if state == ClaimStatus.REGISTERED:
        return claim
    claim = svc.claim_confirm(
        actor=p.qa_engineer, claim=claim, cause="c", liability=Liability.OURS, departments=[p.tree.qa, p.tree.prod]
    )
    if state == ClaimStatus.CONFIRMED:
        return claim
    svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.qa)
    claim = svc.claim_countersign(actor=p.prod_head, claim=claim, department=p.tree.prod)
    if state == ClaimStatus.COUNTERSIGNED:
        return claim
    claim = svc.claim_approve(actor=p.gm, claim=claim)
    if state == ClaimStatus.APPROVED:
        return claim
    return svc.claim_book(actor=p.finance, claim=claim, voucher="记-118")


# Numbers ----------------------------------------------------------------------------------


def test_numbers_are_year_month_and_two_digit_serial(p, customer):
    first, second = _register(p, customer), _register(p, customer)
    now = timezone.localtime()
    assert first.number == f"MRKT-{now:%Y%m}01"
    assert second.number == f"MRKT-{now:%Y%m}02"
    assert (second.year, second.month, second.serial) == (now.year, now.month, 2)


def test_the_serial_restarts_each_month(p, customer):
    last_month = timezone.localdate() - datetime.timedelta(days=40)
    old = _register(p, customer, received_on=last_month)
    new = _register(p, customer)
    assert old.number.endswith("01") and new.number.endswith("01")
    assert old.number != new.number


def test_after_99_the_serial_widens_to_three_digits_and_sorting_stays_right():
    year = timezone.localdate().year
    assert claim_number(year, 11, 99) == f"MRKT-{year}1199"
    assert claim_number(year, 11, 100) == f"MRKT-{year}11100"


def test_the_hundredth_claim_of_a_month_gets_a_three_digit_serial(p, customer):
    from complaints.models import NumberCounter

    now = timezone.localtime()
    NumberCounter.objects.create(key=f"MRKT-{now:%Y%m}", last=99)
    claim = _register(p, customer)
    assert claim.number == f"MRKT-{now:%Y%m}100"
    earlier = _register(p, customer, received_on=timezone.localdate() - datetime.timedelta(days=40))
    assert list(Claim.objects.values_list("pk", flat=True)) == [claim.pk, earlier.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("months_back", [0, 1])
def test_concurrent_registrations_get_distinct_numbers(org_tree, months_back):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; row locks need PostgreSQL (CI sets DATABASE_URL)")
    p = records.people(org_tree)
    cust = records.customer()
    raised = timezone.localdate()
    if months_back:  # a claim of last month typed in now takes last month's numbers
        raised = raised.replace(day=1) - datetime.timedelta(days=1)
    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def register():
        try:
            barrier.wait()
            numbers.append(_register(p, cust, received_on=raised).number)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"MRKT-{raised:%Y%m}{n:02d}" for n in range(1, 7)]


# Workflow ---------------------------------------------------------------------------------


def test_full_claim_path_is_countersigned_by_each_department_head(p, customer):
    claim = _confirmed(p, customer)
    assert claim.status == ClaimStatus.CONFIRMED
    assert {s.department for s in claim.countersignatures.all()} == {p.tree.qa, p.tree.prod}
    assert svc.can_do(p.prod_head, claim, "countersign") and not svc.can_do(p.gm, claim, "countersign")
    claim = svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.qa, comment="同意")
    assert claim.status == ClaimStatus.CONFIRMED  # production has not signed
    claim = svc.claim_countersign(actor=p.prod_head, claim=claim, department=p.tree.prod)
    assert claim.status == ClaimStatus.COUNTERSIGNED
    claim = svc.claim_approve(actor=p.gm, claim=claim, comment="按确认金额赔付")
    claim = svc.claim_book(actor=p.finance, claim=claim, voucher="记-118")
    claim.refresh_from_db()
    assert (claim.status, claim.booked_by, claim.voucher, claim.accepted_amount) == (
        ClaimStatus.BOOKED,
        p.finance,
        "记-118",
        Decimal("10000.00"),
    )
    users = list(claim.history.order_by("history_date").values_list("history_user__username", flat=True))
    assert users == ["sales", "qaengineer", "prodhead", "gm", "finance"]


def test_a_department_head_cannot_sign_for_another_department(p, customer):
    claim = _confirmed(p, customer)
    with pytest.raises(PermissionDenied):
        svc.claim_countersign(actor=p.prod_head, claim=claim, department=p.tree.qa)
    assert not claim.countersignatures.filter(signed_at__isnull=False).exists()


def test_a_department_cannot_sign_twice_or_when_not_involved(p, customer, english):
    claim = _confirmed(p, customer, departments=[p.tree.qa, p.tree.prod])
    svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.qa)
    with pytest.raises(DomainError, match="already countersigned"):
        svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.qa)
    with pytest.raises(DomainError, match="not involved"):
        svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.w1)


def test_delivery_claim_is_confirmed_by_the_planning_head_not_by_quality(p, customer):
    claim = _register(p, customer, kind=ClaimKind.DELIVERY)
    assert not svc.can_do(p.qa_engineer, claim, "confirm")
    with pytest.raises(PermissionDenied):
        svc.claim_confirm(actor=p.qa_engineer, claim=claim, cause="c", liability="ours", departments=[p.tree.prod])
    claim = svc.claim_confirm(
        actor=p.prod_head, claim=claim, cause="排产延误", liability="ours", departments=[p.tree.prod]
    )
    assert claim.status == ClaimStatus.CONFIRMED and claim.confirmed_by == p.prod_head


def test_delivery_claim_needs_a_planning_department(p, customer):
    with pytest.raises(DomainError):
        _register(p, customer, kind=ClaimKind.DELIVERY, planning_department=None)
    assert not Claim.objects.exists()


def test_only_sales_registers_claims(p, customer):
    for actor in (p.qa_engineer, p.finance, p.gm, p.operator):
        with pytest.raises(PermissionDenied):
            svc.claim_register(
                actor=actor, customer=customer, kind="quality", amount=1, reason="x", received_on=timezone.localdate()
            )
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("state", "action", "actor_name"),
    [
        (ClaimStatus.REGISTERED, "confirm", "sales"),
        (ClaimStatus.REGISTERED, "confirm", "finance"),
        (ClaimStatus.COUNTERSIGNED, "approve", "qm"),
        (ClaimStatus.COUNTERSIGNED, "approve", "finance"),
        (ClaimStatus.COUNTERSIGNED, "reject", "sales"),
        (ClaimStatus.APPROVED, "book", "gm"),
        (ClaimStatus.APPROVED, "book", "sales"),
        (ClaimStatus.REGISTERED, "void", "sales"),
        (ClaimStatus.REGISTERED, "void", "finance"),
    ],
)
def test_wrong_role_is_refused_and_nothing_changes(p, customer, state, action, actor_name):
    claim = _to(p, customer, state)
    actor = getattr(p, actor_name)
    before = claim.history.count()
    assert not svc.can_do(actor, claim, action)
    with pytest.raises(PermissionDenied):
        _call(p, claim, action, actor)
    claim.refresh_from_db()
    assert claim.status == state and claim.history.count() == before


def _call(p, claim, action, actor, **kw):
    return {
        "confirm": lambda: svc.claim_confirm(
            actor=actor, claim=claim, cause="c", liability="ours", departments=[p.tree.qa], **kw
        ),
        "countersign": lambda: svc.claim_countersign(actor=actor, claim=claim, department=p.tree.qa, **kw),
        "approve": lambda: svc.claim_approve(actor=actor, claim=claim, **kw),
        "reject": lambda: svc.claim_reject(actor=actor, claim=claim, comment="no", **kw),
        "book": lambda: svc.claim_book(actor=actor, claim=claim, voucher="V1", **kw),
        "void": lambda: svc.claim_void(actor=actor, claim=claim, reason="dup", **kw),
    }[action]()


@pytest.mark.parametrize(
    ("state", "action", "actor_name"),
    [
        (ClaimStatus.REGISTERED, "countersign", "qm"),
        (ClaimStatus.REGISTERED, "approve", "gm"),
        (ClaimStatus.CONFIRMED, "approve", "gm"),
        (ClaimStatus.REGISTERED, "book", "finance"),
        (ClaimStatus.COUNTERSIGNED, "book", "finance"),
        (ClaimStatus.COUNTERSIGNED, "confirm", "qa_engineer"),
        (ClaimStatus.BOOKED, "void", "gm"),
        (ClaimStatus.BOOKED, "approve", "gm"),
    ],
)
def test_steps_cannot_be_skipped_or_repeated(p, customer, state, action, actor_name, english):
    claim = _to(p, customer, state)
    before = claim.history.count()
    with pytest.raises(DomainError, match="is not possible now"):
        _call(p, claim, action, getattr(p, actor_name))
    claim.refresh_from_db()
    assert claim.status == state and claim.history.count() == before


def test_gm_rejects_with_a_reason(p, customer):
    claim = _to(p, customer, ClaimStatus.COUNTERSIGNED)
    with pytest.raises(DomainError):
        svc.claim_reject(actor=p.gm, claim=claim, comment=" ")
    claim = svc.claim_reject(actor=p.gm, claim=claim, comment="客户自身装配问题")
    assert claim.status == ClaimStatus.REJECTED


def test_void_needs_a_reason(p, customer):
    claim = _register(p, customer)
    with pytest.raises(DomainError):
        svc.claim_void(actor=p.qm, claim=claim, reason="")
    claim = svc.claim_void(actor=p.qm, claim=claim, reason="客户撤回")
    assert (claim.status, claim.void_reason) == (ClaimStatus.VOIDED, "客户撤回")


def test_accepted_amount_cannot_exceed_the_claim(p, customer):
    claim = _register(p, customer)
    with pytest.raises(DomainError):
        svc.claim_confirm(
            actor=p.qa_engineer,
            claim=claim,
            cause="c",
            liability="ours",
            departments=[p.tree.qa],
            accepted_amount=99999,
        )


# Views ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, p, customer):
    claim = _register(p, customer)
    response = client.get(reverse("complaints:claim_detail", args=[claim.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_a_claim_role_gets_403_on_list_and_404_on_detail(client, p, customer):
    claim = _register(p, customer)
    client.force_login(p.operator)
    assert client.get(reverse("complaints:claim_list")).status_code == 403
    assert client.get(reverse("complaints:claim_detail", args=[claim.pk])).status_code == 404


def test_sales_registers_a_claim_through_the_form(client, p, customer):
    client.force_login(p.sales)
    url = reverse("complaints:claim_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "customer": customer.pk,
            "kind": "quality",
            "amount": "3500.50",
            "reason": "外观划伤",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.amount == Decimal("3500.50") and claim.registered_by == p.sales


def test_gm_approves_through_the_page_and_finance_cannot(client, p, customer):
    claim = _to(p, customer, ClaimStatus.COUNTERSIGNED)
    client.force_login(p.finance)
    assert client.post(reverse("complaints:claim_action", args=[claim.pk, "approve"]), {}).status_code == 403
    client.force_login(p.gm)
    page = client.get(reverse("complaints:claim_detail", args=[claim.pk]))
    assert claim.number in page.content.decode()
    response = client.post(reverse("complaints:claim_action", args=[claim.pk, "approve"]), {"comment": "同意"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == p.gm


def test_head_countersigns_through_the_page(client, p, customer):
    claim = _to(p, customer, ClaimStatus.CONFIRMED)
    client.force_login(p.prod_head)
    response = client.post(
        reverse("complaints:claim_action", args=[claim.pk, "countersign"]), {"department": p.tree.prod.pk}
    )
    assert response.status_code == 302
    assert claim.countersignatures.get(department=p.tree.prod).signed_by == p.prod_head


def test_claim_list_has_constant_query_count(client, p, customer, django_assert_max_num_queries):
    for _ in range(3):
        _confirmed(p, customer)
    client.force_login(p.gm)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:claim_list"))
    assert response.content.decode().count("MRKT-") >= 3
    for _ in range(5):
        _register(p, customer)
    with django_assert_max_num_queries(12):
        client.get(reverse("complaints:claim_list"))


def test_inbox_shows_each_role_the_claims_waiting_for_it(rf, p, customer):
    from complaints.returns_claims_inbox import inbox_context

    confirmed = _to(p, customer, ClaimStatus.CONFIRMED)
    countersigned = _to(p, customer, ClaimStatus.COUNTERSIGNED)
    approved = _to(p, customer, ClaimStatus.APPROVED)

    def shown(user):
        request = rf.get("/")
        request.user = user
        section = inbox_context(request)
        return [c.number for c in section["claims"]] if section else []

    assert shown(p.prod_head) == [confirmed.number]
    assert shown(p.gm) == [countersigned.number]
    assert shown(p.finance) == [approved.number]
    assert shown(p.operator) == []


# Claim date and when each step happened --------------------------------------------------


@pytest.fixture
def frozen():
    """The clock stopped at 10:00 today in the company's time zone."""
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    with time_machine.travel(now, tick=False):
        yield now


def _previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=20)


def test_a_claim_of_last_month_entered_today_is_numbered_and_counted_in_last_month(p, customer, frozen):
    raised = _previous_month(frozen.date())
    claim = _register(p, customer, received_on=raised)
    assert claim.number == f"MRKT-{raised:%Y%m}01"
    assert (claim.year, claim.month, claim.registered_at) == (raised.year, raised.month, frozen)
    last = build_summary(p.qm, month_period(f"{raised:%Y-%m}"))
    this = build_summary(p.qm, month_period(f"{frozen:%Y-%m}"))
    assert (last.claims["count"], last.claims["claimed"], last.claims["open"]) == (1, Decimal("12000.00"), 1)
    assert this.claims["count"] == 0
    assert _register(p, customer).number == f"MRKT-{frozen:%Y%m}01"


def test_a_claim_date_in_the_future_is_refused_and_uses_no_number(p, customer, frozen, english):
    from complaints.models import NumberCounter

    with pytest.raises(DomainError, match="claim date cannot lie in the future"):
        _register(p, customer, received_on=frozen.date() + datetime.timedelta(days=1))
    assert not Claim.objects.exists() and not NumberCounter.objects.exists()


def test_steps_recorded_late_keep_when_they_happened_when_recorded_and_by_whom(p, customer, frozen):
    raised = frozen.date() - datetime.timedelta(days=6)
    claim = _register(p, customer, received_on=raised)
    days = [frozen - datetime.timedelta(days=n, hours=3) for n in (5, 4, 3, 2, 1)]
    svc.claim_confirm(
        actor=p.qa_engineer,
        claim=claim,
        cause="c",
        liability=Liability.OURS,
        departments=[p.tree.qa, p.tree.prod],
        happened_at=days[0],
    )
    # The departments sign in either order.
    svc.claim_countersign(actor=p.prod_head, claim=claim, department=p.tree.prod, happened_at=days[2])
    svc.claim_countersign(actor=p.qm, claim=claim, department=p.tree.qa, happened_at=days[1])
    svc.claim_approve(actor=p.gm, claim=claim, happened_at=days[3])
    svc.claim_book(actor=p.finance, claim=claim, voucher="V-1", happened_at=days[4])
    claim.refresh_from_db()
    assert (claim.confirmed_at, claim.confirmed_recorded_at, claim.confirmed_by) == (days[0], frozen, p.qa_engineer)
    assert (claim.decided_at, claim.decided_recorded_at, claim.decided_by) == (days[3], frozen, p.gm)
    assert (claim.booked_at, claim.booked_recorded_at, claim.booked_by) == (days[4], frozen, p.finance)
    signed = {s.department: (s.signed_at, s.recorded_at, s.signed_by) for s in claim.countersignatures.all()}
    assert signed == {p.tree.qa: (days[1], frozen, p.qm), p.tree.prod: (days[2], frozen, p.prod_head)}


def test_a_step_without_a_time_happened_now(p, customer, frozen):
    claim = svc.claim_void(actor=p.qm, claim=_register(p, customer), reason="录错")
    claim.refresh_from_db()
    assert (claim.voided_at, claim.voided_recorded_at, claim.voided_by) == (frozen, frozen, p.qm)


@pytest.mark.parametrize(
    ("state", "action", "actor_name", "too_early"),
    [
        (ClaimStatus.REGISTERED, "confirm", "qa_engineer", "the claim date"),
        (ClaimStatus.CONFIRMED, "countersign", "qm", "the confirmation"),
        (ClaimStatus.COUNTERSIGNED, "approve", "gm", "the last countersignature"),
        (ClaimStatus.COUNTERSIGNED, "reject", "gm", "the last countersignature"),
        (ClaimStatus.APPROVED, "book", "finance", "the general manager"),
        (ClaimStatus.APPROVED, "void", "qm", "the general manager"),
    ],
)
def test_a_time_in_the_future_or_before_the_previous_step_is_refused_and_nothing_changes(
    p, customer, frozen, english, state, action, actor_name, too_early
):
    claim = _to(p, customer, state)
    before = (claim.history.count(), list(claim.countersignatures.values_list("signed_at", "recorded_at")))
    actor = getattr(p, actor_name)
    previous, _name = svc.previous_step_at(claim)
    for when, message in (
        (frozen + datetime.timedelta(minutes=1), "cannot lie in the future"),
        (previous - datetime.timedelta(minutes=1), f"before {too_early}"),
    ):
        with pytest.raises(DomainError, match=message):
            _call(p, claim, action, actor, happened_at=when)
        claim.refresh_from_db()
        after = (claim.history.count(), list(claim.countersignatures.values_list("signed_at", "recorded_at")))
        assert claim.status == state and after == before


def test_the_page_records_a_late_step_and_shows_both_times(client, p, customer, frozen):
    with time_machine.travel(frozen - datetime.timedelta(hours=5), tick=False):
        claim = _to(p, customer, ClaimStatus.COUNTERSIGNED)
    happened = timezone.localtime(frozen - datetime.timedelta(hours=2, minutes=30))
    client.force_login(p.gm)
    response = client.post(
        reverse("complaints:claim_action", args=[claim.pk, "approve"]),
        {"comment": "同意", "happened_at": f"{happened:%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.decided_at, claim.decided_recorded_at) == (happened, frozen)
    page = client.get(reverse("complaints:claim_detail", args=[claim.pk])).content.decode()
    assert f"{happened:%Y-%m-%d %H:%M}" in page and f"{timezone.localtime(frozen):%Y-%m-%d %H:%M}" in page


def test_the_page_refuses_a_future_step_with_a_message(client, p, customer, frozen, english):
    claim = _to(p, customer, ClaimStatus.APPROVED)
    client.force_login(p.finance)
    future = timezone.localtime(frozen + datetime.timedelta(hours=1))
    response = client.post(
        reverse("complaints:claim_action", args=[claim.pk, "book"]),
        {"voucher": "V-9", "happened_at": f"{future:%Y-%m-%dT%H:%M}"},
        follow=True,
    )
    assert "cannot lie in the future" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.booked_at is None
