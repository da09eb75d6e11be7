"""The Django admin, open to administrators only (not to every ``is_staff`` user)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from org.permissions import is_administrator


class QmsAdminSite(admin.AdminSite):
    site_header = _("QMS administration")
    site_title = _("QMS administration")

    def has_permission(self, request):
        return is_administrator(request.user)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """One login page for the whole site: the admin's own form is never shown."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
