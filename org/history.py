"""A readable change history for any model that keeps simple-history records.

Each entry says who changed what and when, with the old and the new value of every field
that changed, foreign keys shown by name. Apps reuse ``ObjectHistoryView`` for their models.
"""

from dataclasses import dataclass

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

HIDDEN_FIELDS = {"id"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list


KIND_LABELS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


def _display(field, value, names):
    if value is None or value == "":
        return "—"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, list):  # many-to-many rows: list of dicts
        return "、".join(str(names.get(("m2m", v), v)) for v in value) or "—"
    return str(value)


def history_entries(obj) -> list[Entry]:
    """The history of ``obj``, newest first, each entry with its field changes."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.attname: f for f in model._meta.concrete_fields if f.attname not in HIDDEN_FIELDS}
    # Resolve every referenced object in one query per related model.
    wanted = {}
    for record in records:
        for attname, f in fields.items():
            if isinstance(f, models.ForeignKey):
                value = getattr(record, attname)
                if value is not None:
                    wanted.setdefault(f.related_model, set()).add(value)
    names = {}
    for related, ids in wanted.items():
        for pk, item in related._default_manager.in_bulk(ids).items():
            names[(related, pk)] = str(item)

    entries, previous = [], None
    for record in records:
        changes = []
        for attname, f in fields.items():
            new = getattr(record, attname)
            old = getattr(previous, attname) if previous is not None else None
            if previous is None and new in (None, "", False):
                continue
            if previous is not None and old == new:
                continue
            changes.append(
                Change(
                    field=str(f.verbose_name),
                    old=_display(f, old, names) if previous is not None else "",
                    new=_display(f, new, names),
                )
            )
        user = record.history_user
        entries.append(
            Entry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else _("system"),
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries


class ObjectHistoryView(TemplateView):
    """``/…/<pk>/history/`` for one object. Subclasses set ``model`` and may narrow
    ``get_queryset`` to what the user may see (others get 404)."""

    model = None
    template_name = "history/object_history.html"

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_context_data(self, **kwargs):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return super().get_context_data(
            object=obj, entries=history_entries(obj), model_name=obj._meta.verbose_name, **kwargs
        )
