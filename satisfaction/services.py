"""Every write of the satisfaction module: templates and their versions, campaigns, the
answers customers give online or staff enter from paper, reminders, and CAPAs opened from
dissatisfaction.

Each service checks the actor's right and the state on the server and raises
``DomainError`` (a ValidationError) with a translated message; a refused call changes nothing.
"""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError
from org.services import save_with_history

from . import permissions
from .choices import (
    DISSATISFIED_LEVELS,
    LEVEL_SHARE_FIELDS,
    TOTAL_POINTS,
    TRANSITIONS,
    CampaignStatus,
    Channel,
    Level,
)
from .models import (
    Answer,
    Campaign,
    Invitation,
    ItemCapa,
    Response,
    SurveyItem,
    SurveySubItem,
    SurveyTemplate,
    localised,
)


def new_token() -> str:
    """An unguessable link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


# Templates --------------------------------------------------------------------------------


def validate_items(items):
    """``items``: ``[{"text", "text_en", "points", "sub_items": [{"text", "text_en", "weight"}]}]``.

    At least one item, positive points and weights, and points adding up to exactly 100.
    """
    if not items:
        raise DomainError(_("A template needs at least one item."))
    total = Decimal(0)
    for number, item in enumerate(items, start=1):
        points = Decimal(item["points"])
        if points <= 0:
            raise DomainError(_("Item %(number)s: the points must be more than 0.") % {"number": number})
        if not item["text"].strip():
            raise DomainError(_("Item %(number)s: the Chinese text is missing.") % {"number": number})
        for sub in item.get("sub_items", ()):
            if Decimal(sub.get("weight", 1)) <= 0:
                raise DomainError(
                    _("Item %(number)s: the weight of a sub-item must be more than 0.") % {"number": number}
                )
            if not sub["text"].strip():
                raise DomainError(_("Item %(number)s: a sub-item has no Chinese text.") % {"number": number})
        total += points
    if total != TOTAL_POINTS:
        raise DomainError(
            _("The points of the items add up to %(total)s; they must add up to exactly %(required)s.")
            % {"total": f"{total.normalize():f}", "required": f"{TOTAL_POINTS:f}"}
        )


def _write_items(template, items, *, actor):
    for order, data in enumerate(items, start=1):
        item = save_with_history(
            SurveyItem(
                template=template,
                order=order,
                text=data["text"].strip(),
                text_en=data.get("text_en", "").strip(),
                points=Decimal(data["points"]),
            ),
            actor=actor,
        )
        for sub_order, sub in enumerate(data.get("sub_items", ()), start=1):
            save_with_history(
                SurveySubItem(
                    item=item,
                    order=sub_order,
                    text=sub["text"].strip(),
                    text_en=sub.get("text_en", "").strip(),
                    weight=Decimal(sub.get("weight", 1)),
                ),
                actor=actor,
            )


TEMPLATE_FIELDS = ("name", "name_en", "intro", "intro_en", *LEVEL_SHARE_FIELDS.values())


@transaction.atomic
def template_create(*, actor, code, fields, items) -> SurveyTemplate:
    """A new survey form, version 1."""
    if not permissions.can_manage_templates(actor):
        raise PermissionDenied
    if SurveyTemplate.objects.filter(code=code).exists():
        raise DomainError(_("A template with the code %(code)s exists already.") % {"code": code})
    validate_items(items)
    template = SurveyTemplate(code=code, version=1, **{k: v for k, v in fields.items() if k in TEMPLATE_FIELDS})
    save_with_history(template, actor=actor, reason="created")
    _write_items(template, items, actor=actor)
    return template


@transaction.atomic
def template_revise(*, actor, template, fields, items, change_note="") -> SurveyTemplate:
    """Change a template. One that no campaign has used yet is changed in place; a used one
    is frozen, so the change becomes a new version and past campaigns keep their scores.
    Returns the template holding the change."""
    if not permissions.can_manage_templates(actor):
        raise PermissionDenied
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if hasattr(template, "next_version"):
        raise DomainError(_("Only the latest version of a template can be changed."))
    validate_items(items)
    fields = {k: v for k, v in fields.items() if k in TEMPLATE_FIELDS}
    if template.campaigns.exists():
        revised = SurveyTemplate(
            code=template.code, version=template.version + 1, previous=template, change_note=change_note, **fields
        )
        save_with_history(revised, actor=actor, reason="new version")
    else:
        revised = template
        for name, value in fields.items():
            setattr(revised, name, value)
        revised.change_note = change_note
        save_with_history(revised, actor=actor, reason="edited")
        # Nothing was ever scored against these rows; their history keeps them.
        for sub in SurveySubItem.objects.filter(item__template=revised):
            sub._history_user = actor
            sub.delete()
        for item in revised.items.all():
            item._history_user = actor
            item.delete()
    _write_items(revised, items, actor=actor)
    return revised


def template_items_data(template):
    """The items of ``template`` in the structure ``template_create`` takes."""
    return [
        {
            "text": item.text,
            "text_en": item.text_en,
            "points": item.points,
            "sub_items": [{"text": s.text, "text_en": s.text_en, "weight": s.weight} for s in item.sub_items.all()],
        }
        for item in template.items.prefetch_related("sub_items")
    ]


# Campaigns --------------------------------------------------------------------------------


#: A new campaign gives the customers this long to reply, counted from the day it starts.
DEFAULT_REPLY_TIME = datetime.timedelta(weeks=4)


def default_deadline(day=None):
    """The reply deadline a new campaign proposes: four weeks after ``day`` (today in the
    company's time zone), so a campaign started on any day of the year can take answers."""
    return (day or timezone.localdate()) + DEFAULT_REPLY_TIME


def _check_deadline(deadline, *, period_start):
    """A campaign that takes answers needs a deadline that is today or later and not before
    the start of the period surveyed. Refusals name the field, so forms show them there."""
    if deadline is None:
        raise DomainError({"deadline": _("Give the reply deadline.")})
    today = timezone.localdate()
    if deadline < today:
        raise DomainError(
            {
                "deadline": _("The reply deadline %(deadline)s has passed; choose today (%(today)s) or a later day.")
                % {"deadline": deadline.isoformat(), "today": today.isoformat()}
            }
        )
    if period_start and deadline < period_start:
        raise DomainError({"deadline": _("The reply deadline cannot lie before the start of the period.")})


@transaction.atomic
def campaign_create(
    *, actor, title, period_start, period_end, template, target_rate, deadline, owner, customers, base_url=""
) -> Campaign:
    """A running campaign asking ``customers``; each gets a personal link, e-mailed (in the
    customer's language) to those with an address once the campaign is saved. The reply
    deadline may not have passed and may not lie before the start of the period."""
    if not permissions.can_create_campaign(actor):
        raise PermissionDenied
    _check_deadline(deadline, period_start=period_start)
    if hasattr(template, "next_version"):
        raise DomainError(_("This template has a newer version; use the latest one."))
    customers = list(customers)
    if not customers:
        raise DomainError(_("Choose at least one customer."))
    inactive = [c for c in customers if not c.active]
    if inactive:
        raise DomainError(_("%(customer)s is no longer an active customer.") % {"customer": inactive[0]})
    campaign = Campaign(
        title=title,
        period_start=period_start,
        period_end=period_end,
        template=template,
        target_rate=target_rate,
        deadline=deadline,
        owner=owner,
    )
    save_with_history(campaign, actor=actor, reason="created")
    for customer in customers:
        save_with_history(
            Invitation(
                campaign=campaign,
                customer=customer,
                token=new_token(),
                language=customer.language,
                email=customer.email,
            ),
            actor=actor,
        )
    if base_url:
        transaction.on_commit(lambda: send_invitations(campaign, base_url=base_url), robust=True)
    return campaign


def _check_transition(campaign, target):
    if target not in TRANSITIONS[CampaignStatus(campaign.status)]:
        raise DomainError(
            _("A campaign that is %(status)s cannot become %(target)s.")
            % {"status": campaign.get_status_display(), "target": CampaignStatus(target).label}
        )


@transaction.atomic
def campaign_close(*, actor, campaign, reason="") -> Campaign:
    """Stop taking answers; the report is final."""
    campaign = Campaign.objects.select_for_update().select_related("owner").get(pk=campaign.pk)
    if not permissions.can_manage_campaign(actor, campaign):
        raise PermissionDenied
    _check_transition(campaign, CampaignStatus.CLOSED)
    campaign.status = CampaignStatus.CLOSED
    campaign.status_reason = reason
    return save_with_history(campaign, actor=actor, reason="closed")


@transaction.atomic
def campaign_reopen(*, actor, campaign, reason, deadline=None) -> Campaign:
    """Take answers again until ``deadline``, e.g. to wait for late forms; the reason is
    required. Without a new deadline the current one is kept, which must not have passed."""
    campaign = Campaign.objects.select_for_update().select_related("owner").get(pk=campaign.pk)
    if not permissions.can_manage_campaign(actor, campaign):
        raise PermissionDenied
    _check_transition(campaign, CampaignStatus.RUNNING)
    if not reason.strip():
        raise DomainError({"reason": _("Say why the campaign is reopened.")})
    deadline = deadline or campaign.deadline
    _check_deadline(deadline, period_start=campaign.period_start)
    campaign.status = CampaignStatus.RUNNING
    campaign.status_reason = reason
    campaign.deadline = deadline
    return save_with_history(campaign, actor=actor, reason="reopened")


# Responses --------------------------------------------------------------------------------


def _validate_answers(template, answers):
    """``answers``: ``{(item pk, sub-item pk or None): level}``; only questions of the form."""
    questions = set()
    for item in template.items.prefetch_related("sub_items"):
        subs = list(item.sub_items.all())
        if subs:
            questions.update((item.pk, s.pk) for s in subs)
        else:
            questions.add((item.pk, None))
    cleaned = {key: Level(level) for key, level in answers.items() if level}
    if not cleaned:
        raise DomainError(_("Please answer at least one question."))
    if set(cleaned) - questions:
        raise DomainError(_("The answers do not belong to this survey form."))
    return cleaned


def _save_response(*, actor, invitation, channel, answers, comment, respondent, received_on):
    campaign = invitation.campaign
    answers = _validate_answers(campaign.template, answers)
    response = Response(
        campaign=campaign,
        customer=invitation.customer,
        invitation=invitation,
        channel=channel,
        comment=comment.strip(),
        respondent=respondent.strip(),
        received_on=received_on or timezone.localdate(),
        entered_by=actor,
    )
    try:
        with transaction.atomic():
            save_with_history(response, actor=actor, reason=f"received ({channel})")
    except (IntegrityError, ValidationError) as error:
        if Response.objects.filter(campaign=campaign, customer=invitation.customer).exists():
            raise DomainError(_("This customer has already answered this survey.")) from error
        raise
    Answer.objects.bulk_create(
        [
            Answer(response=response, item_id=item_pk, sub_item_id=sub_pk, level=level)
            for (item_pk, sub_pk), level in sorted(answers.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
        ]
    )
    return response


@transaction.atomic
def response_submit_online(*, invitation, answers, comment="", respondent="") -> Response:
    """The customer's own answer through their personal link: once, while the campaign runs
    and its deadline has not passed."""
    invitation = (
        Invitation.objects.select_for_update().select_related("campaign__template", "customer").get(pk=invitation.pk)
    )
    if not invitation.campaign.accepts_answers():
        raise DomainError(_("This survey is closed."))
    return _save_response(
        actor=None,
        invitation=invitation,
        channel=Channel.ONLINE,
        answers=answers,
        comment=comment,
        respondent=respondent,
        received_on=None,
    )


@transaction.atomic
def response_record(*, actor, invitation, channel, answers, received_on, comment="", respondent="") -> Response:
    """Staff enter a form received on paper, by fax, by e-mail or over the phone. Late forms
    are accepted while the campaign runs."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("campaign__template", "campaign__owner", "customer")
        .get(pk=invitation.pk)
    )
    if not permissions.can_manage_campaign(actor, invitation.campaign):
        raise PermissionDenied
    if not invitation.campaign.is_running:
        raise DomainError(_("The campaign is closed; reopen it to enter more responses."))
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise DomainError(_("Choose how the answer was received."))
    return _save_response(
        actor=actor,
        invitation=invitation,
        channel=channel,
        answers=answers,
        comment=comment,
        respondent=respondent,
        received_on=received_on,
    )


# E-mail -------------------------------------------------------------------------------------


def _mail(invitation, *, base_url, reminder):
    campaign = invitation.campaign
    link = base_url.rstrip("/") + invitation.public_path()
    with translation.override(invitation.language):
        name = localised(invitation.customer.name, invitation.customer.name_en, invitation.language)
        if reminder:
            subject = _("Reminder: customer satisfaction survey %(title)s") % {"title": campaign.title}
            opening = _("we have not yet received your answers to our customer satisfaction survey.")
        else:
            subject = _("Customer satisfaction survey %(title)s") % {"title": campaign.title}
            opening = _("we would like to know how satisfied you are with our products and services.")
        body = _(
            "Dear %(name)s,\n\n%(opening)s\nPlease fill in the short form at your personal link by "
            "%(deadline)s:\n\n%(link)s\n\nThe link is for your company only; please do not pass it on.\n"
            "Thank you!\n"
        ) % {"name": name, "opening": opening, "deadline": campaign.deadline.isoformat(), "link": link}
        company = settings.QMS_COMPANY_NAME
        if company:
            body += f"\n{company}\n"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def send_invitations(campaign, *, base_url) -> int:
    """E-mail the personal link to every invited customer with an address not yet mailed."""
    pending = list(
        campaign.invitations.filter(emailed_at__isnull=True, response__isnull=True)
        .exclude(email="")
        .select_related("customer", "campaign")
    )
    messages = [_mail(invitation, base_url=base_url, reminder=False) for invitation in pending]
    sent = get_connection().send_messages(messages) if messages else 0
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(emailed_at=timezone.now())
    return sent or 0


@transaction.atomic
def campaign_send_reminders(*, actor, campaign, base_url, day=None, min_days=1):
    """Remind the customers who have not answered, at most once a day per invitation (or
    once every ``min_days`` days).

    Returns ``(sent, without address, reminded recently)``. ``actor`` None is the daily
    command. The guard is a conditional update, so two runs at once never mail twice.
    """
    if actor is not None and not permissions.can_manage_campaign(actor, campaign):
        raise PermissionDenied
    if not campaign.accepts_answers(day):
        raise DomainError(_("The campaign takes no more answers; there is nobody to remind."))
    day = day or timezone.localdate()
    missing = list(campaign.invitations.filter(response__isnull=True).select_related("customer", "campaign"))
    to_send, without, already = [], 0, 0
    for invitation in missing:
        if not invitation.email:
            without += 1
            continue
        claimed = (
            Invitation.objects.filter(pk=invitation.pk)
            .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=day - datetime.timedelta(days=min_days)))
            .update(last_reminded_on=day, reminder_count=F("reminder_count") + 1)
        )
        if not claimed:
            already += 1
            continue
        to_send.append(_mail(invitation, base_url=base_url, reminder=True))
    if to_send:
        transaction.on_commit(lambda: get_connection().send_messages(to_send))
    return len(to_send), without, already


# CAPA ---------------------------------------------------------------------------------------


def _open_capa(*, actor, title, problem_statement, origin):
    from complaints.choices import CapaSource
    from complaints.services import capa_open

    return capa_open(
        actor=actor,
        source=CapaSource.SATISFACTION,
        title=title[:200],
        problem_statement=problem_statement,
        origin=origin,
    )


@transaction.atomic
def capa_from_answer(*, actor, answer):
    """Open a corrective action from one dissatisfied answer, linked back to the answer."""
    response = answer.response
    campaign = response.campaign
    if not permissions.can_manage_campaign(actor, campaign):
        raise PermissionDenied
    if answer.level not in DISSATISFIED_LEVELS:
        raise DomainError(_("Only a dissatisfied answer opens a corrective action from here."))
    with translation.override(settings.LANGUAGE_CODE):
        question = answer.item.text + (f" / {answer.sub_item.text}" if answer.sub_item_id else "")
        title = _("Customer dissatisfied: %(customer)s – %(question)s") % {
            "customer": response.customer.name,
            "question": question,
        }
        statement = _(
            "In the satisfaction survey %(campaign)s the customer %(customer)s answered “%(level)s” to “%(question)s”."
        ) % {
            "campaign": campaign.title,
            "customer": response.customer,
            "level": Level(answer.level).label,
            "question": question,
        }
        if response.comment:
            statement += "\n\n" + _("Customer's comment: %(comment)s") % {"comment": response.comment}
    return _open_capa(actor=actor, title=title, problem_statement=statement, origin=answer)


@transaction.atomic
def capa_from_item(*, actor, campaign, item, item_rate):
    """Open a corrective action for a whole item whose mean fell below the target, linked back
    to the campaign."""
    if not permissions.can_manage_campaign(actor, campaign):
        raise PermissionDenied
    if item.template_id != campaign.template_id:
        raise DomainError(_("The item does not belong to this campaign's survey form."))
    if item_rate is None or item_rate >= campaign.target_rate:
        raise DomainError(_("Only an item below the target rate opens a corrective action from here."))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Satisfaction below target: %(item)s (%(campaign)s)") % {
            "item": item.text,
            "campaign": campaign.title,
        }
        statement = _(
            "In the satisfaction survey %(campaign)s the item “%(item)s” reached %(rate)s %% of its points, "
            "below the target of %(target)s %%."
        ) % {
            "campaign": campaign.title,
            "item": item.text,
            "rate": item_rate,
            "target": f"{campaign.target_rate.normalize():f}",
        }
    capa = _open_capa(actor=actor, title=title, problem_statement=statement, origin=campaign)
    save_with_history(ItemCapa(campaign=campaign, item=item, capa=capa), actor=actor)
    return capa
