"""What the services of the complaints app share: the domain error and saving with history."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from org.services import save_with_history

__all__ = ["WorkflowError", "require", "require_text", "save_with_history"]


class WorkflowError(ValidationError):
    """A move the record's state or the actor's role does not allow. Nothing was changed."""


def require(allowed: bool, message=None):
    """Raise ``WorkflowError`` unless ``allowed`` (used for role checks)."""
    if not allowed:
        raise WorkflowError(message or _("You may not do this."))


def require_text(value, field: str, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()
