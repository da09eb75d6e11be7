"""The Django admin, open to administrators only (not to every ``is_staff`` user)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from org.permissions import is_administrator


class QmsAdminSite(admin.AdminSite):
    site_header = _("QMS administration")
    site_title = _("QMS administration")

    def has_permission(self, request):
        return is_administrator(request.user)
