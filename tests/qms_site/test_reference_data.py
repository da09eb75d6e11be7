"""Reference data (role groups, ISO clauses, default deadlines, the standard survey form) is
loaded by migrations and put back after every ``flush``, which transactional tests run."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from complaints.models import DeadlineRule
from org.choices import Role
from responsibilities.iso_clauses import ISO_9001_2015_CLAUSES
from responsibilities.models import IsoClause
from satisfaction.models import SurveyTemplate


@pytest.mark.django_db(transaction=True)
def test_reference_data_survives_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    assert IsoClause.objects.count() == len(ISO_9001_2015_CLAUSES)
    assert DeadlineRule.objects.exists()
    assert SurveyTemplate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_edited_deadline_rules_are_kept_by_a_flush_free_migrate():
    rule = DeadlineRule.objects.order_by("pk").first()
    rule.hours_urgent = 7
    rule.save()
    from django.db.models.signals import post_migrate

    from complaints.apps import ensure_reference_data

    ensure_reference_data(sender=None)
    rule.refresh_from_db()
    assert rule.hours_urgent == 7
    assert post_migrate.has_listeners()
