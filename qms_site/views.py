"""The personal inbox (home page) and small site-wide views."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.generic import TemplateView

from core.registry import inbox_sections_for
from org import selectors as org_selectors
from org.models import Department
from org.permissions import can_manage_organisation, department_tree, headed_department_ids, with_descendants
from responsibilities import selectors as jd_selectors


class HomeView(TemplateView):
    """Each user's inbox: where they sit today. Later modules add their items here."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        employee = getattr(user, "employee", None)
        headed_ids = headed_department_ids(user)
        headed = Department.objects.filter(pk__in=headed_ids).order_by("sort_order", "code")
        open_seats = []
        if headed_ids:
            branch = with_descendants(headed_ids, department_tree())
            open_seats = org_selectors.vacancies(department_ids=branch)
        return super().get_context_data(
            documents=jd_selectors.inbox(user),
            inbox_sections=inbox_sections_for(self.request),
            open_seats=open_seats,
            employee=employee,
            assignments=org_selectors.posts_for_user(user),
            headed_departments=headed,
            can_manage=can_manage_organisation(user),
            **kwargs,
        )


@login_not_required
def health(request):
    """For load balancers and the smoke test: the app answers."""
    return HttpResponse("ok", content_type="text/plain")


def no_password_reset(request):
    raise Http404
