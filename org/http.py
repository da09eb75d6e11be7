"""Request helpers shared by every app."""

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address a trusted proxy reports.

    X-Forwarded-For is only believed when ``QMS_TRUSTED_PROXY_COUNT`` says how many proxies
    stand in front of the app; otherwise any client could forge it.
    """
    proxies = settings.QMS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
