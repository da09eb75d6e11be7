"""Helpers shared by the views of the complaints app."""

from django.contrib import messages
from django.core.exceptions import ValidationError

PAGE_SIZE = 50


def apply_error(form, error: ValidationError, request=None):
    """Put a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if form is not None and field in form.fields else None
            for e in errors:
                if form is not None:
                    form.add_error(target, e)
                elif request is not None:
                    messages.error(request, " ".join(e.messages))
    else:
        for message in error.messages:
            if form is not None:
                form.add_error(None, message)
            elif request is not None:
                messages.error(request, message)


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
