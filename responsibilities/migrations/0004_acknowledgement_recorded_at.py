"""Acknowledgements keep when they were recorded apart from when they happened (signed).

Existing rows were recorded when their first history row was written."""

import django.utils.timezone
from django.db import migrations, models


def backfill_recorded_at(apps, schema_editor):
    Acknowledgement = apps.get_model("responsibilities", "Acknowledgement")
    HistoricalAcknowledgement = apps.get_model("responsibilities", "HistoricalAcknowledgement")
    for ack in Acknowledgement.objects.all():
        first = HistoricalAcknowledgement.objects.filter(id=ack.pk).order_by("history_date", "history_id").first()
        ack.recorded_at = first.history_date if first else ack.acknowledged_at
        ack.save(update_fields=["recorded_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("responsibilities", "0003_load_iso_clauses"),
    ]

    operations = [
        migrations.AddField(
            model_name="acknowledgement",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="historicalacknowledgement",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
        ),
        migrations.RunPython(backfill_recorded_at, migrations.RunPython.noop),
    ]
