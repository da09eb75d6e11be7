"""The staff pages of the satisfaction module: templates, campaigns with their progress,
responses entered by hand, the analysis report with its exports, and CAPAs.

Reading a campaign follows ``selectors.campaigns_for`` (404 for a campaign the user may not
see); changing it needs ``permissions.can_manage_campaign`` (403 for readers).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.http import PDF, XLSX, file_response
from org.permissions import RoleRequiredMixin, check
from org.views import ServiceFormView, add_service_errors

from .. import charts, exports, permissions, selectors, services
from ..choices import MIN_RESPONSES, Channel, Level
from ..forms import CampaignForm, ReopenForm, StaffAnswersForm, TemplateForm, items_to_lines
from ..models import Answer, Invitation, SurveyItem, SurveyTemplate


def base_url(request):
    return request.build_absolute_uri("/")


# Templates ----------------------------------------------------------------------------------


class TemplateManagerMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return permissions.can_manage_templates(user) or permissions.reads_all_campaigns(user)


class TemplateListView(TemplateManagerMixin, TemplateView):
    template_name = "satisfaction/template_list.html"

    def get_context_data(self, **kwargs):
        templates = SurveyTemplate.objects.select_related("next_version").order_by("code", "-version")
        return super().get_context_data(
            templates=templates, can_manage=permissions.can_manage_templates(self.request.user), **kwargs
        )


class TemplateDetailView(TemplateManagerMixin, TemplateView):
    template_name = "satisfaction/template_detail.html"

    def get_context_data(self, **kwargs):
        template = selectors.template_with_items(self.kwargs["pk"])
        return super().get_context_data(
            template=template,
            items=list(template.items.all()),
            shares=[(level, share * 100) for level, share in template.shares().items()],
            frozen=template.campaigns.exists(),
            latest=not hasattr(template, "next_version"),
            can_manage=permissions.can_manage_templates(self.request.user),
            **kwargs,
        )


class TemplateCreateView(RoleRequiredMixin, ServiceFormView):
    template_name = "satisfaction/template_form.html"
    form_class = TemplateForm

    def test_permission(self, user):
        return permissions.can_manage_templates(user)

    def get_initial(self):
        from ..reference import DEFAULT_TEMPLATE_ITEMS

        items = [
            {
                "points": p,
                "text": t,
                "text_en": e,
                "sub_items": [{"text": s, "text_en": se, "weight": 1} for s, se in subs],
            }
            for p, t, e, subs in DEFAULT_TEMPLATE_ITEMS
        ]
        return {"items": items_to_lines(items)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        template = services.template_create(
            actor=self.request.user, code=data.pop("code"), fields=data, items=data.pop("items")
        )
        messages.success(self.request, _("Template saved."))
        return template


class TemplateEditView(RoleRequiredMixin, ServiceFormView):
    template_name = "satisfaction/template_form.html"
    form_class = TemplateForm

    def dispatch(self, request, *args, **kwargs):
        self.template = get_object_or_404(SurveyTemplate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return permissions.can_manage_templates(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.template, "editing": True}

    def get_initial(self):
        return {"items": items_to_lines(services.template_items_data(self.template)), "change_note": ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing=self.template, frozen=self.template.campaigns.exists(), **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        # The ModelForm has already copied the data onto the instance; the service starts
        # again from the stored row.
        self.template.refresh_from_db()
        revised = services.template_revise(
            actor=self.request.user,
            template=self.template,
            fields=data,
            items=data.pop("items"),
            change_note=data.pop("change_note", ""),
        )
        if revised.pk != self.template.pk:
            messages.success(
                self.request,
                _("The template is in use, so the change was saved as version %(v)s.") % {"v": revised.version},
            )
        else:
            messages.success(self.request, _("Template saved."))
        return revised


# Campaigns ----------------------------------------------------------------------------------


class CampaignListView(RoleRequiredMixin, TemplateView):
    template_name = "satisfaction/campaign_list.html"

    def test_permission(self, user):
        return permissions.may_use_module(user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            campaigns=list(selectors.campaigns_for(user).order_by("-period_start", "-pk")),
            can_create=permissions.can_create_campaign(user),
            can_manage_templates=permissions.can_manage_templates(user),
            **kwargs,
        )


class CampaignCreateView(RoleRequiredMixin, ServiceFormView):
    template_name = "satisfaction/campaign_form.html"
    form_class = CampaignForm

    def test_permission(self, user):
        return permissions.can_create_campaign(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        campaign = services.campaign_create(
            actor=self.request.user,
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            template=data["template"],
            target_rate=data["target_rate"],
            deadline=data["deadline"],
            owner=data["owner"],
            customers=data["customers"],
            base_url=base_url(self.request),
        )
        messages.success(
            self.request,
            _("Campaign started; the customers with an e-mail address receive their personal link."),
        )
        return campaign


class CampaignMixin:
    """Loads the campaign the user may see (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        self.campaign = selectors.campaign_for(request.user, kwargs["pk"])
        self.can_manage = permissions.can_manage_campaign(request.user, self.campaign)
        return super().dispatch(request, *args, **kwargs)


class CampaignManageMixin(CampaignMixin):
    """As ``CampaignMixin``, and 403 for those who may only read it."""

    def dispatch(self, request, *args, **kwargs):
        self.campaign = selectors.campaign_for(request.user, kwargs["pk"])
        check(permissions.can_manage_campaign(request.user, self.campaign))
        self.can_manage = True
        return super(CampaignMixin, self).dispatch(request, *args, **kwargs)


class CampaignDetailView(CampaignMixin, TemplateView):
    """Progress: invited, responded, missing, with the personal links and reminders."""

    template_name = "satisfaction/campaign_detail.html"

    def get_context_data(self, **kwargs):
        rows = selectors.invitation_rows(self.campaign)
        responded = sum(1 for row in rows if hasattr(row, "response"))
        return super().get_context_data(
            campaign=self.campaign,
            rows=rows,
            invited=len(rows),
            responded=responded,
            missing=len(rows) - responded,
            too_few=responded < MIN_RESPONSES,
            min_responses=MIN_RESPONSES,
            can_manage=self.can_manage,
            accepts_answers=self.campaign.accepts_answers(),
            reopen_form=kwargs.pop("reopen_form", None) or ReopenForm(campaign=self.campaign),
            **kwargs,
        )


class CampaignRemindView(CampaignManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            sent, without, already = services.campaign_send_reminders(
                actor=request.user, campaign=self.campaign, base_url=base_url(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "%(sent)d reminders sent; %(without)d customers have no e-mail address; %(already)d were already reminded today."
                )
                % {"sent": sent, "without": without, "already": already},
            )
        return redirect(self.campaign)


class CampaignCloseView(CampaignManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.campaign_close(actor=request.user, campaign=self.campaign, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Campaign closed."))
        return redirect(self.campaign)


class CampaignReopenView(CampaignManageMixin, CampaignDetailView):
    """Reopen with a reason and a new reply deadline; a refusal shows the campaign page again
    with the errors at the fields."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = ReopenForm(request.POST, campaign=self.campaign)
        if form.is_valid():
            try:
                services.campaign_reopen(
                    actor=request.user,
                    campaign=self.campaign,
                    reason=form.cleaned_data["reason"],
                    deadline=form.cleaned_data["deadline"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Campaign reopened."))
                return redirect(self.campaign)
        return self.render_to_response(self.get_context_data(reopen_form=form), status=400)


class ResponseEnterView(CampaignManageMixin, TemplateView):
    """Staff enter a form received on paper, by fax, by e-mail or over the phone."""

    template_name = "satisfaction/response_form.html"

    def get_invitation(self):
        invitation_pk = self.request.GET.get("invitation") or self.request.POST.get("invitation")
        try:
            return get_object_or_404(
                Invitation.objects.select_related("customer"), pk=int(invitation_pk), campaign=self.campaign
            )
        except (TypeError, ValueError):
            raise Http404 from None

    def make_form(self, data=None):
        template = selectors.template_with_items(self.campaign.template_id)
        return StaffAnswersForm(
            data,
            template=template,
            items=list(template.items.all()),
            initial={"channel": Channel.PAPER, "received_on": timezone.localdate()},
        )

    def get(self, request, pk):
        invitation = self.get_invitation()
        if hasattr(invitation, "response"):
            messages.info(request, _("This customer has already answered."))
            return redirect(invitation.response)
        return self.render_to_response(self.get_context_data(form=self.make_form(), invitation=invitation))

    def post(self, request, pk):
        invitation = self.get_invitation()
        form = self.make_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.response_record(
                    actor=request.user,
                    invitation=invitation,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    answers=form.answers(),
                    comment=data["comment"],
                    respondent=data["respondent"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Response of %(customer)s saved.") % {"customer": invitation.customer})
                return redirect(self.campaign)
        return self.render_to_response(self.get_context_data(form=form, invitation=invitation))

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)


class ResponseDetailView(TemplateView):
    template_name = "satisfaction/response_detail.html"

    def get_context_data(self, **kwargs):
        response = selectors.response_detail(self.kwargs["pk"])
        user = self.request.user
        if not permissions.can_read_report(user, response.campaign):
            raise Http404
        template = selectors.template_with_items(response.campaign.template_id)
        from .. import scoring

        scheme = scoring.Scheme(template, list(template.items.all()))
        answers = selectors.answers_of(response)
        given = {(a.item_id, a.sub_item_id): a.level for a in answers}
        capas = selectors.capa_links(answers)
        for answer in answers:
            answer.capas = capas.get(("Answer", answer.pk), [])
            answer.score = (
                scheme.sub_item_score(answer.sub_item_id, answer.level)
                if answer.sub_item_id
                else scheme.item_score(next(r for r in scheme.items if r.pk == answer.item_id), given)
            )
        item_scores = scheme.item_scores(given)
        return super().get_context_data(
            response=response,
            campaign=response.campaign,
            items=[
                (item, item_scores[item.pk], [a for a in answers if a.item_id == item.pk])
                for item in template.items.all()
            ],
            score=scheme.customer_score(given),
            can_manage=permissions.can_manage_campaign(user, response.campaign),
            **kwargs,
        )


# Report ---------------------------------------------------------------------------------------


class ReportMixin(CampaignMixin):
    def dispatch(self, request, *args, **kwargs):
        self.campaign = selectors.campaign_for(request.user, kwargs["pk"])
        if not permissions.can_read_report(request.user, self.campaign):
            raise Http404
        self.can_manage = permissions.can_manage_campaign(request.user, self.campaign)
        return super(CampaignMixin, self).dispatch(request, *args, **kwargs)


class ReportView(ReportMixin, TemplateView):
    template_name = "satisfaction/report.html"

    def get_context_data(self, **kwargs):
        report = selectors.campaign_report(self.campaign)
        return super().get_context_data(
            report=report,
            campaign=self.campaign,
            charts=charts.report_charts(report),
            levels=[(level, level.label) for level in Level],
            scoring_note=exports.scoring_note(),
            can_manage=self.can_manage,
            **kwargs,
        )


class ReportXlsxView(ReportMixin, View):
    def get(self, request, pk):
        report = selectors.campaign_report(self.campaign)
        return file_response(
            exports.report_xlsx(report),
            content_type=XLSX,
            filename=exports.report_filename(self.campaign, "xlsx"),
            as_attachment=True,
        )


class ReportPdfView(ReportMixin, View):
    def get(self, request, pk):
        report = selectors.campaign_report(self.campaign)
        return file_response(
            exports.report_pdf(report),
            content_type=PDF,
            filename=exports.report_filename(self.campaign, "pdf"),
            as_attachment=True,
        )


# CAPA -----------------------------------------------------------------------------------------


class AnswerCapaView(View):
    """POST: open a CAPA from one dissatisfied answer."""

    http_method_names = ["post"]

    def post(self, request, pk):
        answer = get_object_or_404(
            Answer.objects.select_related("response__campaign__owner", "response__customer", "item", "sub_item"), pk=pk
        )
        campaign = answer.response.campaign
        if not permissions.can_read_report(request.user, campaign):
            raise Http404
        check(permissions.can_manage_campaign(request.user, campaign))
        try:
            capa = services.capa_from_answer(actor=request.user, answer=answer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(answer.response)
        except PermissionDenied:
            messages.error(request, _("You may not open a CAPA."))
            return redirect(answer.response)
        messages.success(request, _("CAPA %(number)s opened.") % {"number": capa.number})
        if request.POST.get("next") == "report":
            return redirect("satisfaction:report", pk=campaign.pk)
        return redirect(answer.response)


class ItemCapaView(CampaignManageMixin, View):
    """POST: open a CAPA for a whole item whose mean fell below the target."""

    http_method_names = ["post"]

    def post(self, request, pk, item_pk):
        item = get_object_or_404(SurveyItem, pk=item_pk, template_id=self.campaign.template_id)
        report = selectors.campaign_report(self.campaign)
        row = next(r for r in report.items if r.item.pk == item.pk)
        from ..scoring import one_decimal

        try:
            capa = services.capa_from_item(
                actor=request.user, campaign=self.campaign, item=item, item_rate=one_decimal(row.stats.percent)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not open a CAPA."))
        else:
            messages.success(request, _("CAPA %(number)s opened.") % {"number": capa.number})
        return redirect("satisfaction:report", pk=self.campaign.pk)
