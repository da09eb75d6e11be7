"""Corrective actions opened from dissatisfaction, linked both ways."""

import pytest
from django.urls import reverse

from complaints.choices import CapaSource
from complaints.models import Capa
from satisfaction.choices import Level
from satisfaction.models import Answer, ItemCapa
from tests.satisfaction.fixtures import respond


@pytest.fixture
def unhappy(quality_manager, campaign, customers):
    return respond(
        quality_manager, campaign, customers[1], {"A": Level.DISSATISFIED, "B": Level.SATISFIED, "D": Level.NEUTRAL}
    )


def test_one_click_opens_a_capa_from_a_dissatisfied_answer(client, quality_manager, unhappy):
    answer = Answer.objects.get(response=unhappy, level=Level.DISSATISFIED)
    client.force_login(quality_manager)
    response = client.post(reverse("satisfaction:answer_capa", args=[answer.pk]))
    assert response.status_code == 302
    capa = Capa.objects.get()
    assert capa.source == CapaSource.SATISFACTION
    assert capa.origin == answer
    assert "二号客户" in capa.title and "性能" in capa.problem_statement
    # The response page and the report link to the CAPA.
    page = client.get(unhappy.get_absolute_url()).content.decode()
    assert capa.get_absolute_url() in page
    report = client.get(reverse("satisfaction:report", args=[unhappy.campaign_id])).content.decode()
    assert capa.number in report
    # And the CAPA's page points back at the answer on the response page.
    capa_page = client.get(capa.get_absolute_url()).content.decode()
    assert f'href="{answer.get_absolute_url()}"' in capa_page


def test_satisfied_answer_opens_no_capa(client, quality_manager, unhappy):
    answer = Answer.objects.get(response=unhappy, level=Level.SATISFIED)
    client.force_login(quality_manager)
    client.post(reverse("satisfaction:answer_capa", args=[answer.pk]))
    assert not Capa.objects.exists()


def test_item_below_target_opens_a_capa_for_the_item(client, quality_manager, unhappy):
    item = unhappy.campaign.template.items.get(order=1)
    client.force_login(quality_manager)
    response = client.post(reverse("satisfaction:item_capa", args=[unhappy.campaign_id, item.pk]))
    assert response.status_code == 302
    link = ItemCapa.objects.get()
    assert (link.item, link.campaign, link.capa.origin) == (item, unhappy.campaign, unhappy.campaign)
    report = client.get(reverse("satisfaction:report", args=[unhappy.campaign_id]))
    row = report.context["report"].items[0]
    assert row.capas == [link.capa]


def test_readers_cannot_open_capas(client, general_manager, unhappy):
    answer = Answer.objects.get(response=unhappy, level=Level.DISSATISFIED)
    client.force_login(general_manager)
    assert client.post(reverse("satisfaction:answer_capa", args=[answer.pk])).status_code == 403
    item = unhappy.campaign.template.items.first()
    assert client.post(reverse("satisfaction:item_capa", args=[unhappy.campaign_id, item.pk])).status_code == 403
    assert not Capa.objects.exists()


def test_outsiders_get_404_for_answers(client, operator, unhappy):
    answer = Answer.objects.get(response=unhappy, level=Level.DISSATISFIED)
    client.force_login(operator)
    assert client.post(reverse("satisfaction:answer_capa", args=[answer.pk])).status_code == 404
    assert client.get(unhappy.get_absolute_url()).status_code == 404


def test_get_is_not_allowed(client, quality_manager, unhappy):
    answer = Answer.objects.get(response=unhappy, level=Level.DISSATISFIED)
    client.force_login(quality_manager)
    assert client.get(reverse("satisfaction:answer_capa", args=[answer.pk])).status_code == 405


def test_item_at_or_above_target_opens_no_capa(client, quality_manager, campaign, customers):
    respond(quality_manager, campaign, customers[0], {"A": Level.SATISFIED, "B": Level.SATISFIED, "D": Level.SATISFIED})
    item = campaign.template.items.get(order=1)
    client.force_login(quality_manager)
    report = client.get(reverse("satisfaction:report", args=[campaign.pk])).content.decode()
    assert reverse("satisfaction:item_capa", args=[campaign.pk, item.pk]) not in report
    client.post(reverse("satisfaction:item_capa", args=[campaign.pk, item.pk]))
    assert not Capa.objects.exists()
