"""Admin pages for administrators to read training records. Everything is written in the
application, where the workflow and the qualification rules are checked, never here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Course, Qualification, QualificationException, TrainingEvent, TrainingNeed, TrainingPlan


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "is_induction", "validity_months", "is_active"]
    search_fields = ["code", "name", "aliases"]
    list_filter = ["kind", "is_induction", "is_active"]


@admin.register(TrainingNeed)
class TrainingNeedAdmin(ReadOnlyAdmin):
    list_display = ["topic", "department", "source", "status", "due_date", "created_at"]
    list_filter = ["source", "status"]
    search_fields = ["topic"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "revision", "title", "status", "approved_by", "approved_at"]
    list_filter = ["status"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyAdmin):
    list_display = ["date", "title", "course", "trainer", "status", "cost"]
    list_filter = ["status", "method"]
    search_fields = ["title", "trainer"]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["employee", "course", "issued_on", "valid_until", "voided"]
    list_filter = ["course", "voided"]
    search_fields = ["employee__name", "employee__number"]


@admin.register(QualificationException)
class QualificationExceptionAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "missing", "granted_by", "granted_at"]
