"""Read-only admin pages for administrators: survey records change only through the
application's services, where scoring, freezing and permissions are enforced."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Answer, Campaign, Invitation, Response, SurveyTemplate


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(ReadOnlyAdmin):
    list_display = ["code", "version", "name", "created_at"]
    search_fields = ["code", "name"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "period_start", "period_end", "template", "target_rate", "deadline", "owner", "status"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "customer", "language", "emailed_at", "last_reminded_on", "reminder_count"]
    exclude = ["token"]
    list_select_related = ["campaign", "customer"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "customer", "channel", "received_on", "entered_by"]
    list_filter = ["channel"]
    list_select_related = ["campaign", "customer", "entered_by"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["response", "item", "sub_item", "level"]
    list_filter = ["level"]
    list_select_related = ["response__campaign", "response__customer", "item", "sub_item"]
