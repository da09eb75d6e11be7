"""Needs from the lower apps: a JD revision taking effect, a CAPA / complaint asking for
training."""

import pytest

from complaints.signals import training_required
from responsibilities.models import JobDescription
from responsibilities.signals import jd_effective
from training.choices import NeedSource
from training.models import TrainingNeed

pytestmark = pytest.mark.django_db


def test_a_revised_job_description_creates_a_need_for_its_holders(org_tree):
    jd = JobDescription.objects.create(
        post=org_tree.operator_post, version=2, status="effective", document_number="JD-7", change_description="New die"
    )
    jd_effective.send(sender=JobDescription, jd=jd, actor=org_tree.hr_user)
    need = TrainingNeed.objects.get()
    assert need.source == NeedSource.JD_REVISION
    assert need.department == org_tree.w1 and need.post == org_tree.operator_post
    assert list(need.employees.all()) == [org_tree.operator.employee]
    assert need.source_object == jd and "V2.0" in need.topic


def test_the_first_version_creates_no_need(org_tree):
    jd = JobDescription.objects.create(post=org_tree.operator_post, version=1, status="effective", document_number="J")
    jd_effective.send(sender=JobDescription, jd=jd, actor=None)
    assert not TrainingNeed.objects.exists()


def test_jd_effective_is_sent_when_a_version_takes_effect(org_tree, django_capture_on_commit_callbacks):
    from responsibilities import services as jd_services

    hr = org_tree.hr_user
    with django_capture_on_commit_callbacks(execute=True):
        jd = jd_services.jd_new_draft(actor=hr, post=org_tree.operator_post)
        jd_services.jd_update(
            actor=hr,
            jd=jd,
            revision=0,
            fields={"summary": "Runs the press.", "change_description": "First"},
            duties=[{"title": "Run", "description": "", "time_share": 100, "tasks": []}],
        )
        jd_services.jd_submit(actor=hr, jd=jd)
        jd_services.jd_approve(actor=org_tree.prod_head, jd=JobDescription.objects.get(pk=jd.pk))
    received = []
    jd_effective.connect(lambda sender, **kw: received.append(kw["jd"].version), dispatch_uid="test-probe", weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            v2 = jd_services.jd_new_draft(actor=hr, post=org_tree.operator_post)
            jd_services.jd_submit(actor=hr, jd=v2)
            jd_services.jd_approve(actor=org_tree.prod_head, jd=JobDescription.objects.get(pk=v2.pk))
    finally:
        jd_effective.disconnect(dispatch_uid="test-probe")
    assert received == [2]
    assert TrainingNeed.objects.get().source == NeedSource.JD_REVISION


def test_a_capa_asking_for_training_creates_a_need_showing_its_source(org_tree):
    from complaints.choices import CapaSource
    from complaints.models import Capa

    capa = Capa.objects.create(
        number="CAPA-2026-001",
        source=CapaSource.values[0],
        title="Loose bolts",
        problem_statement="Bolts found loose at the customer.",
        department=org_tree.w1,
        created_by=org_tree.qa_head,
    )
    training_required.send(
        sender=Capa,
        source=capa,
        department=org_tree.w1,
        topic="Retrain on the new torque values",
        actor=org_tree.qa_head,
        due_date=None,
    )
    need = TrainingNeed.objects.get()
    assert need.source == NeedSource.CAPA
    assert need.topic == "Retrain on the new torque values" and need.department == org_tree.w1
    assert need.source_object == capa and need.source_label == str(capa)
    assert need.requested_by == org_tree.qa_head
