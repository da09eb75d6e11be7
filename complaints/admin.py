"""Admin pages: the deadline table (administrators and the quality manager edit it) and
read-only views of the records. Complaints and CAPAs are worked on in the application, where
the workflow is checked, never here; nothing is deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from org.permissions import is_administrator

from . import permissions
from .models import Capa, Claim, Complaint, Customer, CustomerReturn, DeadlineRule, SentReminder


def _may_edit_deadlines(request):
    return is_administrator(request.user) or permissions.is_quality_manager(request.user)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    """The one deadline table of the complaint procedure (seed 002 defaults)."""

    list_display = ["step", "start_event", "hours_urgent", "hours_normal", "note"]
    list_editable = ["hours_urgent", "hours_normal"]
    readonly_fields = ["step"]

    def has_module_permission(self, request):
        return _may_edit_deadlines(request)

    def has_view_permission(self, request, obj=None):
        return _may_edit_deadlines(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _may_edit_deadlines(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_at", "customer", "product", "severity", "status", "closed_at"]
    list_filter = ["status", "severity"]
    search_fields = ["number", "product", "batch", "customer__name"]
    list_select_related = ["customer"]


@admin.register(Capa)
class CapaAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "source", "status", "department", "owner"]
    list_filter = ["status", "source"]
    search_fields = ["number", "title"]
    list_select_related = ["department", "owner"]


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "account_owner", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["item_key", "due_at", "recipient", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Returns and claims: read-only, worked on in the application.


@admin.register(CustomerReturn)
class CustomerReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "complaint", "received_at", "received_qty", "ng_qty", "scrap_qty", "status"]
    list_filter = ["status"]
    search_fields = ["number", "complaint__number", "product"]
    list_select_related = ["complaint__customer"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "customer", "amount", "accepted_amount", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "customer__name", "customer_reference"]
    list_select_related = ["customer"]
