"""Comparing two versions of a job description: the diff (``selectors.compare``) and the page
that shows it side by side, field by field, with added / removed / changed rows highlighted."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from responsibilities import selectors, services
from responsibilities.models import Duty, JobDescription, Kpi, Task

pytestmark = pytest.mark.django_db

V1_DUTIES = [
    {
        "title": "Run the press",
        "description": "Set up and run the press.",
        "time_share": 70,
        "tasks": [{"who": "Operator", "what": "Check the die", "how": "", "when": "Each shift", "result": ""}],
    },
    {"title": "Keep the workplace tidy", "description": "5S", "time_share": 30, "tasks": []},
]
V1_KPIS = [
    {"name": "First pass yield", "formula": "good / all", "target": "98 %", "frequency": "monthly", "weight": 60,
     "data_source": "MES"},
    {"name": "Safety incidents", "formula": "", "target": "0", "frequency": "monthly", "weight": 40,
     "data_source": ""},
]  # fmt: skip
V1_TRAINING = [{"name": "Press safety", "before_taking_up": True, "validity_months": 24}]


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def issue(jd, author, approver):
    services.jd_submit(actor=author, jd=jd)
    services.jd_approve(actor=approver, jd=jd)
    jd.refresh_from_db()
    return jd


@pytest.fixture
def versions(org_tree):
    """V1.0 superseded, V2.0 in force, of the operator's post. V2 rewrote the press duty, dropped
    tidying, added defect reporting, reweighted the KPIs, added one and dropped the training."""
    hr, head = org_tree.hr_user, org_tree.prod_head
    with translation.override("en"):
        v1 = services.jd_new_draft(actor=hr, post=org_tree.operator_post)
        services.jd_update(
            actor=hr,
            jd=v1,
            revision=0,
            fields={"summary": "Runs the press.", "change_description": "First issue"},
            duties=V1_DUTIES,
            kpis=V1_KPIS,
            training=V1_TRAINING,
        )
        issue(v1, hr, head)
        v2 = services.jd_new_draft(actor=hr, post=org_tree.operator_post)
        services.jd_update(
            actor=hr,
            jd=v2,
            revision=0,
            fields={"summary": "Runs and sets up the press.", "change_description": "Defect reporting"},
            duties=[
                V1_DUTIES[0]
                | {
                    "time_share": 80,
                    "tasks": V1_DUTIES[0]["tasks"] + [{"who": "", "what": "Change the die", "how": "SMED"}],
                },
                {"title": "Report defects", "description": "In the MES", "time_share": 20, "tasks": []},
            ],
            kpis=[V1_KPIS[0] | {"weight": 50}, V1_KPIS[1] | {"weight": 30}]
            + [
                {
                    "name": "Changeover time",
                    "formula": "",
                    "target": "20 min",
                    "frequency": "weekly",
                    "weight": 20,
                    "data_source": "",
                }
            ],
            training=[],
        )
        issue(v2, hr, head)
    v1.refresh_from_db()
    return v1, v2


def kinds(rows):
    return {(r.new or r.old)["name" if "name" in (r.new or r.old) else "title"]: r.kind for r in rows}


# The diff --------------------------------------------------------------------------------


def test_compare_matches_rows_by_name_and_says_what_changed(versions):
    v1, v2 = versions
    diff = selectors.compare(v1, v2)
    assert kinds(diff["duties"]) == {
        "Run the press": "changed",
        "Report defects": "added",
        "Keep the workplace tidy": "removed",
    }
    press = next(r for r in diff["duties"] if r.kind == "changed")
    assert press.changed_fields == ["time_share", "tasks_text"]
    assert press.new["tasks_text"] == "Operator / Check the die / Each shift\nChange the die / SMED"
    assert kinds(diff["kpis"]) == {
        "First pass yield": "changed",
        "Safety incidents": "changed",
        "Changeover time": "added",
    }
    assert next(r for r in diff["kpis"] if r.new and r.new["name"] == "First pass yield").changed_fields == ["weight"]
    assert kinds(diff["training"]) == {"Press safety": "removed"}
    changed = {f.label for f in diff["fields"] if f.changed}
    assert changed == {"summary", "description of the change"}
    assert selectors.has_changes(diff)


def test_a_version_compared_with_itself_has_no_changes(versions):
    _v1, v2 = versions
    diff = selectors.compare(v2, v2)
    assert not selectors.has_changes(diff)
    assert {r.kind for key in ("duties", "kpis", "training") for r in diff[key]} == {"same"}


def test_two_duties_with_the_same_title_both_appear_in_the_comparison(versions):
    v1, v2 = versions
    Duty.objects.create(job_description=v2, order=9, title="Report defects", description="To the customer too")
    v2 = selectors.with_content(JobDescription.objects.filter(pk=v2.pk)).get()
    diff = selectors.compare(v1, v2)
    assert len([r for r in diff["duties"] if r.new and r.new["title"] == "Report defects"]) == 2


# The page --------------------------------------------------------------------------------


def compare_url(post, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("responsibilities:jd_compare", args=[post.pk]) + (f"?{query}" if query else "")


def test_page_shows_both_versions_side_by_side_with_highlights(client, org_tree, versions):
    client.force_login(org_tree.hr_user)
    response = client.get(compare_url(org_tree.operator_post, a=1, b=2))
    assert response.status_code == 200
    assert (response.context["old"].version, response.context["new"].version) == (1, 2)
    body = response.content.decode()
    assert "Compare V1.0 and V2.0 · Operator" in body
    assert body.count('<tr class="diff-added">') == 2  # a duty and a KPI
    assert 'class="diff-removed"' in body
    assert 'class="diff-changed"' in body
    assert '<del class="diff-old">60 %</del> <ins class="diff-new">50 %</ins>' in body
    assert "Runs and sets up the press." in body
    assert "Keep the workplace tidy" in body
    assert response.context["counts"]["duties"] == {"added": 1, "removed": 1, "changed": 1}
    assert response.context["counts"]["kpis"] == {"added": 1, "removed": 0, "changed": 2}
    assert response.context["counts"]["training"] == {"added": 0, "removed": 1, "changed": 0}


def test_without_parameters_the_newest_version_is_compared_with_the_one_before(client, org_tree, versions):
    client.force_login(org_tree.prod_head)
    response = client.get(compare_url(org_tree.operator_post))
    assert (response.context["old"].version, response.context["new"].version) == (1, 2)
    # Only b given: compared with the version before it.
    response = client.get(compare_url(org_tree.operator_post, b=2))
    assert (response.context["old"].version, response.context["new"].version) == (1, 2)


def test_only_changes_hides_what_stayed_the_same(client, org_tree, versions):
    client.force_login(org_tree.hr_user)
    full = client.get(compare_url(org_tree.operator_post, a=1, b=2)).content.decode()
    short = client.get(compare_url(org_tree.operator_post, a=1, b=2, changes=1)).content.decode()
    assert 'class="diff-same"' in full
    assert 'class="diff-same"' not in short
    assert "Runs and sets up the press." in short


def test_staff_compare_published_versions_but_never_a_draft(client, org_tree, versions):
    services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    client.force_login(org_tree.operator)
    assert client.get(compare_url(org_tree.operator_post, a=1, b=2)).status_code == 200
    assert client.get(compare_url(org_tree.operator_post, a=2, b=3)).status_code == 404
    assert client.get(compare_url(org_tree.operator_post)).context["new"].version == 2
    client.force_login(org_tree.prod_head)
    assert client.get(compare_url(org_tree.operator_post, a=2, b=3)).status_code == 200


def test_staff_of_another_department_cannot_compare(client, org_tree, versions):
    client.force_login(org_tree.qa_engineer)
    assert client.get(compare_url(org_tree.operator_post, a=1, b=2)).status_code == 404


@pytest.mark.parametrize("params", [{"a": "x", "b": 2}, {"a": 1, "b": 9}, {"a": 0, "b": 1}, {"a": -1, "b": 2}])
def test_bad_versions_are_404(client, org_tree, versions, params):
    client.force_login(org_tree.hr_user)
    assert client.get(compare_url(org_tree.operator_post, **params)).status_code == 404


def test_one_version_alone_has_nothing_to_compare(client, org_tree):
    services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    client.force_login(org_tree.hr_user)
    assert client.get(compare_url(org_tree.operator_post)).status_code == 404


def test_detail_page_links_each_version_to_the_comparison(client, org_tree, versions):
    client.force_login(org_tree.operator)
    body = client.get(reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])).content.decode()
    assert compare_url(org_tree.operator_post, a=1, b=2).replace("&", "&amp;") in body


def test_compare_query_count_does_not_grow_with_rows(client, org_tree, versions, django_assert_max_num_queries):
    _v1, v2 = versions
    client.force_login(org_tree.operator)
    url = compare_url(org_tree.operator_post, a=1, b=2)
    client.get(url)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200
    for n in range(25):
        duty = Duty.objects.create(job_description=v2, order=10 + n, title=f"Extra duty {n}")
        Task.objects.create(duty=duty, what=f"Task {n}")
        Kpi.objects.create(job_description=v2, order=10 + n, name=f"Extra KPI {n}", target="1", weight=0)
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert "Extra duty 24" in response.content.decode()


def test_compare_query_count_does_not_grow_with_versions(client, org_tree, versions, django_assert_num_queries):
    client.force_login(org_tree.operator)
    url = compare_url(org_tree.operator_post, a=1, b=2)
    client.get(url)
    with CaptureQueriesContext(connection) as two_versions:
        client.get(url)
    for version in range(3, 9):
        JobDescription.objects.filter(post=org_tree.operator_post, status="effective").update(status="superseded")
        JobDescription.objects.create(
            post=org_tree.operator_post, version=version, document_number="JD-W1-02", status="effective"
        )
    with django_assert_num_queries(len(two_versions)):
        client.get(url)
