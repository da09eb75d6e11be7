"""Create the role groups. Their permissions are kept in step by ``org.roles`` after migrate."""

from django.db import migrations

ROLES = [
    "Staff",
    "Department head",
    "HR",
    "QA engineer",
    "Quality manager",
    "General manager",
    "Sales and customer service",
    "Warehouse",
    "Finance",
    "Auditor",
    "Administrator",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
