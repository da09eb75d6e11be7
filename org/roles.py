"""The permissions each role (group) carries.

The groups themselves are created by a migration (``0002_roles``); their permissions are
synchronised after every ``migrate`` because Django creates permissions only then, and so
that permissions of apps added later reach the roles too.
"""

from django.contrib.auth.models import Group, Permission

from .choices import Role

#: Role → permission codenames ("app_label.codename"); "*" = every permission,
#: "view:*" = every view permission.
ROLE_PERMISSIONS = {
    Role.ADMINISTRATOR: ["*"],
    Role.HR: [
        "org.manage_organisation",
        "org.view_department",
        "org.view_post",
        "org.view_employee",
        "org.view_assignment",
        "org.view_postrelation",
    ],
    Role.AUDITOR: ["view:*"],
}


def sync_role_permissions(**kwargs):
    """Give every role group exactly the permissions listed above (idempotent)."""
    everything = Permission.objects.select_related("content_type")
    # Every role exists as a group, also after a ``flush`` (tests) wiped the migration's rows.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        if "*" in wanted:
            perms = list(everything)
        elif "view:*" in wanted:
            perms = list(everything.filter(codename__startswith="view_"))
        else:
            perms = [p for p in everything if f"{p.content_type.app_label}.{p.codename}" in wanted]
        group.permissions.set(perms)
