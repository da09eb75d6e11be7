"""Staff pages: campaigns, progress, paper entry, templates, and who may use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from satisfaction import services
from satisfaction.choices import CampaignStatus, Channel, Level
from satisfaction.models import Campaign, Response, SurveyTemplate
from tests.satisfaction.fixtures import answer_keys, respond


def url(name, *args):
    return reverse(f"satisfaction:{name}", args=args)


def test_anonymous_goes_to_login(client, campaign):
    for target in (url("campaign_list"), url("campaign_detail", campaign.pk), url("report", campaign.pk)):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_staff_without_a_role_may_not_use_the_module(client, operator, campaign):
    client.force_login(operator)
    assert client.get(url("campaign_list")).status_code == 403
    assert client.get(url("campaign_detail", campaign.pk)).status_code == 404
    assert client.get(url("report", campaign.pk)).status_code == 404
    assert client.get(url("report_xlsx", campaign.pk)).status_code == 404


def test_campaign_list_shows_progress(client, quality_manager, campaign, customers, django_assert_max_num_queries):
    respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})
    client.force_login(quality_manager)
    with django_assert_max_num_queries(12):
        response = client.get(url("campaign_list"))
    assert response.status_code == 200
    assert [(c.title, c.invited, c.responded) for c in response.context["campaigns"]] == [("Yearly survey", 3, 1)]


def campaign_data(template, owner, customers, **overrides):
    today = timezone.localdate()
    return {
        "title": f"{today.year} 年度顾客满意度调查",
        "period_start": today.replace(month=1, day=1).isoformat(),
        "period_end": today.replace(month=12, day=31).isoformat(),
        "template": template.pk,
        "target_rate": "95",
        "deadline": (today + datetime.timedelta(days=10)).isoformat(),
        "owner": owner.pk,
        "customers": [c.pk for c in customers],
        **overrides,
    }


def test_quality_manager_starts_a_campaign(client, quality_manager, template, customers):
    client.force_login(quality_manager)
    form = client.get(url("campaign_create"))
    assert form.context["form"]["deadline"].value() == timezone.localdate() + datetime.timedelta(days=28)
    response = client.post(
        url("campaign_create"),
        campaign_data(template, quality_manager.employee, [customers[0], customers[2]]),
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.deadline == timezone.localdate() + datetime.timedelta(days=10)
    assert sorted(campaign.invitations.values_list("customer__code", flat=True)) == ["C1", "C3"]
    assert campaign.history.first().history_user == quality_manager


def test_campaign_form_refuses_a_past_deadline_at_the_field(client, quality_manager, template, customers):
    client.force_login(quality_manager)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url("campaign_create"),
        campaign_data(template, quality_manager.employee, customers, deadline=yesterday.isoformat()),
    )
    assert response.status_code == 200
    assert "has passed; choose today" in " ".join(response.context["form"].errors["deadline"])
    assert not Campaign.objects.exists()


def test_campaign_form_refuses_a_deadline_before_the_period(client, quality_manager, template, customers):
    client.force_login(quality_manager)
    today = timezone.localdate()
    response = client.post(
        url("campaign_create"),
        campaign_data(
            template,
            quality_manager.employee,
            customers,
            period_start=(today + datetime.timedelta(days=40)).isoformat(),
            period_end=(today + datetime.timedelta(days=400)).isoformat(),
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == [
        "The reply deadline cannot lie before the start of the period."
    ]
    assert not Campaign.objects.exists()


def test_campaign_form_rejects_a_superseded_template(client, quality_manager, campaign, customers):
    from satisfaction import services

    services.template_revise(
        actor=quality_manager,
        template=campaign.template,
        fields={"name": "v2"},
        items=services.template_items_data(campaign.template),
    )
    client.force_login(quality_manager)
    response = client.get(url("campaign_create"))
    assert campaign.template not in response.context["form"].fields["template"].queryset


def test_reader_cannot_start_a_campaign(client, general_manager):
    client.force_login(general_manager)
    assert client.get(url("campaign_create")).status_code == 403


def test_detail_shows_invited_responded_missing_and_warning(client, quality_manager, campaign, customers):
    respond(quality_manager, campaign, customers[0], {"D": Level.SATISFIED})
    client.force_login(quality_manager)
    response = client.get(url("campaign_detail", campaign.pk))
    assert (response.context["invited"], response.context["responded"], response.context["missing"]) == (3, 1, 2)
    assert response.context["too_few"]
    body = response.content.decode()
    assert campaign.invitations.get(customer=customers[1]).public_path() in body


def test_reader_sees_progress_but_no_links(client, general_manager, campaign, customers):
    client.force_login(general_manager)
    response = client.get(url("campaign_detail", campaign.pk))
    assert response.status_code == 200
    assert campaign.invitations.get(customer=customers[1]).token not in response.content.decode()


def test_paper_entry_saves_a_response_with_its_channel(client, quality_manager, campaign, customers):
    client.force_login(quality_manager)
    invitation = campaign.invitations.get(customer=customers[2])
    keys = answer_keys(campaign.template)
    item, sub = keys["A"]
    received_on = timezone.localdate() - datetime.timedelta(days=3)
    target = url("response_enter", campaign.pk) + f"?invitation={invitation.pk}"
    assert client.get(target).status_code == 200
    response = client.post(
        target,
        {
            "invitation": invitation.pk,
            "channel": Channel.FAX,
            "received_on": received_on.isoformat(),
            f"q{item}_{sub}": Level.NEUTRAL,
            f"q{keys['D'][0]}": Level.SATISFIED,
            "comment": "传真回复",
        },
    )
    assert response.status_code == 302
    saved = Response.objects.get(invitation=invitation)
    assert (saved.channel, saved.received_on, saved.entered_by) == (
        Channel.FAX,
        received_on,
        quality_manager,
    )
    # Entering it twice is refused: the form redirects to the existing response.
    again = client.get(target)
    assert again.status_code == 302 and again.url == saved.get_absolute_url()
    second = client.post(
        target,
        {
            "invitation": invitation.pk,
            "channel": "paper",
            "received_on": timezone.localdate().isoformat(),
            f"q{keys['D'][0]}": Level.DISSATISFIED,
        },
    )
    assert second.status_code == 200
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_invitation_of_another_campaign_is_404(client, quality_manager, campaign, template, customers):
    from tests.satisfaction.fixtures import start_campaign

    other = start_campaign(quality_manager, template, customers[:1], title="other")
    client.force_login(quality_manager)
    foreign = other.invitations.get()
    assert client.get(url("response_enter", campaign.pk) + f"?invitation={foreign.pk}").status_code == 404


def test_reader_may_not_enter_responses_or_remind(client, general_manager, campaign, customers):
    client.force_login(general_manager)
    invitation = campaign.invitations.get(customer=customers[0])
    assert client.get(url("response_enter", campaign.pk) + f"?invitation={invitation.pk}").status_code == 403
    assert client.post(url("campaign_remind", campaign.pk)).status_code == 403
    assert client.post(url("campaign_close", campaign.pk)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING


def test_sales_sees_only_own_campaigns(client, sales_user, campaign, template, customers):
    from tests.satisfaction.fixtures import start_campaign

    own = start_campaign(sales_user, template, customers[:1], title="mine")
    client.force_login(sales_user)
    listed = client.get(url("campaign_list")).context["campaigns"]
    assert [c.pk for c in listed] == [own.pk]
    assert client.get(url("campaign_detail", campaign.pk)).status_code == 404
    assert client.get(url("campaign_detail", own.pk)).status_code == 200


def test_remind_and_close_buttons(client, quality_manager, campaign, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(quality_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("campaign_remind", campaign.pk))
    assert response.status_code == 302
    assert len(mailoutbox) == 2
    assert client.get(url("campaign_remind", campaign.pk)).status_code == 405
    client.post(url("campaign_close", campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    new_deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(url("campaign_reopen", campaign.pk), {"reason": "late forms", "deadline": new_deadline})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.deadline) == (CampaignStatus.RUNNING, new_deadline)
    assert campaign.history.first().history_change_reason == "reopened"


def test_reopen_form_asks_for_a_deadline_that_has_not_passed(client, quality_manager, campaign):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    client.force_login(quality_manager)
    page = client.get(url("campaign_detail", campaign.pk))
    assert page.context["reopen_form"]["deadline"].value() == campaign.deadline  # still ahead: kept
    missing = client.post(url("campaign_reopen", campaign.pk), {"reason": "late forms"})
    assert missing.status_code == 400
    assert missing.context["reopen_form"].errors["deadline"] == ["This field is required."]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = client.post(url("campaign_reopen", campaign.pk), {"reason": "late forms", "deadline": yesterday})
    assert past.status_code == 400
    assert "has passed; choose today" in past.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert campaign.deadline != yesterday
    assert client.get(url("campaign_reopen", campaign.pk)).status_code == 405


def test_reader_cannot_reopen(client, quality_manager, general_manager, campaign):
    services.campaign_close(actor=quality_manager, campaign=campaign)
    client.force_login(general_manager)
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(url("campaign_reopen", campaign.pk), {"reason": "x", "deadline": deadline})
    assert response.status_code in (403, 404)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_template_pages(client, quality_manager, template, english):
    client.force_login(quality_manager)
    assert client.get(url("template_list")).status_code == 200
    assert "Performance" in client.get(url("template_detail", template.pk)).content.decode()
    bad = client.post(
        url("template_edit", template.pk),
        {
            "name": "x",
            "share_satisfied": 100,
            "share_fairly_satisfied": 80,
            "share_neutral": 60,
            "share_not_very_satisfied": 40,
            "share_dissatisfied": 0,
            "items": "40 | 质量 | Quality\n30 | 价格",
        },
    )
    assert bad.status_code == 200
    assert "add up to 70" in bad.content.decode()
    malformed = client.post(url("template_edit", template.pk), {"name": "x", "items": "质量 | Quality"})
    assert "Line 1" in malformed.content.decode()


def test_new_template_from_lines(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        url("template_create"),
        {
            "code": "Q2",
            "name": "季度调查",
            "share_satisfied": 100,
            "share_fairly_satisfied": 75,
            "share_neutral": 50,
            "share_not_very_satisfied": 25,
            "share_dissatisfied": 0,
            "items": "60 | 质量 | Quality\n- 2 | 性能 | Performance\n- 外观 | Appearance\n40 | 交付 | Delivery",
        },
    )
    assert response.status_code == 302
    template = SurveyTemplate.objects.get(code="Q2")
    quality = template.items.get(order=1)
    assert [(s.text, s.weight) for s in quality.sub_items.all()] == [("性能", 2), ("外观", 1)]
    assert template.share_fairly_satisfied == 75


@pytest.mark.parametrize("user_name", ["sales_user", "general_manager"])
def test_only_quality_edits_templates(client, request, template, user_name):
    client.force_login(request.getfixturevalue(user_name))
    assert client.get(url("template_edit", template.pk)).status_code == 403
    assert client.get(url("template_create")).status_code == 403


def test_detail_query_count_does_not_grow_with_customers(
    client, quality_manager, template, customers, django_assert_max_num_queries
):
    from complaints.models import Customer
    from tests.satisfaction.fixtures import start_campaign

    many = customers + [Customer.objects.create(code=f"M{i}", name=f"客户{i}") for i in range(20)]
    small = start_campaign(quality_manager, template, customers[:1], title="small")
    large = start_campaign(quality_manager, template, many, title="large")
    for customer in many[:10]:
        respond(quality_manager, large, customer, {"D": Level.NEUTRAL})
    client.force_login(quality_manager)
    client.get(url("campaign_detail", small.pk))
    with django_assert_max_num_queries(15) as few:
        client.get(url("campaign_detail", small.pk))
    with django_assert_max_num_queries(15) as lots:
        response = client.get(url("campaign_detail", large.pk))
    assert len(lots.captured_queries) == len(few.captured_queries)
    assert response.context["responded"] == 10
