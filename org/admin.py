"""Admin pages for administrators. Nothing here deletes: records are closed or ended in the
application, where the business rules are checked."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Department, Employee, Post, PostRelation


class NoDeleteAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "parent", "head_post", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["valid_to"]
    raw_id_fields = ["parent", "head_post"]


@admin.register(Post)
class PostAdmin(NoDeleteAdmin):
    list_display = ["code", "title", "department", "superior", "headcount", "grade", "is_special"]
    search_fields = ["code", "title"]
    list_filter = ["grade", "is_special"]
    raw_id_fields = ["department", "superior", "rotation_posts"]


@admin.register(PostRelation)
class PostRelationAdmin(NoDeleteAdmin):
    list_display = ["source", "target", "kind", "valid_from", "valid_to"]
    raw_id_fields = ["source", "target"]


@admin.register(Employee)
class EmployeeAdmin(NoDeleteAdmin):
    list_display = ["number", "name", "user", "hire_date", "leaving_date"]
    search_fields = ["number", "name"]
    raw_id_fields = ["user"]


@admin.register(Assignment)
class AssignmentAdmin(NoDeleteAdmin):
    """Read-only: assignments are made on the post page, where seats and dates are checked."""

    list_display = ["employee", "post", "kind", "start", "end"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
