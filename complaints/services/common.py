"""What the services of the complaints app share: the domain error, saving with history and
when a step happened."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.happened import happened_at as happened_at_checked
from org.services import save_with_history

__all__ = ["DomainError", "happened", "require", "require_text", "save_with_history"]


def require(allowed: bool, message=None):
    """Raise ``DomainError`` unless ``allowed`` (used for role checks)."""
    if not allowed:
        raise DomainError(message or _("You may not do this."))


def require_text(value, field: str, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


def happened(happened_at: datetime.datetime | None, *, after=None, field: str = "happened_at") -> datetime.datetime:
    """When a step really happened (see ``core.happened``), refused with ``DomainError``.
    ``after`` is ``(moment, name of that step)`` or ``None``."""
    return happened_at_checked(happened_at, after=after, field=field, error=DomainError)
