"""The admin base of every app: quality records are read in the admin, with their history, and
changed only through the application's pages and services (which check roles and workflow)."""

from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """List, search and read a model and its history; no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
