"""Reactions to the lower apps (connected in ``apps.ready``): a JD revision taking effect,
a CAPA or complaint asking for training, and the qualification gate on assignments."""

from . import services


def on_jd_effective(sender, *, jd, actor=None, **kwargs):
    services.needs_for_jd_revision(jd, actor=actor)


def on_training_required(sender, *, source, department, topic, actor=None, due_date=None, **kwargs):
    services.need_from_quality_issue(source=source, department=department, topic=topic, actor=actor, due_date=due_date)


def check_assignment(assignment, *, actor, exception_reason=""):
    services.check_assignment(assignment, actor=actor, exception_reason=exception_reason)
