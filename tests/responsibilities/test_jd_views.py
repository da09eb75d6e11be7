"""The job description pages: register, document, editor, workflow steps, who may edit and
history. Each page: anonymous users go to log in, forbidden users get 403 (or 404 when they
may not even see the version) and nothing changes, wrong methods get 405, and the happy path
is read back from the database.

Pages are requested in English (language cookie) so messages compare with the source text.
Approval registers the rendering of the issued PDF on commit; the ``db`` fixture never
commits, so those callbacks do not run here.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from org import services as org_services
from org.models import today
from responsibilities import permissions, services
from responsibilities.choices import DocumentStatus
from responsibilities.models import Duty, JobDescription, Kpi, RequiredTraining, Task
from tests.factories import AssignmentFactory, DepartmentFactory, EmployeeFactory, PostFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

DUTIES = [
    {
        "title": "Run the press",
        "description": "Set up and run the press.",
        "time_share": 70,
        "tasks": [
            {"who": "Operator", "what": "Check the die", "how": "Checklist", "when": "Each shift", "result": "OK"}
        ],
    },
    {"title": "Keep the workplace tidy", "description": "5S", "time_share": 30, "tasks": []},
]
KPIS = [
    {"name": "First pass yield", "formula": "good / all", "target": "98 %", "frequency": "monthly", "weight": 60,
     "data_source": "MES"},
    {"name": "Safety incidents", "formula": "", "target": "0", "frequency": "quarterly", "weight": 40,
     "data_source": ""},
]  # fmt: skip
TRAINING = [{"name": "Press safety", "before_taking_up": True, "validity_months": 24}]


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def login(client, user):
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def make_draft(post, author, **fields):
    with translation.override("en"):
        jd = services.jd_new_draft(actor=author, post=post)
        services.jd_update(
            actor=author,
            jd=jd,
            revision=jd.edit_revision,
            fields={"summary": "Runs the press.", "change_description": "First issue"} | fields,
            duties=DUTIES,
            kpis=KPIS,
            training=TRAINING,
        )
    jd.refresh_from_db()
    return jd


def make_in_review(post, author, **fields):
    jd = make_draft(post, author, **fields)
    services.jd_submit(actor=author, jd=jd)
    jd.refresh_from_db()
    return jd


def make_effective(post, author, approver, **fields):
    jd = make_in_review(post, author, **fields)
    services.jd_approve(actor=approver, jd=jd)
    jd.refresh_from_db()
    return jd


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def effective(org_tree):
    """Version 1 of the operator's job description, in force; HR wrote it, the head of
    Production approved it."""
    return make_effective(org_tree.operator_post, org_tree.hr_user, org_tree.prod_head)


@pytest.fixture
def gm(org_tree):
    user = UserFactory(username="gm", first_name="Grace GM")
    AssignmentFactory(employee=EmployeeFactory(name="Grace GM", user=user), post=org_tree.gm_post)
    return user


def snapshot():
    """Every job description row and its history, and the object grants, to compare."""
    state = {}
    for model in (JobDescription, Duty, Task, Kpi, RequiredTraining):
        state[model.__name__] = list(model.objects.order_by("pk").values())
        state[f"{model.__name__} history"] = model.history.count()
    state["grants"] = list(UserObjectPermission.objects.order_by("pk").values("user_id", "object_pk", "permission"))
    return state


# Anonymous and wrong methods -------------------------------------------------------------


def all_urls(org_tree, jd):
    post = org_tree.operator_post.pk
    return [
        reverse("responsibilities:jd_register"),
        reverse("responsibilities:jd_detail", args=[post]),
        reverse("responsibilities:jd_new_draft", args=[post]),
        reverse("responsibilities:jd_compare", args=[post]),
        reverse("responsibilities:jd_editors", args=[post]),
        reverse("responsibilities:jd_edit", args=[jd.pk]),
        reverse("responsibilities:jd_submit", args=[jd.pk]),
        reverse("responsibilities:jd_approve", args=[jd.pk]),
        reverse("responsibilities:jd_reject", args=[jd.pk]),
        reverse("responsibilities:jd_history", args=[jd.pk]),
    ]


def test_anonymous_users_are_sent_to_log_in_and_nothing_changes(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    before = snapshot()
    for url in all_urls(org_tree, jd):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url
    assert snapshot() == before


@pytest.mark.parametrize("name", ["jd_new_draft", "jd_submit"])
def test_workflow_buttons_answer_405_to_get(client, org_tree, name):
    jd = make_draft(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.hr_user)
    arg = org_tree.operator_post.pk if name == "jd_new_draft" else jd.pk
    before = snapshot()
    assert client.get(reverse(f"responsibilities:{name}", args=[arg])).status_code == 405
    assert snapshot() == before


def test_unknown_objects_are_404(client, org_tree):
    login(client, org_tree.hr_user)
    for name in ("jd_detail", "jd_compare", "jd_editors", "jd_new_draft"):
        method = client.post if name == "jd_new_draft" else client.get
        assert method(reverse(f"responsibilities:{name}", args=[999999])).status_code == 404, name
    for name in ("jd_edit", "jd_submit", "jd_approve", "jd_reject", "jd_history"):
        method = client.post if name == "jd_submit" else client.get
        assert method(reverse(f"responsibilities:{name}", args=[999999])).status_code == 404, name


# Forbidden paths -------------------------------------------------------------------------


def test_staff_and_other_heads_are_refused_every_change(client, org_tree, effective):
    draft = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    services.jd_update(actor=org_tree.prod_head, jd=draft, revision=0, fields={"summary": "v2"})
    draft.refresh_from_db()
    post = org_tree.operator_post.pk
    data = {"revision": draft.edit_revision, "summary": "Hijacked", "comment": "No", "effective_date": "2099-01-01"}
    data |= {"user": org_tree.operator.pk, "scope": "post", "revoke": f"post:{org_tree.operator.pk}"}
    before = snapshot()
    for user in (org_tree.operator, org_tree.qa_head, org_tree.auditor):
        login(client, user)
        for url in (
            reverse("responsibilities:jd_new_draft", args=[post]),
            reverse("responsibilities:jd_edit", args=[draft.pk]),
            reverse("responsibilities:jd_submit", args=[draft.pk]),
            reverse("responsibilities:jd_editors", args=[post]),
        ):
            assert client.post(url, data).status_code == 403, (user, url)
        assert client.get(reverse("responsibilities:jd_edit", args=[draft.pk])).status_code == 403
        assert client.get(reverse("responsibilities:jd_editors", args=[post])).status_code == 403
    assert snapshot() == before


def test_only_the_approver_opens_approve_and_reject(client, org_tree, gm):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    before = snapshot()
    for user in (org_tree.operator, org_tree.qa_head, org_tree.hr_user, gm, org_tree.auditor):
        login(client, user)
        url = reverse("responsibilities:jd_approve", args=[jd.pk])
        assert client.get(url).status_code == 403, user
        assert client.post(url, {"effective_date": today().isoformat()}).status_code == 403, user
    for user in (org_tree.operator, org_tree.qa_head, gm, org_tree.auditor):
        login(client, user)
        url = reverse("responsibilities:jd_reject", args=[jd.pk])
        assert client.get(url).status_code == 403, user
        assert client.post(url, {"comment": "No"}).status_code == 403, user
    assert snapshot() == before


def test_the_author_of_a_draft_cannot_approve_it(client, org_tree, gm):
    jd = make_in_review(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_approve", args=[jd.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"effective_date": today().isoformat()}).status_code == 403
    detail = client.get(jd.get_absolute_url())
    assert url not in text(detail)
    assert "Grace GM" in text(detail)  # waiting for the next head up
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.IN_REVIEW

    login(client, gm)
    response = client.post(url, {"effective_date": today().isoformat()})
    assert response.status_code == 302
    jd.refresh_from_db()
    assert (jd.status, jd.approved_by) == (DocumentStatus.EFFECTIVE, gm)


# Register --------------------------------------------------------------------------------


def test_register_lists_every_post_for_hr_with_bundle_links(client, org_tree, effective):
    make_draft(org_tree.qa_engineer_post, org_tree.hr_user)
    login(client, org_tree.hr_user)
    response = client.get(reverse("responsibilities:jd_register"))
    assert response.status_code == 200
    rows = [row for _d, _depth, rows, _printable in response.context["groups"] for row in rows]
    assert [r.post.code for r in rows] == ["GM-01", "QA-01", "QA-02", "PROD-01", "W1-01", "W1-02"]
    assert response.context["totals"] == {"posts": 6, "effective": 1, "preparing": 1, "in_review": 0}
    body = text(response)
    assert reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:jd_pdf", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk]) in body
    assert reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk]) in body


def test_register_filters_by_department_with_sub_departments_and_status(client, org_tree, effective):
    make_draft(org_tree.prod_head_post, org_tree.hr_user)
    login(client, org_tree.hr_user)
    url = reverse("responsibilities:jd_register")

    def codes(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [r.post.code for _d, _depth, rows, _printable in response.context["groups"] for r in rows]

    assert codes(department=org_tree.prod.pk) == ["PROD-01", "W1-01", "W1-02"]
    assert codes(department=org_tree.w1.pk) == ["W1-01", "W1-02"]
    assert codes(status="effective") == ["W1-02"]
    assert codes(status="preparing") == ["PROD-01"]
    assert codes(department=org_tree.prod.pk, status="missing") == ["PROD-01", "W1-01"]
    assert codes(department="abc", status="nonsense") == ["GM-01", "QA-01", "QA-02", "PROD-01", "W1-01", "W1-02"]


def test_register_shows_staff_only_the_posts_around_them_without_drafts(client, org_tree, effective):
    services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    login(client, org_tree.operator)
    response = client.get(reverse("responsibilities:jd_register"))
    rows = [r for _d, _depth, rows, _printable in response.context["groups"] for r in rows]
    assert [r.post.code for r in rows] == ["W1-01", "W1-02"]
    operator_row = rows[1]
    assert operator_row.effective == effective
    assert operator_row.working is None
    body = text(response)
    assert "QA engineer" not in body
    assert reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk]) not in body


def _many_posts(org_tree, count):
    department = DepartmentFactory(parent=org_tree.prod)
    for _n in range(count):
        post = PostFactory(department=department, superior=org_tree.prod_head_post)
        JobDescription.objects.create(
            post=post, version=1, document_number=f"JD-{post.code}", status=DocumentStatus.EFFECTIVE
        )
        JobDescription.objects.create(post=post, version=2, document_number=f"JD-{post.code}")


@pytest.mark.parametrize("name", ["hr_user", "prod_head", "operator"])
def test_register_query_count_does_not_grow_with_posts(client, org_tree, name, django_assert_max_num_queries):
    _many_posts(org_tree, 3)
    login(client, getattr(org_tree, name))
    url = reverse("responsibilities:jd_register")
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(20):
        small = client.get(url)
    _many_posts(org_tree, 30)
    with django_assert_max_num_queries(20):
        large = client.get(url)
    assert large.status_code == small.status_code == 200
    if name != "operator":
        assert large.context["totals"]["posts"] == small.context["totals"]["posts"] + 30


# The document ----------------------------------------------------------------------------


def test_detail_shows_document_control_sections_and_revision_table(client, org_tree, effective):
    login(client, org_tree.operator)
    response = client.get(reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk]))
    assert response.status_code == 200
    assert response.context["jd"] == effective
    body = text(response)
    for expected in (
        "JD-W1-02",
        "V1.0",
        'data-status="effective"',
        "Hannah HR",  # prepared by
        "Paul Production",  # approved by
        today().isoformat(),
        "Runs the press.",
        "Run the press",
        "Check the die",
        "First pass yield",
        "Quarterly",
        "Press safety",
        "24 months",
        "First issue",  # revision table
        "Workshop lead",  # superior, from the frozen identification
    ):
        assert expected in body, expected
    assert reverse("org:post_detail", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:jd_pdf", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:jd_history", args=[effective.pk]) in body
    # Staff see no action buttons but PDF and history.
    for name in ("jd_edit", "jd_submit", "jd_approve", "jd_reject"):
        assert reverse(f"responsibilities:{name}", args=[effective.pk]) not in body
    assert reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]) not in body
    assert reverse("responsibilities:jd_editors", args=[org_tree.operator_post.pk]) not in body


def test_detail_shows_the_frozen_identification_of_an_approved_version(client, org_tree, effective):
    org_services.post_update(actor=org_tree.hr_user, post=org_tree.operator_post, title="Press operator")
    draft = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    frozen = client.get(url, {"version": 1})
    assert frozen.context["identification"]["post"] == "Operator"
    live = client.get(url)  # editors get the newest version: the draft, with live values
    assert live.context["jd"] == draft
    assert live.context["identification"]["post"] == "Press operator"


def test_detail_offers_editors_the_actions_the_state_allows(client, org_tree, effective):
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    body = text(client.get(url))
    assert reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:jd_editors", args=[org_tree.operator_post.pk]) in body
    assert reverse("responsibilities:jd_edit", args=[effective.pk]) not in body

    draft = services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    response = client.get(url)
    body = text(response)
    assert response.context["jd"] == draft
    assert reverse("responsibilities:jd_edit", args=[draft.pk]) in body
    assert reverse("responsibilities:jd_submit", args=[draft.pk]) in body
    assert reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]) not in body
    assert "?a=1&amp;b=2" in body  # compare with the version in force

    # The version in force points to the one in preparation.
    body = text(client.get(url, {"version": 1}))
    assert "Version V2.0 is in preparation (Draft)." in body


def test_detail_shows_the_approver_their_buttons_and_the_review_comment(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    body = text(client.get(url))
    assert reverse("responsibilities:jd_approve", args=[jd.pk]) in body
    assert reverse("responsibilities:jd_reject", args=[jd.pk]) in body

    services.jd_reject(actor=org_tree.prod_head, jd=jd, comment="Add the changeover duty.")
    login(client, org_tree.hr_user)
    body = text(client.get(url))
    assert "Returned to draft" in body
    assert "Add the changeover duty." in body


def test_staff_see_the_effective_version_of_posts_around_them(client, org_tree, gm):
    own = make_effective(org_tree.operator_post, org_tree.hr_user, org_tree.prod_head)
    superior = make_effective(org_tree.w1_head_post, org_tree.hr_user, gm)
    driver = PostFactory(code="W1-03", title="Forklift driver", department=org_tree.w1, superior=org_tree.w1_head_post)
    colleague = make_effective(driver, org_tree.hr_user, org_tree.prod_head)  # same department
    login(client, org_tree.operator)
    for jd in (own, superior, colleague):
        response = client.get(reverse("responsibilities:jd_detail", args=[jd.post_id]))
        assert response.status_code == 200
        assert response.context["jd"] == jd


def test_a_head_sees_the_posts_of_subordinates(client, org_tree, gm):
    engineer = make_effective(org_tree.qa_engineer_post, org_tree.hr_user, gm)
    login(client, org_tree.qa_head)
    assert client.get(reverse("responsibilities:jd_detail", args=[engineer.post_id])).status_code == 200


def test_staff_get_404_for_drafts_and_unrelated_departments(client, org_tree, gm, effective):
    draft = services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    other = make_effective(org_tree.qa_engineer_post, org_tree.hr_user, gm)
    login(client, org_tree.operator)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    assert client.get(url, {"version": draft.version}).status_code == 404
    assert client.get(url).context["jd"] == effective  # the version in force stays visible
    assert client.get(reverse("responsibilities:jd_detail", args=[other.post_id])).status_code == 404
    assert client.get(reverse("responsibilities:jd_history", args=[draft.pk])).status_code == 404
    assert client.get(reverse("responsibilities:jd_history", args=[other.pk])).status_code == 404
    assert client.get(reverse("responsibilities:jd_history", args=[effective.pk])).status_code == 200


@pytest.mark.parametrize("version", ["abc", "0", "-1", "99", "1.5"])
def test_detail_with_a_bad_version_is_404(client, org_tree, effective, version):
    login(client, org_tree.hr_user)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    assert client.get(url, {"version": version}).status_code == 404


def test_detail_without_any_version_invites_editors_to_start(client, org_tree):
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    login(client, org_tree.operator)
    assert client.get(url).status_code == 404
    login(client, org_tree.prod_head)
    response = client.get(url)
    assert response.status_code == 200
    assert "This post has no job description yet." in text(response)
    assert reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]) in text(response)


def test_detail_query_count_does_not_grow_with_duties(client, org_tree, effective, django_assert_max_num_queries):
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    for n in range(20):
        duty = Duty.objects.create(job_description=effective, order=10 + n, title=f"Duty {n}")
        for m in range(3):
            Task.objects.create(duty=duty, order=m, what=f"Task {n}.{m}")
        Kpi.objects.create(job_description=effective, order=10 + n, name=f"KPI {n}", target="1", weight=0)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert "Task 19.2" in text(response)


def test_history_lists_the_workflow_steps(client, org_tree, effective):
    login(client, org_tree.operator)
    response = client.get(reverse("responsibilities:jd_history", args=[effective.pk]))
    assert response.status_code == 200
    body = text(response)
    for reason in ("Submitted for approval", "Approved", "Took effect"):
        assert reason in body


# Starting a revision ---------------------------------------------------------------------


def test_head_starts_a_revision_and_lands_in_the_editor(client, org_tree, effective):
    login(client, org_tree.prod_head)
    response = client.post(reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]))
    draft = JobDescription.objects.get(post=org_tree.operator_post, version=2)
    assert response.status_code == 302
    assert response.url == reverse("responsibilities:jd_edit", args=[draft.pk])
    assert (draft.status, draft.prepared_by) == (DocumentStatus.DRAFT, org_tree.prod_head)
    assert draft.history.get().history_user == org_tree.prod_head
    effective.refresh_from_db()
    assert effective.status == DocumentStatus.EFFECTIVE


def test_a_second_revision_while_one_is_open_is_refused_with_a_message(client, org_tree, effective):
    services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    login(client, org_tree.prod_head)
    response = client.post(reverse("responsibilities:jd_new_draft", args=[org_tree.operator_post.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])
    assert "Version V2.0 is still in preparation." in text(response)
    assert JobDescription.objects.filter(post=org_tree.operator_post).count() == 2


# The editor ------------------------------------------------------------------------------


def editor_data(response, **overrides):
    """POST data of the editor page in ``response``, as a browser would send it unchanged."""
    data = {}
    ctx = response.context
    forms = [ctx["form"]]
    for key in ("duties", "kpis", "training"):
        formset = ctx[key]
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_editor_shows_the_draft_with_tasks_as_lines(client, org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    response = client.get(reverse("responsibilities:jd_edit", args=[jd.pk]))
    assert response.status_code == 200
    assert response.context["form"]["revision"].value() == jd.edit_revision
    duties = response.context["duties"]
    assert duties.total_form_count() == 4  # two duties and two empty rows
    assert duties.forms[0]["tasks"].value() == "Operator | Check the die | Checklist | Each shift | OK"
    assert response.context["kpis"].forms[1]["frequency"].value() == "quarterly"
    assert 'name="duties-0-DELETE"' in text(response)


def test_editor_saves_sections_duties_tasks_kpis_and_training(client, org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_edit", args=[jd.pk])
    data = editor_data(
        client.get(url),
        summary="Runs and sets up the press.",
        **{
            "duties-0-title": "Run and set up the press",
            "duties-0-tasks": "Operator | Check the die\n\n | Change the die | SMED | Each order\nSetter | Adjust",
            "duties-1-DELETE": "on",
            "duties-0-time_share": "60",
            "duties-2-title": "Report defects",
            "duties-2-time_share": "20",
            "duties-2-ORDER": "0",  # moved to the top
            "kpis-0-weight": "50",
            "kpis-1-weight": "30",
            "kpis-2-name": "Changeover time",
            "kpis-2-target": "≤ 20 min",
            "kpis-2-frequency": "weekly",
            "kpis-2-weight": "20",
            "training-0-validity_months": "",
            "training-1-name": "5S basics",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response.url == jd.get_absolute_url()
    jd.refresh_from_db()
    assert jd.summary == "Runs and sets up the press."
    assert jd.edit_revision == 2
    assert list(jd.duties.values_list("order", "title", "time_share")) == [
        (1, "Report defects", 20),
        (2, "Run and set up the press", 60),
    ]
    tasks = list(jd.duties.get(order=2).tasks.values_list("who", "what", "how", "when", "result"))
    assert tasks == [
        ("Operator", "Check the die", "", "", ""),
        ("", "Change the die", "SMED", "Each order", ""),
        ("Setter", "Adjust", "", "", ""),
    ]
    assert list(jd.kpis.values_list("name", "weight", "frequency")) == [
        ("First pass yield", 50, "monthly"),
        ("Safety incidents", 30, "quarterly"),
        ("Changeover time", 20, "weekly"),
    ]
    assert list(jd.required_training.values_list("name", "before_taking_up", "validity_months")) == [
        ("Press safety", True, None),
        ("5S basics", False, None),
    ]
    assert jd.history.order_by("-history_id").first().history_user == org_tree.prod_head


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ("a | b | c | d | e | f", "Line 1 has 6 parts; a task has at most five: who | what | how | when | result."),
        ("Operator | Check\nOperator", "Line 2 has no “what”: write who | what | how | when | result."),
        ("\n  | \n", "Line 2 has no “what”: write who | what | how | when | result."),
    ],
)
def test_editor_names_the_task_line_it_cannot_read(client, org_tree, tasks, message):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_edit", args=[jd.pk])
    data = editor_data(client.get(url), **{"duties-0-tasks": tasks, "summary": "Changed"})
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["duties"].forms[0].errors["tasks"] == [message]
    assert "Nothing was saved" in text(response)
    assert snapshot() == before


def test_editor_refuses_kpi_weights_that_do_not_add_up_to_100(client, org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_edit", args=[jd.pk])
    data = editor_data(client.get(url), **{"kpis-1-weight": "30", "summary": "Changed"})
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["kpis"].non_form_errors() == ["The KPI weights add up to 90 %; they must add up to 100 %."]
    assert "The KPI weights add up to 90 %; they must add up to 100 %." in text(response)
    assert snapshot() == before


def test_editor_shows_the_services_refusal_and_writes_nothing(client, org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_edit", args=[jd.pk])
    data = editor_data(client.get(url), **{"duties-1-time_share": "50", "summary": "Changed"})
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The duties take 120 % of the working time; at most 100 % is possible."
    ]
    assert snapshot() == before


def test_a_second_save_conflicts_keeps_the_input_and_a_deliberate_resave_wins(client, org_tree, hr_user):
    jd = make_draft(org_tree.operator_post, org_tree.prod_head)
    url = reverse("responsibilities:jd_edit", args=[jd.pk])
    login(client, org_tree.prod_head)
    head_page = editor_data(client.get(url), summary="The head's summary", **{"duties-0-title": "Head's duty"})
    login(client, hr_user)
    hr_page = editor_data(client.get(url), summary="HR's summary")
    assert client.post(url, hr_page).status_code == 302

    login(client, org_tree.prod_head)
    conflict = client.post(url, head_page)
    assert conflict.status_code == 200
    errors = conflict.context["form"].non_field_errors()
    assert "Hannah HR saved this draft while you were editing it." in errors[0]
    assert "Saving again replaces their version with yours." in errors
    assert conflict.context["form"]["summary"].value() == "The head's summary"
    assert conflict.context["duties"].forms[0]["title"].value() == "Head's duty"
    jd.refresh_from_db()
    assert (jd.summary, jd.edit_revision) == ("HR's summary", 2)
    assert conflict.context["form"]["revision"].value() == "2"
    assert f'href="{jd.get_absolute_url()}"' in text(conflict).replace("&amp;", "&")

    # The old page sent blindly once more conflicts again ...
    assert client.post(url, head_page).status_code == 200
    # ... while saving from the conflict page is a deliberate overwrite.
    again = client.post(url, editor_data(conflict))
    assert again.status_code == 302
    jd.refresh_from_db()
    assert (jd.summary, jd.edit_revision) == ("The head's summary", 3)
    assert jd.duties.get(order=1).title == "Head's duty"


def test_editor_of_a_version_that_is_no_draft_redirects_with_a_message(client, org_tree, effective):
    login(client, org_tree.hr_user)
    url = reverse("responsibilities:jd_edit", args=[effective.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == effective.get_absolute_url()
    assert "Version V1.0 is Effective: only a draft can be edited." in text(response)
    before = snapshot()
    assert client.post(url, {"summary": "x", "revision": effective.edit_revision}).status_code == 302
    assert snapshot() == before


# Submit, approve, reject -----------------------------------------------------------------


def test_submit_sends_the_draft_to_the_approver(client, org_tree):
    jd = make_draft(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.hr_user)
    response = client.post(reverse("responsibilities:jd_submit", args=[jd.pk]), follow=True)
    assert response.redirect_chain[-1][0] == jd.get_absolute_url()
    assert "Submitted for approval to Paul Production." in text(response)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.IN_REVIEW
    record = jd.history.order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason) == (org_tree.hr_user, "Submitted for approval")


def test_submit_without_duties_is_refused_with_a_message(client, org_tree):
    jd = services.jd_new_draft(actor=org_tree.prod_head, post=org_tree.operator_post)
    login(client, org_tree.prod_head)
    response = client.post(reverse("responsibilities:jd_submit", args=[jd.pk]), follow=True)
    assert "Add at least one duty before submitting." in text(response)
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.DRAFT


def test_approve_form_defaults_to_today_and_approves(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_approve", args=[jd.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{today().isoformat()}"' in text(page)
    response = client.post(url, {"effective_date": today().isoformat()}, follow=True)
    assert response.redirect_chain[-1][0] == jd.get_absolute_url()
    assert f"Version V1.0 approved and in force from {today().isoformat()}." in text(response)
    jd.refresh_from_db()
    assert (jd.status, jd.approved_by, jd.effective_date) == (DocumentStatus.EFFECTIVE, org_tree.prod_head, today())
    assert jd.identification["post"] == "Operator"
    assert jd.history.order_by("-history_id").first().history_change_reason == "Took effect"


def test_approve_with_a_future_date_keeps_the_old_version_in_force(client, org_tree, effective):
    v2 = make_in_review(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.prod_head)
    day = today().replace(year=today().year + 1)
    client.post(reverse("responsibilities:jd_approve", args=[v2.pk]), {"effective_date": day.isoformat()})
    v2.refresh_from_db()
    effective.refresh_from_db()
    assert (v2.status, effective.status) == (DocumentStatus.APPROVED, DocumentStatus.EFFECTIVE)
    login(client, org_tree.operator)
    response = client.get(reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk]))
    assert response.context["jd"] == effective
    with translation.override("en"):
        services.jd_activate_due(day=day)
    assert client.get(reverse("responsibilities:jd_detail", args=[org_tree.operator_post.pk])).context["jd"] == v2


def test_approve_with_a_past_date_shows_the_error(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.prod_head)
    before = snapshot()
    response = client.post(
        reverse("responsibilities:jd_approve", args=[jd.pk]), {"effective_date": days_ago(1).isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"effective_date": ["The effective date cannot lie in the past."]}
    assert snapshot() == before


def test_approve_of_a_decided_version_sends_back_to_it(client, org_tree, effective):
    login(client, org_tree.prod_head)
    response = client.get(reverse("responsibilities:jd_approve", args=[effective.pk]), follow=True)
    assert response.redirect_chain[-1][0] == effective.get_absolute_url()
    assert "there is nothing to decide" in text(response)


def test_reject_returns_to_draft_with_the_comment(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.hr_user)
    login(client, org_tree.prod_head)
    url = reverse("responsibilities:jd_reject", args=[jd.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"comment": ""})
    assert empty.status_code == 200
    assert "comment" in empty.context["form"].errors
    response = client.post(url, {"comment": "Add the changeover duty."}, follow=True)
    assert response.redirect_chain[-1][0] == jd.get_absolute_url()
    jd.refresh_from_db()
    assert (jd.status, jd.review_comment, jd.reviewed_by) == (
        DocumentStatus.DRAFT,
        "Add the changeover duty.",
        org_tree.prod_head,
    )
    assert "Add the changeover duty." in text(response)


def test_hr_may_return_a_version_to_draft(client, org_tree):
    jd = make_in_review(org_tree.operator_post, org_tree.prod_head)
    login(client, org_tree.hr_user)
    client.post(reverse("responsibilities:jd_reject", args=[jd.pk]), {"comment": "Use the new template."})
    jd.refresh_from_db()
    assert jd.status == DocumentStatus.DRAFT


# Who may edit ----------------------------------------------------------------------------


def test_editors_page_lists_derived_role_and_granted_editors_and_the_approver(client, org_tree):
    assign_perm("org.edit_job_description", org_tree.qa_engineer, org_tree.operator_post)
    assign_perm("org.edit_job_descriptions", org_tree.qa_head, org_tree.prod)
    login(client, org_tree.hr_user)
    response = client.get(reverse("responsibilities:jd_editors", args=[org_tree.operator_post.pk]))
    assert response.status_code == 200
    ctx = response.context
    assert [(a.employee.name, d.code) for a, d in ctx["head_holders"]] == [("Paul Production", "PROD")]
    assert [d.code for d in ctx["vacant_heads"]] == ["PROD-W1", "GM"]
    assert {u.username for u in ctx["managers"]} == {"hr", "admin"}
    assert ctx["post_grants"] == [org_tree.qa_engineer]
    assert [(u, d.code) for u, d, _perms in ctx["department_grants"]] == [(org_tree.qa_head, "PROD")]
    assert ctx["approvers"] == ["Paul Production"]
    body = text(response)
    assert f'value="post:{org_tree.qa_engineer.pk}"' in body
    assert f'value="department:{org_tree.prod.pk}:{org_tree.qa_head.pk}"' in body


def test_hr_grants_and_revokes_the_edit_right(client, org_tree):
    engineer = org_tree.qa_engineer
    post = org_tree.operator_post
    url = reverse("responsibilities:jd_editors", args=[post.pk])
    login(client, org_tree.hr_user)

    response = client.post(url, {"user": engineer.pk, "scope": "post"}, follow=True)
    assert "Erin Engineer may now edit the job description of Operator." in text(response)
    assert permissions.can_edit_jd(fresh(engineer), post)
    assert not permissions.can_edit_jd(fresh(engineer), org_tree.w1_head_post)

    client.post(url, {"user": engineer.pk, "scope": "department"})
    assert permissions.can_edit_jd(fresh(engineer), org_tree.w1_head_post)

    client.post(url, {"revoke": f"post:{engineer.pk}"})
    response = client.post(url, {"revoke": f"department:{org_tree.w1.pk}:{engineer.pk}"}, follow=True)
    assert "was removed" in text(response)
    assert not permissions.can_edit_jd(fresh(engineer), post)
    assert not UserObjectPermission.objects.filter(user=engineer).exists()


@pytest.mark.parametrize("value", ["post:abc", "department:1", f"department:{10**6}:1", "nothing:1", "post:999999"])
def test_bad_revoke_values_are_404(client, org_tree, value):
    login(client, org_tree.hr_user)
    response = client.post(reverse("responsibilities:jd_editors", args=[org_tree.operator_post.pk]), {"revoke": value})
    assert response.status_code == 404


def test_a_head_may_look_at_the_editors_page_but_not_change_grants(client, org_tree):
    url = reverse("responsibilities:jd_editors", args=[org_tree.operator_post.pk])
    login(client, org_tree.prod_head)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert 'name="user"' not in text(response)
    before = snapshot()
    assert client.post(url, {"user": org_tree.operator.pk, "scope": "department"}).status_code == 403
    assert snapshot() == before
    assert get_user_model().objects.get(pk=org_tree.operator.pk).has_perm("org.edit_job_descriptions") is False
    assert not re.search("Grant", text(response))
