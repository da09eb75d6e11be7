"""Steps keep when they happened and when they were recorded: ``recorded_at`` on the complaint
step, the complaint and CAPA timeline events, and a timeline for customer returns. Rows written
before this migration were stamped when typed, so their recorded time is their step time. The
containment and the reply branch of a complaint are open side by side: one open step per kind."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

#: return move → (time field, person field) of the existing rows.
RETURN_STEPS = [
    ("receive", "received_at", "received_by"),
    ("take_over", "quality_received_at", "quality_received_by"),
    ("inspect", "inspected_at", "inspected_by"),
    ("dispose", "disposed_at", "disposed_by"),
    ("rework", "reworked_at", "reworked_recorded_by"),
    ("mrb", "mrb_decided_at", "mrb_decided_by"),
    ("redeliver", "redelivered_at", "redelivered_by"),
    ("close", "closed_at", "closed_by"),
    ("void", "voided_at", None),
]


def backfill(apps, schema_editor):
    for name in ("ComplaintEvent", "CapaEvent"):
        apps.get_model("complaints", name).objects.update(recorded_at=F("at"))
    apps.get_model("complaints", "ComplaintStep").objects.filter(completed_at__isnull=False).update(
        recorded_at=F("completed_at")
    )
    CustomerReturn = apps.get_model("complaints", "CustomerReturn")
    ReturnEvent = apps.get_model("complaints", "ReturnEvent")
    events = []
    for customer_return in CustomerReturn.objects.all().iterator():
        for action, time_field, person_field in RETURN_STEPS:
            at = getattr(customer_return, time_field)
            if at is not None:
                actor_id = getattr(customer_return, f"{person_field}_id") if person_field else None
                events.append(
                    ReturnEvent(
                        customer_return=customer_return, action=action, actor_id=actor_id, at=at, recorded_at=at
                    )
                )
    ReturnEvent.objects.bulk_create(events, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_claims_dates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReturnEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=20, verbose_name="action")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="happened at")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at")),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
            ],
            options={
                "verbose_name": "return event",
                "verbose_name_plural": "return events",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="complaintstep",
            name="complaint_one_open_step",
        ),
        migrations.AddField(
            model_name="capaevent",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="complaintevent",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="complaintstep",
            name="recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completion recorded at"),
        ),
        migrations.AddField(
            model_name="historicalcomplaintstep",
            name="recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completion recorded at"),
        ),
        migrations.AlterField(
            model_name="capaevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="happened at"),
        ),
        migrations.AlterField(
            model_name="complaintevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="happened at"),
        ),
        migrations.AddConstraint(
            model_name="complaintstep",
            constraint=models.UniqueConstraint(
                condition=models.Q(("completed_at__isnull", True)),
                fields=("complaint", "kind"),
                name="complaint_one_open_step_per_kind",
                violation_error_message="A complaint has one open step of each kind at a time.",
            ),
        ),
        migrations.AddField(
            model_name="returnevent",
            name="actor",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AddField(
            model_name="returnevent",
            name="customer_return",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="complaints.customerreturn",
                verbose_name="customer return",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
