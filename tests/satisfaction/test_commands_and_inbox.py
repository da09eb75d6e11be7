"""The daily reminder command, the home-page inbox section and the navigation entry."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from satisfaction.choices import Level
from satisfaction.models import Invitation
from tests.satisfaction.fixtures import respond


def run(**options):
    out = StringIO()
    call_command("remind_survey_customers", stdout=out, **options)
    return out.getvalue()


def test_command_reminds_missing_customers_and_not_twice_a_day(
    quality_manager, campaign, customers, mailoutbox, django_capture_on_commit_callbacks
):
    respond(quality_manager, campaign, customers[1], {"D": Level.SATISFIED})
    with django_capture_on_commit_callbacks(execute=True):
        output = run(base_url="https://qms.example.com")
    assert "1 reminders sent" in output
    assert [m.to for m in mailoutbox] == [["c1@example.com"]]
    token = Invitation.objects.get(customer=customers[0]).token
    assert f"https://qms.example.com/survey/{token}/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = run(base_url="https://qms.example.com", every_days=1)
    assert "0 reminders sent" in again
    assert len(mailoutbox) == 1


def test_command_skips_campaigns_past_their_deadline(quality_manager, campaign, mailoutbox):
    day_after = datetime.datetime.combine(campaign.deadline + datetime.timedelta(days=1), datetime.time(8))
    with time_machine.travel(timezone.make_aware(day_after), tick=False):
        assert "0 reminders sent for 0 running campaigns" in run(base_url="https://x")
    assert not mailoutbox


def test_command_needs_the_site_address(db, settings):
    settings.QMS_SITE_URL = ""
    with pytest.raises(CommandError):
        run(base_url="")


def test_owner_sees_running_campaigns_in_the_inbox(client, quality_manager, campaign, english):
    client.force_login(quality_manager)
    body = client.get(reverse("home")).content.decode()
    assert "My satisfaction surveys" in body
    assert campaign.get_absolute_url() in body
    assert "0 of 3 answered" in body and "3 responses missing" in body


def test_others_see_no_inbox_section(client, general_manager, campaign, english):
    client.force_login(general_manager)
    assert "My satisfaction surveys" not in client.get(reverse("home")).content.decode()


def test_navigation_entry_only_for_those_who_use_the_module(client, quality_manager, operator):
    list_url = reverse("satisfaction:campaign_list")
    client.force_login(quality_manager)
    assert f'href="{list_url}"' in client.get(reverse("home")).content.decode()
    client.force_login(operator)
    assert f'href="{list_url}"' not in client.get(reverse("home")).content.decode()


def test_public_form_keeps_its_link_out_of_referers(client, campaign, customers):
    token = campaign.invitations.get(customer=customers[0]).token
    response = client.get(reverse("survey_form", args=[token]))
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
