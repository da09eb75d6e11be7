"""A fixed-window rate limit per client address for the public survey form.

The counters live in Django's default cache, which the settings point at a database table
shared by every server process, so the limit holds however many workers run. The client
address comes from ``org.http.client_ip`` (a proxy's header only when configured).
"""

from django.conf import settings
from django.core.cache import cache

from org.http import client_ip

#: Requests per address and window; a customer needs three (form, answer, thank-you page).
DEFAULT_LIMIT = 30
DEFAULT_WINDOW_SECONDS = 600


def limits():
    return (
        getattr(settings, "SATISFACTION_RATE_LIMIT", DEFAULT_LIMIT),
        getattr(settings, "SATISFACTION_RATE_WINDOW", DEFAULT_WINDOW_SECONDS),
    )


def hit(request) -> bool:
    """Count one request of this client; ``False`` once it is over the limit."""
    limit, window = limits()
    key = f"satisfaction:survey:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
