"""The public survey form behind a customer's personal link."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from satisfaction import services
from satisfaction.choices import Channel, Level
from satisfaction.models import Response
from tests.satisfaction.fixtures import answer_keys, respond

NOON = datetime.time(12)


def link(campaign, customer):
    return reverse("survey_form", args=[campaign.invitations.get(customer=customer).token])


def post_data(campaign, **levels):
    keys = answer_keys(campaign.template)
    data = {"comment": "包装可以再改进", "respondent": "王经理"}
    for name, level in levels.items():
        item, sub = keys[name]
        data[f"q{item}" if sub is None else f"q{item}_{sub}"] = level
    return data


def test_form_shows_only_this_customers_survey_in_chinese(client, campaign, customers):
    response = client.get(link(campaign, customers[0]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "一号客户" in body and "二号客户" not in body and "三号客户" not in body
    assert "性能" in body and "外观" in body and "交付" in body
    assert "Performance" not in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "/org/" not in body and "/satisfaction/" not in body  # no site navigation


def test_form_speaks_the_customers_language(client, campaign, customers):
    body = client.get(link(campaign, customers[1])).content.decode()
    assert '<html lang="en">' in body
    assert "Customer Two" in body and "Performance" in body and "Fairly satisfied" in body


def test_submitting_once_saves_the_answers_and_thanks(client, campaign, customers):
    url = link(campaign, customers[0])
    response = client.post(url, post_data(campaign, A=Level.SATISFIED, D=Level.DISSATISFIED))
    assert response.status_code == 302
    assert response.url == url + "thanks/"
    saved = Response.objects.get(campaign=campaign, customer=customers[0])
    assert (saved.channel, saved.entered_by, saved.comment, saved.respondent) == (
        Channel.ONLINE,
        None,
        "包装可以再改进",
        "王经理",
    )
    assert sorted(saved.answers.values_list("level", flat=True)) == ["dissatisfied", "satisfied"]
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert 'class="notice ok"' in thanks.content.decode()


def test_reused_link_says_it_was_answered(client, campaign, customers, english):
    url = link(campaign, customers[1])
    client.post(url, post_data(campaign, D=Level.SATISFIED))
    again = client.get(url)
    assert again.status_code == 410
    assert "already been answered" in again.content.decode()
    second = client.post(url, post_data(campaign, D=Level.DISSATISFIED))
    assert second.status_code == 410
    assert Response.objects.get(customer=customers[1]).answers.get().level == Level.SATISFIED


def test_expired_link_says_the_survey_has_ended(client, campaign, customers):
    day_after = timezone.make_aware(datetime.datetime.combine(campaign.deadline + datetime.timedelta(days=1), NOON))
    with time_machine.travel(day_after, tick=False):
        response = client.get(link(campaign, customers[1]))
        posted = client.post(link(campaign, customers[1]), post_data(campaign, D=Level.SATISFIED))
    assert response.status_code == 410
    assert "This survey has ended" in response.content.decode()
    assert posted.status_code == 410
    assert not Response.objects.exists()


def test_closed_campaign_link_says_so(client, quality_manager, campaign, customers):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    assert client.get(link(campaign, customers[1])).status_code == 410


def test_unknown_token_is_404(client, campaign):
    assert client.get("/survey/not-a-real-token-at-all/").status_code == 404


def test_empty_submission_shows_an_error(client, campaign, customers, english):
    response = client.post(link(campaign, customers[1]), {"comment": ""})
    assert response.status_code == 400
    assert "Please answer at least one question." in response.content.decode()
    assert not Response.objects.exists()


def test_paper_entry_first_makes_the_link_answered(client, quality_manager, campaign, customers):
    respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})
    assert client.get(link(campaign, customers[0])).status_code == 410


def test_csrf_token_is_required(campaign, customers):
    strict = Client(enforce_csrf_checks=True)
    url = link(campaign, customers[0])
    assert strict.post(url, post_data(campaign, D=Level.SATISFIED)).status_code == 403
    page = strict.get(url)
    token = page.cookies["csrftoken"].value
    data = {**post_data(campaign, D=Level.SATISFIED), "csrfmiddlewaretoken": token}
    assert strict.post(url, data).status_code == 302


def test_rate_limit_per_client_address(client, campaign, customers, settings):
    settings.SATISFACTION_RATE_LIMIT = 3
    url = link(campaign, customers[0])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url).status_code == 429
    assert client.get("/survey/guessing-tokens/").status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(url).status_code == 200


def test_rate_limit_trusts_the_proxy_header_only_when_configured(client, campaign, customers, settings):
    settings.SATISFACTION_RATE_LIMIT = 1
    url = link(campaign, customers[0])
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    # Without a configured proxy, a forged header does not give a fresh allowance.
    assert client.get(url, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.QMS_TRUSTED_PROXY_COUNT = 1
    assert client.get(url, HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 200


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, campaign, customers, method):
    assert getattr(client, method)(link(campaign, customers[0])).status_code == 405
