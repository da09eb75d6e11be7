"""The monthly complaint summary (page, Excel, PDF) and the follow-up list (page, PDF).

Open to everyone who works with complaints (``summary.may_see_summary``, 403 otherwise); the
figures count only the complaints the user may see. A period that cannot be read is a 400 on
the files and an error message on the page.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from core.http import PDF, XLSX, file_response
from org.permissions import RoleRequiredMixin

from .. import summary as figures
from ..summary_exports import followup_pdf, summary_pdf, summary_xlsx


class SummaryAccessMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return figures.may_see_summary(user)


class SummaryView(SummaryAccessMixin, TemplateView):
    """/complaints/summary/?month=YYYY-MM or ?from=YYYY-MM-DD&to=YYYY-MM-DD"""

    template_name = "complaints/summary.html"

    def get_context_data(self, **kwargs):
        try:
            period = figures.period_from_query(self.request.GET)
        except figures.PeriodError as error:
            messages.error(self.request, str(error))
            period = figures.period_from_query({})
        summary = figures.build_summary(self.request.user, period)
        svg = figures.pareto_svg(summary.pareto, title=str(period.label))
        return super().get_context_data(
            summary=summary,
            period=period,
            pareto_svg=mark_safe(svg),  # noqa: S308 - built from escaped labels in summary.pareto_svg
            querystring=period.querystring(),
            **kwargs,
        )


class SummaryFileView(SummaryAccessMixin, View):
    kind = "xlsx"

    def get(self, request):
        try:
            period = figures.period_from_query(request.GET)
        except figures.PeriodError as error:
            return HttpResponseBadRequest(str(error))
        summary = figures.build_summary(request.user, period)
        if self.kind == "xlsx":
            return file_response(
                summary_xlsx(summary),
                content_type=XLSX,
                filename=f"complaint-summary-{period.slug}.xlsx",
                as_attachment=True,
            )
        return file_response(
            summary_pdf(summary),
            content_type=PDF,
            filename=f"complaint-summary-{period.slug}.pdf",
            as_attachment=False,
        )


class FollowUpListView(SummaryAccessMixin, TemplateView):
    """/complaints/follow-ups/[?month=…]: closed complaints awaiting the follow-up call, and
    the calls made in the period."""

    template_name = "complaints/followup_list.html"

    def get_context_data(self, **kwargs):
        try:
            period = figures.period_from_query(self.request.GET)
        except figures.PeriodError as error:
            messages.error(self.request, str(error))
            period = figures.period_from_query({})
        return super().get_context_data(
            rows=figures.followup_list(self.request.user, period),
            period=period,
            querystring=period.querystring(),
            **kwargs,
        )


class FollowUpPdfView(SummaryAccessMixin, View):
    def get(self, request):
        try:
            period = figures.period_from_query(request.GET)
        except figures.PeriodError as error:
            return HttpResponseBadRequest(str(error))
        return file_response(
            followup_pdf(figures.followup_list(request.user, period), period),
            content_type=PDF,
            filename=f"complaint-follow-ups-{period.slug}.pdf",
            as_attachment=False,
        )
