"""Claims: the claim date (the day the customer raised it) drives the number and the monthly
summary; every step keeps when it happened (``*_at``) and when it was recorded
(``*_recorded_at``); a voided claim names who voided it. Rows recorded before this migration
were stamped when typed, so their recorded time is their step time."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def backfill_recorded_at(apps, schema_editor):
    Claim = apps.get_model("complaints", "Claim")
    Countersignature = apps.get_model("complaints", "ClaimCountersignature")
    for step in ("confirmed", "decided", "booked", "voided"):
        Claim.objects.filter(**{f"{step}_at__isnull": False}).update(**{f"{step}_recorded_at": F(f"{step}_at")})
    Countersignature.objects.filter(signed_at__isnull=False).update(recorded_at=F("signed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_returns_claims"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="booked_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="booking recorded at"),
        ),
        migrations.AddField(
            model_name="claim",
            name="confirmed_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmation recorded at"),
        ),
        migrations.AddField(
            model_name="claim",
            name="decided_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decision recorded at"),
        ),
        migrations.AddField(
            model_name="claim",
            name="voided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="voided by",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="voided_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="voiding recorded at"),
        ),
        migrations.AddField(
            model_name="claimcountersignature",
            name="recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="booked_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="booking recorded at"),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="confirmed_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmation recorded at"),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="decided_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decision recorded at"),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="voided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="voided by",
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="voided_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="voiding recorded at"),
        ),
        migrations.AddField(
            model_name="historicalclaimcountersignature",
            name="recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="recorded at"),
        ),
        migrations.AlterField(
            model_name="claim",
            name="received_on",
            field=models.DateField(
                help_text="The day the customer raised the claim; the number and the monthly summary use its month.",
                verbose_name="claim date",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="received_on",
            field=models.DateField(
                help_text="The day the customer raised the claim; the number and the monthly summary use its month.",
                verbose_name="claim date",
            ),
        ),
        migrations.RunPython(backfill_recorded_at, migrations.RunPython.noop),
    ]
