"""Excel exports of the organisation beyond the post list of ``views.PostExportView``."""

from core.http import XLSX, file_response

from . import exports
from .models import today
from .views import PostListView


class PostIncumbentsExportView(PostListView):
    """``/org/posts-incumbents.xlsx``: one row per seat (holder or vacant) and per acting
    holder, with the filters of the post list (department, search, vacant only). Like the
    post list it is open to every logged-in user; it shows names and employee numbers only."""

    def get(self, request, *args, **kwargs):
        nodes, _department = self.filtered()
        return file_response(
            exports.post_incumbents_xlsx(nodes, day=today()),
            filename=f"posts-incumbents-{today():%Y%m%d}.xlsx",
            content_type=XLSX,
        )
