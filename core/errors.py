"""The domain error of every app's services."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A move the record's state, the rules or the actor's role do not allow, or input the
    domain refuses. Raised by services before anything is written, so nothing was changed;
    views show its messages on the form's fields (or at the top of the page)."""
