"""Training events keep when each step happened and when and by whom it was recorded.

Existing rows take their times from their history: the event was scheduled when its first
history row was written, a result or a closing happened when it was recorded."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def backfill_from_history(apps, schema_editor):
    Event = apps.get_model("training", "TrainingEvent")
    Attendance = apps.get_model("training", "Attendance")
    HistoricalEvent = apps.get_model("training", "HistoricalTrainingEvent")
    HistoricalAttendance = apps.get_model("training", "HistoricalAttendance")
    for event in Event.objects.all():
        rows = list(HistoricalEvent.objects.filter(id=event.pk).order_by("history_date", "history_id"))
        if rows:
            event.created_at = rows[0].history_date
        for step in ("held", "cancelled"):
            first = next((r for r in rows if r.status == step), None)
            if event.status == step and first is not None:
                setattr(event, f"{step}_at", first.history_date)
                setattr(event, f"{step}_recorded_at", first.history_date)
                setattr(event, f"{step}_recorded_by_id", first.history_user_id)
        event.save()
    for attendance in Attendance.objects.exclude(result="pending"):
        row = (
            HistoricalAttendance.objects.filter(id=attendance.pk, result=attendance.result)
            .order_by("history_date", "history_id")
            .first()
        )
        if row is not None:
            attendance.result_at = attendance.result_recorded_at = row.history_date
            attendance.result_recorded_by_id = row.history_user_id
            attendance.save()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="result_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="assessed at"),
        ),
        migrations.AddField(
            model_name="attendance",
            name="result_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="result recorded at"),
        ),
        migrations.AddField(
            model_name="attendance",
            name="result_recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="result recorded by",
            ),
        ),
        migrations.AddField(
            model_name="historicalattendance",
            name="result_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="assessed at"),
        ),
        migrations.AddField(
            model_name="historicalattendance",
            name="result_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="result recorded at"),
        ),
        migrations.AddField(
            model_name="historicalattendance",
            name="result_recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="result recorded by",
            ),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="cancelled_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancellation recorded at"),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="cancelled_recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="cancellation recorded by",
            ),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="scheduled at"),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="held_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="held (closed) at"),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="held_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closing recorded at"),
        ),
        migrations.AddField(
            model_name="historicaltrainingevent",
            name="held_recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="closing recorded by",
            ),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="cancelled_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancellation recorded at"),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="cancelled_recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="cancellation recorded by",
            ),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="scheduled at"),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="held_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="held (closed) at"),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="held_recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closing recorded at"),
        ),
        migrations.AddField(
            model_name="trainingevent",
            name="held_recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="closing recorded by",
            ),
        ),
        migrations.RunPython(backfill_from_history, migrations.RunPython.noop),
    ]
