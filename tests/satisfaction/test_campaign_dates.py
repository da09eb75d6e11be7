"""The dates of a campaign: the proposed reply deadline, deadlines refused when a campaign
starts or reopens, and the page a customer sees behind the link of an ended survey."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from satisfaction import services
from satisfaction.choices import CampaignStatus, Level
from satisfaction.models import Answer, Campaign, Invitation, Response
from tests.satisfaction.fixtures import answer_keys, start_campaign

DAY = datetime.timedelta(days=1)


@pytest.fixture
def early_morning():
    """The clock frozen at 00:30 of today in the company's time zone, which in UTC is still
    yesterday: the company's day is the one that counts."""
    moment = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    with time_machine.travel(moment, tick=False):
        yield moment


def travel_to(day, hour=9):
    """Freeze the clock at ``hour`` o'clock of ``day`` in the company's time zone."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return time_machine.travel(moment, tick=False)


def link(campaign, customer):
    return reverse("survey_form", args=[campaign.invitations.get(customer=customer).token])


def test_default_deadline_is_four_weeks_after_the_companys_today(early_morning):
    today = early_morning.date()
    assert early_morning.astimezone(datetime.UTC).date() == today - DAY  # UTC says yesterday
    assert services.default_deadline() == today + datetime.timedelta(days=28)
    assert services.default_deadline(today + 3 * DAY) == today + datetime.timedelta(days=31)


def test_new_campaign_form_proposes_the_default_deadline(client, quality_manager, early_morning):
    client.force_login(quality_manager)
    form = client.get(reverse("satisfaction:campaign_create")).context["form"]
    assert form["deadline"].value() == early_morning.date() + datetime.timedelta(days=28)


def test_deadline_before_the_period_start_is_refused(quality_manager, template, customers, early_morning):
    today = early_morning.date()
    with pytest.raises(services.DomainError) as error:
        start_campaign(
            quality_manager,
            template,
            customers,
            period_start=today + 60 * DAY,
            period_end=today + 400 * DAY,
            deadline=today + 30 * DAY,
        )
    assert error.value.message_dict == {"deadline": ["The reply deadline cannot lie before the start of the period."]}
    assert not Campaign.objects.exists() and not Invitation.objects.exists()


def test_database_refuses_a_deadline_before_the_period_start(campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(deadline=campaign.period_start - DAY)


def test_campaign_cannot_start_with_a_past_deadline(quality_manager, template, customers, early_morning):
    today = early_morning.date()
    with pytest.raises(services.DomainError) as error:
        start_campaign(quality_manager, template, customers, deadline=today - DAY)
    assert list(error.value.message_dict) == ["deadline"]
    assert f"The reply deadline {(today - DAY).isoformat()} has passed" in error.value.messages[0]
    assert not Campaign.objects.exists() and not Invitation.objects.exists()
    # Today itself is fine: the link takes answers until the end of the day.
    campaign = start_campaign(quality_manager, template, customers, deadline=today)
    assert campaign.accepts_answers()


def test_reopening_with_a_past_deadline_is_refused_and_changes_nothing(quality_manager, campaign):
    services.campaign_close(actor=quality_manager, campaign=campaign, reason="done")
    old_deadline = campaign.deadline
    after = old_deadline + 5 * DAY
    with travel_to(after):
        rows = campaign.history.count()
        for deadline in (None, after - DAY):
            with pytest.raises(services.DomainError) as error:
                services.campaign_reopen(
                    actor=quality_manager, campaign=campaign, reason="late forms", deadline=deadline
                )
            assert list(error.value.message_dict) == ["deadline"]
            assert "has passed" in error.value.messages[0]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.deadline, campaign.status_reason) == (CampaignStatus.CLOSED, old_deadline, "done")
    assert campaign.history.count() == rows


def test_reopening_with_a_new_deadline_takes_answers_again(quality_manager, campaign):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    after = campaign.deadline + 5 * DAY
    with travel_to(after):
        services.campaign_reopen(
            actor=quality_manager, campaign=campaign, reason="two paper forms on the way", deadline=after + 7 * DAY
        )
        campaign.refresh_from_db()
        assert (campaign.status, campaign.deadline) == (CampaignStatus.RUNNING, after + 7 * DAY)
        assert campaign.accepts_answers()
    record = campaign.history.first()
    assert (record.history_user, record.history_change_reason, record.deadline) == (
        quality_manager,
        "reopened",
        after + 7 * DAY,
    )


def test_reopen_page_shows_the_refusal_at_the_deadline_field(client, quality_manager, campaign):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    after = campaign.deadline + 5 * DAY
    with travel_to(after):
        client.force_login(quality_manager)
        page = client.get(reverse("satisfaction:campaign_detail", args=[campaign.pk]))
        # The old deadline has passed: the form proposes four weeks from today.
        assert page.context["reopen_form"]["deadline"].value() == after + 28 * DAY
        response = client.post(
            reverse("satisfaction:campaign_reopen", args=[campaign.pk]),
            {"reason": "late forms", "deadline": (after - DAY).isoformat()},
        )
    assert response.status_code == 400
    assert "has passed; choose today" in " ".join(response.context["reopen_form"].errors["deadline"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


@pytest.fixture
def owner_with_contact(quality_manager):
    employee = quality_manager.employee
    employee.email, employee.phone = "quinn@example.com", "+86 21 5555 0101"
    employee.save()
    return employee


def answers(campaign):
    item, sub = answer_keys(campaign.template)["D"]
    return {f"q{item}": Level.SATISFIED, "comment": "late"}


def test_link_past_the_deadline_shows_a_polite_page_naming_the_contact(client, campaign, customers, owner_with_contact):
    with travel_to(campaign.deadline + DAY):
        response = client.get(link(campaign, customers[1]))  # an English-speaking customer
        posted = client.post(link(campaign, customers[1]), answers(campaign))
    assert response.status_code == 410
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert f"This survey has ended: answers were accepted until {campaign.deadline.isoformat()}." in body
    assert "please contact Quinn Quality." in body
    assert "quinn@example.com" in body and "+86 21 5555 0101" in body
    assert "<form" not in body
    assert posted.status_code == 410
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_ended_survey_page_speaks_the_customers_language(client, campaign, customers, owner_with_contact):
    with travel_to(campaign.deadline + DAY):
        body = client.get(link(campaign, customers[0])).content.decode()  # a Chinese customer
    assert '<html lang="zh-hans">' in body
    assert "本次调查已结束" in body and "请联系Quinn Quality。" in body and "quinn@example.com" in body


def test_link_of_a_campaign_closed_early_names_the_contact(
    client, quality_manager, campaign, customers, owner_with_contact
):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    response = client.get(link(campaign, customers[1]))
    assert response.status_code == 410
    body = response.content.decode()
    assert "This survey has ended and takes no more answers." in body
    assert "quinn@example.com" in body
    assert client.post(link(campaign, customers[1]), answers(campaign)).status_code == 410
    assert not Response.objects.exists()
