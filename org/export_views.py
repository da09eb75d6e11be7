"""Excel exports of the organisation beyond the post list of ``views.PostExportView``."""

from django.http import HttpResponse

from . import exports
from .models import today
from .views import PostListView


class PostIncumbentsExportView(PostListView):
    """``/org/posts-incumbents.xlsx``: one row per seat (holder or vacant) and per acting
    holder, with the filters of the post list (department, search, vacant only). Like the
    post list it is open to every logged-in user; it shows names and employee numbers only."""

    def get(self, request, *args, **kwargs):
        nodes, _department = self.filtered()
        response = HttpResponse(
            exports.post_incumbents_xlsx(nodes, day=today()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="posts-incumbents-{today():%Y%m%d}.xlsx"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
