"""Admin pages for administrators: designate approvers; read the documents. Documents are
written and approved in the application, where the workflow is checked, never here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import Acknowledgement, DepartmentCharter, DesignatedApprover, JobDescription


@admin.register(DesignatedApprover)
class DesignatedApproverAdmin(SimpleHistoryAdmin):
    """Who approves the job description of a post with nobody above it (the general manager)."""

    list_display = ["post", "user"]
    raw_id_fields = ["post", "user"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobDescription)
class JobDescriptionAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "version", "post", "status", "effective_date", "approved_by"]
    list_filter = ["status"]
    search_fields = ["document_number", "post__title", "post__code"]


@admin.register(DepartmentCharter)
class DepartmentCharterAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "version", "department", "status", "effective_date"]
    list_filter = ["status"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["employee", "job_description", "method", "acknowledged_at", "recorded_by"]
    list_filter = ["method"]
