"""The complaints section of each user's personal inbox (registered in ``apps.py``)."""

from django.utils import timezone

from . import selectors


def inbox_context(request):
    """Open complaint steps, CAPA actions and effectiveness checks of the user, overdue first.
    Three queries; ``None`` (section hidden) when there is nothing."""
    items = selectors.inbox_items(request.user)
    if not any(items.values()):
        return None
    now = timezone.now()
    today = timezone.localdate()

    def step_key(step):
        return (not (step.due_at and step.due_at < now), step.due_at or now.max)

    steps = sorted(items["steps"], key=step_key)
    actions = sorted(items["actions"], key=lambda a: (a.due_date >= today, a.due_date))
    checks = sorted(items["checks"], key=lambda c: (c.due_date >= today, c.due_date))
    return {
        "steps": steps,
        "actions": actions,
        "checks": checks,
        "now": now,
        "today": today,
        "overdue": sum(1 for s in steps if s.due_at and s.due_at < now)
        + sum(1 for a in actions if a.due_date < today)
        + sum(1 for c in checks if c.due_date < today),
    }
