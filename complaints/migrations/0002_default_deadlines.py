from django.db import migrations


def load(apps, schema_editor):
    from complaints.deadlines import load_default_rules

    load_default_rules(apps.get_model("complaints", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
