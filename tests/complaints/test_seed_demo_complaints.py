"""The demo data command: every state of complaints, returns and claims, and idempotent."""

import io

import pytest
from django.core.management import call_command

from complaints.choices import ComplaintStatus
from complaints.models import Claim, Complaint, CustomerReturn
from complaints.models.claims import ClaimStatus
from complaints.models.returns import ReturnStatus


@pytest.mark.django_db
def test_seed_demo_complaints_covers_every_state_and_runs_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_complaints", stdout=out)
    assert "Demo complaints: 52 added" in out.getvalue()
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus.values)
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    assert set(CustomerReturn.objects.values_list("status", flat=True)) == set(ReturnStatus.values)
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    # Back-dated: a year of complaints, with real history rows by the acting users.
    oldest = Complaint.objects.order_by("received_at").first()
    assert (Complaint.objects.order_by("-received_at").first().received_at - oldest.received_at).days > 300
    assert oldest.history.filter(history_user__username="qa").exists()
    counts = (Complaint.objects.count(), CustomerReturn.objects.count(), Claim.objects.count())
    again = io.StringIO()
    call_command("seed_demo_complaints", stdout=again)
    assert "0 added" in again.getvalue()
    assert (Complaint.objects.count(), CustomerReturn.objects.count(), Claim.objects.count()) == counts
