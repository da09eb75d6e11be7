import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from satisfaction import services
from satisfaction.choices import CampaignStatus, Channel, Level
from satisfaction.models import Answer, Invitation, Response, SurveyTemplate
from tests.satisfaction.fixtures import answer_keys, make_template, respond, start_campaign


def items(*points):
    return [
        {"points": Decimal(p), "text": f"项目{i}", "text_en": f"Item {i}", "sub_items": []}
        for i, p in enumerate(points)
    ]


def test_points_must_add_up_to_100(quality_manager, english):
    with pytest.raises(ValidationError) as error:
        make_template(quality_manager, code="BAD", items=items(40, 30, 20))
    assert "add up to 90; they must add up to exactly 100" in error.value.messages[0]
    assert not SurveyTemplate.objects.filter(code="BAD").exists()


def test_default_template_from_the_procedure_exists(db):
    template = SurveyTemplate.objects.get(code="CSS", version=1)
    assert [(i.text, i.points) for i in template.items.all()] == [
        ("产品质量", 40),
        ("服务", 30),
        ("价格", 20),
        ("交付", 10),
    ]
    assert [template.share(level) * 100 for level in Level] == [100, 80, 60, 40, 0]


def test_unused_template_is_changed_in_place(quality_manager, template):
    revised = services.template_revise(
        actor=quality_manager, template=template, fields={"name": "新名称"}, items=items(50, 50)
    )
    assert revised.pk == template.pk and revised.version == 1
    assert [i.points for i in revised.items.all()] == [50, 50]


def test_used_template_is_frozen_and_a_change_makes_a_new_version(quality_manager, campaign, customers):
    template = campaign.template
    respond(quality_manager, campaign, customers[0], {"A": Level.SATISFIED, "B": Level.SATISFIED, "D": Level.NEUTRAL})
    before = services.template_items_data(template)
    revised = services.template_revise(
        actor=quality_manager, template=template, fields={"name": "第二版"}, items=items(70, 30), change_note="合并"
    )
    assert (revised.code, revised.version, revised.previous) == ("T", 2, template)
    template.refresh_from_db()
    assert template.name == "测试表"
    assert services.template_items_data(template) == before
    campaign.refresh_from_db()
    assert campaign.template == template
    with pytest.raises(ValidationError):
        services.template_revise(actor=quality_manager, template=template, fields={}, items=items(100))


def test_level_shares_must_not_rise_to_a_lower_level(quality_manager, template):
    template.share_neutral = Decimal(90)
    with pytest.raises(ValidationError):
        template.full_clean()


def test_only_quality_manages_templates(sales_user):
    with pytest.raises(PermissionDenied):
        make_template(sales_user, code="S")


def test_campaign_gives_each_customer_an_unguessable_link_and_mails_it(
    quality_manager, template, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = start_campaign(quality_manager, template, customers, base_url="https://qms.example.com/")
    tokens = list(campaign.invitations.values_list("token", flat=True))
    assert len(set(tokens)) == 3 and all(len(t) >= 40 for t in tokens)
    # C3 has no e-mail address; C2 reads English.
    assert sorted(m.to[0] for m in mail.outbox) == ["c1@example.com", "c2@example.com"]
    english = next(m for m in mail.outbox if m.to == ["c2@example.com"])
    token = campaign.invitations.get(customer=customers[1]).token
    assert f"https://qms.example.com/survey/{token}/" in english.body
    assert english.subject.startswith("Customer satisfaction survey")
    assert campaign.invitations.filter(emailed_at__isnull=False).count() == 2


def test_one_response_per_customer_and_campaign(quality_manager, campaign, customers, english):
    respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})
    with pytest.raises(ValidationError) as error:
        respond(quality_manager, campaign, customers[0], {"D": Level.NEUTRAL})
    assert "already answered" in error.value.messages[0]
    invitation = campaign.invitations.get(customer=customers[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(campaign=campaign, customer=customers[0], invitation=invitation, channel="fax")
    assert Response.objects.filter(campaign=campaign, customer=customers[0]).count() == 1
    assert Answer.objects.filter(response__campaign=campaign).count() == 1


def test_staff_entry_records_channel_and_who_entered_it(quality_manager, campaign, customers):
    response = respond(quality_manager, campaign, customers[2], {"A": Level.NEUTRAL}, channel=Channel.FAX)
    assert (response.channel, response.entered_by) == (Channel.FAX, quality_manager)
    assert response.history.first().history_user == quality_manager


def test_empty_form_is_refused(quality_manager, campaign, customers):
    with pytest.raises(ValidationError):
        respond(quality_manager, campaign, customers[0], {})


def test_answers_to_questions_of_another_form_are_refused(quality_manager, campaign, customers):
    other = make_template(quality_manager, code="O")
    foreign = answer_keys(other)["D"]
    with pytest.raises(ValidationError):
        services.response_record(
            actor=quality_manager,
            invitation=campaign.invitations.get(customer=customers[0]),
            channel=Channel.PAPER,
            received_on=timezone.localdate(),
            answers={foreign: Level.SATISFIED},
        )


def test_reminders_go_to_missing_customers_once_a_day(
    quality_manager, campaign, customers, django_capture_on_commit_callbacks
):
    respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})
    with django_capture_on_commit_callbacks(execute=True):
        first = services.campaign_send_reminders(actor=quality_manager, campaign=campaign, base_url="http://x/")
    # C2 missing with address, C3 missing without.
    assert first == (1, 1, 0)
    assert [m.to for m in mail.outbox] == [["c2@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        again = services.campaign_send_reminders(actor=quality_manager, campaign=campaign, base_url="http://x/")
    assert again == (0, 1, 1)
    assert len(mail.outbox) == 1
    tomorrow = campaign.deadline - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        later = services.campaign_send_reminders(
            actor=quality_manager, campaign=campaign, base_url="http://x/", day=tomorrow
        )
    assert later == (1, 1, 0)
    invitation = Invitation.objects.get(campaign=campaign, customer=customers[1])
    assert (invitation.reminder_count, invitation.last_reminded_on) == (2, tomorrow)


def test_close_and_reopen_follow_the_transition_table(quality_manager, campaign, english):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    with pytest.raises(ValidationError) as error:
        services.campaign_close(actor=quality_manager, campaign=campaign)
    assert "cannot become" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.campaign_reopen(actor=quality_manager, campaign=campaign, reason=" ")
    services.campaign_reopen(actor=quality_manager, campaign=campaign, reason="等待两份纸质问卷")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING


def test_closed_campaign_takes_no_staff_entries(quality_manager, campaign, customers):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    with pytest.raises(ValidationError):
        respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})


def test_reader_cannot_enter_responses(quality_manager, general_manager, campaign, customers):
    with pytest.raises(PermissionDenied):
        respond(general_manager, campaign, customers[0], {"D": Level.SATISFIED})


def test_sales_owner_manages_own_campaign(sales_user, template, customers):
    campaign = start_campaign(sales_user, template, customers[:1])
    response = respond(sales_user, campaign, customers[0], {"D": Level.SATISFIED})
    assert response.pk
