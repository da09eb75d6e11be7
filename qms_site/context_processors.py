from django.conf import settings

from core.registry import active_nav_item, nav_items_for
from org.permissions import can_manage_organisation, is_administrator


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.QMS_COMPANY_NAME}
    items = nav_items_for(user)
    return {
        "company_name": settings.QMS_COMPANY_NAME,
        "nav_is_admin": is_administrator(user),
        "nav_can_manage_org": can_manage_organisation(user),
        "nav_items": items,
        "nav_active": active_nav_item(items, getattr(request, "resolver_match", None)),
    }
