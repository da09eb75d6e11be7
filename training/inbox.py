"""The training section of the personal inbox: KPIs for HR and department heads, plans to
approve for the general manager, invitations and feedback for every employee."""

from . import permissions, selectors


def inbox_context(request):
    user = request.user
    if not user.is_authenticated:
        return None
    to_confirm, to_feedback = selectors.my_invitations(user)
    data = {"to_confirm": to_confirm, "to_feedback": to_feedback}
    if permissions.approves_plans(user):
        data["awaiting"] = selectors.plans_awaiting_approval()
    if permissions.manages_training(user) or permissions.headed_branch_ids(user):
        data["kpis"] = selectors.kpis(user)
        data["expiring"] = len(selectors.expiring_qualifications(user=user))
        data["open_needs"] = selectors.open_needs_count(user)
    if not any(data.values()):
        return None
    return data
