"""A readable change history for any model that keeps simple-history records.

Each entry says who changed what and when, with the old and the new value of every field
that changed: foreign keys by name, times in the company's time zone to the minute. Apps
reuse ``ObjectHistoryView`` for their models.
"""

from dataclasses import dataclass

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.timefmt import local_day, local_minute

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
    if isinstance(field, models.DateTimeField):
        return local_minute(value)
    if isinstance(field, models.DateField):
        return local_day(value)
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

    tracked = getattr(obj.history.model, "_history_m2m_fields", [])
    m2m_targets = {f.name: f.related_model for f in tracked}

    m2m = _m2m_changes(records, m2m_targets) if m2m_targets and records else {}

    entries, previous = [], None
    for record in records:
        changes = list(m2m.get(record.history_id, []))
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


def _m2m_snapshots(records, name, target):
    """{history_id: set of target ids} for one tracked many-to-many field, in one query."""
    through = getattr(records[0], name).model
    links = [f for f in through._meta.concrete_fields if f.is_relation and f.related_model is target]
    column = next((f for f in links if f.name.startswith("to_")), links[-1]).attname
    snapshots = {r.history_id: set() for r in records}
    for history_id, target_id in through.objects.filter(history_id__in=snapshots).values_list("history_id", column):
        snapshots[history_id].add(target_id)
    return snapshots


def _m2m_changes(records, targets):
    """{history_id: [Change]} for the tracked many-to-many fields of ``records`` (oldest first)."""
    result = {}
    for name, target in targets.items():
        snapshots = _m2m_snapshots(records, name, target)
        all_ids = set().union(*snapshots.values())
        names = {pk: str(obj) for pk, obj in target._default_manager.in_bulk(all_ids).items()}
        label = str(records[0].instance_type._meta.get_field(name).verbose_name)

        def show(ids, names=names):
            return "、".join(sorted(names.get(i, f"#{i}") for i in ids)) or "—"

        for previous, record in zip(records, records[1:], strict=False):
            old, new = snapshots[previous.history_id], snapshots[record.history_id]
            if old != new:
                result.setdefault(record.history_id, []).append(Change(field=label, old=show(old), new=show(new)))
    return result


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
