from django.db import migrations

from satisfaction.reference import create_default_template


class Migration(migrations.Migration):
    dependencies = [
        ("satisfaction", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default_template, migrations.RunPython.noop),
    ]
