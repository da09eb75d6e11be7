"""The public survey form behind a customer's personal link: no login, the token is the key.

It is shown in the customer's language, on the project's own minimal page (no site
navigation), shows nothing but this customer's survey, takes one submission, and then
thanks the customer. Unknown tokens get 404; an answered survey says so, and a closed or
expired one says that it has ended and whom to contact (410, nothing is accepted).
Every request counts against a per-address rate limit (``satisfaction.ratelimit``).
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from org.views import add_service_errors

from .. import ratelimit, selectors, services
from ..forms import AnswersForm
from ..models import localised


@method_decorator([login_not_required, never_cache], name="dispatch")
class SurveyFormView(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not ratelimit.hit(request):
            return render(request, "satisfaction/public/rate_limited.html", status=429)
        self.invitation = selectors.invitation_for_token(kwargs["token"])
        with translation.override(self.invitation.language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            response.headers["Content-Language"] = self.invitation.language
            # The token must not leak to other sites through the Referer header; "no-referrer"
            # would make browsers send "Origin: null", which the CSRF check refuses.
            response.headers["Referrer-Policy"] = "same-origin"
            return response

    def state(self):
        """None while the form takes answers, else the template explaining why not."""
        if hasattr(self.invitation, "response"):
            return "satisfaction/public/already_answered.html"
        if not self.invitation.campaign.accepts_answers():
            return "satisfaction/public/closed.html"
        return None

    def make_form(self, data=None):
        template = selectors.template_with_items(self.invitation.campaign.template_id)
        return AnswersForm(data, template=template, items=list(template.items.all()), language=self.invitation.language)

    def page(self, request, template_name, status=200, **context):
        campaign = self.invitation.campaign
        template = campaign.template
        language = self.invitation.language
        return render(
            request,
            template_name,
            {
                "invitation": self.invitation,
                "campaign": campaign,
                "survey_name": localised(template.name, template.name_en, language),
                "intro": localised(template.intro, template.intro_en, language),
                "customer_name": localised(self.invitation.customer.name, self.invitation.customer.name_en, language),
                "LANGUAGE_CODE": language,
                **context,
            },
            status=status,
        )

    def blocked_page(self, request, template_name):
        """410 Gone: the link is real but its form takes no answers any more, so browsers show
        the page while crawlers and link checkers drop it. An ended survey names the campaign's
        owner as the person to contact."""
        campaign = self.invitation.campaign
        return self.page(
            request,
            template_name,
            status=410,
            contact=campaign.owner,
            deadline_passed=campaign.deadline < timezone.localdate(),
        )

    def get(self, request, token):
        blocked = self.state()
        if blocked:
            return self.blocked_page(request, blocked)
        return self.page(request, "satisfaction/public/form.html", form=self.make_form())

    def post(self, request, token):
        blocked = self.state()
        if blocked:
            return self.blocked_page(request, blocked)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                services.response_submit_online(
                    invitation=self.invitation,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    respondent=form.cleaned_data["respondent"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("survey_thanks", token=token)
        return self.page(request, "satisfaction/public/form.html", status=400, form=form)


@method_decorator([login_not_required, never_cache], name="dispatch")
class SurveyThanksView(SurveyFormView):
    http_method_names = ["get"]

    def get(self, request, token):
        if not hasattr(self.invitation, "response"):
            return redirect("survey_form", token=token)
        return self.page(request, "satisfaction/public/thanks.html")
