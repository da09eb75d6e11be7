from django.db import migrations

from responsibilities.iso_clauses import load_iso_clauses


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0002_matrix_grey_areas")]

    operations = [migrations.RunPython(load_iso_clauses, migrations.RunPython.noop)]
