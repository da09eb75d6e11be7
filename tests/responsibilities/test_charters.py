"""Department charters: everyone reads the effective one; editors (HR, the heads of the
department and above) draft, edit and submit; the head one level up, never an author,
approves. Versions in preparation are hidden (404) from everyone else.

In ``org_tree`` the charter of Workshop 1 is edited by HR and the production manager and
approved by the production manager (Workshop 1's own head post is vacant, and it lies below
Production); the quality manager and staff may do nothing to it.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from responsibilities import services
from responsibilities.choices import DocumentStatus
from responsibilities.models import CharterKpi, CharterResponsibility, DepartmentCharter

pytestmark = pytest.mark.django_db

RESPONSIBILITIES = [
    "Produce the planned quantity on time",
    "Keep the products within specification",
    "Keep the machines fit for work",
    "Train and lead the operators",
]
KPIS = [
    {
        "dimension": "internal_process",
        "name": "On-time completion",
        "formula": "on time / all orders",
        "target": "≥ 96 %",
    },
    {"dimension": "financial", "name": "Scrap cost", "formula": "scrap cost / output value", "target": "≤ 0.5 %"},
    {"dimension": "learning_growth", "name": "Operators qualified", "formula": "", "target": "100 %"},
]


@pytest.fixture
def client(client):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def write_charter(department, *, editor, responsibilities=RESPONSIBILITIES, kpis=KPIS, change=""):
    charter = services.charter_new_draft(actor=editor, department=department)
    return services.charter_update(
        actor=editor,
        charter=charter,
        revision=charter.edit_revision,
        fields={
            "purpose_within": "the production plan and the work instructions",
            "purpose_do": "machine and assemble the brackets",
            "purpose_achieve": "on-time delivery of conforming parts",
            "change_description": change,
        },
        responsibilities=list(responsibilities),
        kpis=[dict(k) for k in kpis],
    )


@pytest.fixture
def effective_charter(org_tree):
    """Workshop 1's charter V1.0 in force: HR wrote it, the production manager approved it."""
    charter = write_charter(org_tree.w1, editor=org_tree.hr_user)
    services.charter_submit(actor=org_tree.hr_user, charter=charter)
    return services.charter_decide(actor=org_tree.prod_head, charter=charter, approve=True)


@pytest.fixture
def draft(org_tree, effective_charter):
    """V2.0 started by HR from the effective version, not yet submitted."""
    return services.charter_new_draft(actor=org_tree.hr_user, department=org_tree.w1)


@pytest.fixture
def in_review(org_tree, draft):
    services.charter_update(
        actor=org_tree.hr_user,
        charter=draft,
        revision=draft.edit_revision,
        fields={
            "purpose_within": draft.purpose_within,
            "purpose_do": draft.purpose_do,
            "purpose_achieve": draft.purpose_achieve,
            "change_description": "Machines added.",
        },
        responsibilities=RESPONSIBILITIES + ["Keep the work place safe"],
        kpis=[dict(k) for k in KPIS],
    )
    return services.charter_submit(actor=org_tree.hr_user, charter=draft)


def detail_url(department, version=None):
    url = reverse("responsibilities:charter_detail", args=[department.pk])
    return f"{url}?version={version}" if version else url


def text(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def snapshot():
    return {
        "charters": list(DepartmentCharter.objects.order_by("pk").values()),
        "responsibilities": list(CharterResponsibility.objects.order_by("pk").values()),
        "kpis": list(CharterKpi.objects.order_by("pk").values()),
        "history": DepartmentCharter.history.count(),
    }


def edit_data(charter, *, responsibilities=RESPONSIBILITIES, kpis=KPIS, revision=None, **fields):
    data = {
        "revision": charter.edit_revision if revision is None else revision,
        "purpose_within": "the production plan",
        "purpose_do": "machine the brackets",
        "purpose_achieve": "conforming parts on time",
        "change_description": "Purpose sharpened.",
        "resp-TOTAL_FORMS": len(responsibilities),
        "resp-INITIAL_FORMS": 0,
        "kpi-TOTAL_FORMS": len(kpis),
        "kpi-INITIAL_FORMS": 0,
    }
    for i, r in enumerate(responsibilities):
        data[f"resp-{i}-text"] = r
    for i, k in enumerate(kpis):
        for name, value in k.items():
            data[f"kpi-{i}-{name}"] = value
    return data | fields


# Reading ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, org_tree, effective_charter):
    response = client.get(detail_url(org_tree.w1))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["operator", "qa_engineer", "auditor", "no_employee_user"])
def test_everyone_reads_the_effective_charter(client, org_tree, effective_charter, who):
    client.force_login(getattr(org_tree, who))
    response = client.get(detail_url(org_tree.w1))
    assert response.status_code == 200
    assert response.context["charter"] == effective_charter
    body = text(response)
    assert (
        "Within the production plan and the work instructions, machine and assemble the brackets, "
        "to achieve on-time delivery of conforming parts." in body
    )
    for r in RESPONSIBILITIES:
        assert r in body
    groups = dict(response.context["kpi_groups"])
    assert [k.name for k in groups["Financial"]] == ["Scrap cost"]
    assert groups["Customer"] == []
    assert [k.name for k in groups["Internal process"]] == ["On-time completion"]
    assert [k.name for k in groups["Learning and growth"]] == ["Operators qualified"]
    assert body.index("Financial") < body.index("Customer") < body.index("Internal process")
    assert "DC-PROD-W1" in body
    assert "Start a new version" not in body
    assert "Edit draft" not in body


def test_department_without_charter_says_so(client, org_tree):
    client.force_login(org_tree.operator)
    response = client.get(detail_url(org_tree.qa))
    assert response.status_code == 200
    assert "This department has no charter in force yet." in text(response)
    assert "Write the charter" not in text(response)


def test_editor_gets_the_button_to_write_the_first_charter(client, org_tree):
    client.force_login(org_tree.qa_head)
    assert "Write the charter" in text(client.get(detail_url(org_tree.qa)))


@pytest.mark.parametrize("who", ["operator", "qa_engineer", "qa_head", "auditor"])
def test_draft_is_hidden_from_non_editors(client, org_tree, draft, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(detail_url(org_tree.w1, 2)).status_code == 404
    # Without a version they see the effective one, and nothing about the draft.
    response = client.get(detail_url(org_tree.w1))
    assert response.context["charter"].version == 1
    assert [v.version for v in response.context["versions"]] == [1]


@pytest.mark.parametrize("who", ["hr_user", "prod_head"])
def test_editors_see_the_draft_first(client, org_tree, draft, who):
    client.force_login(getattr(org_tree, who))
    response = client.get(detail_url(org_tree.w1))
    assert response.status_code == 200
    assert response.context["charter"] == draft
    body = text(response)
    assert "Edit draft" in body and "Submit for approval" in body
    assert "The charter in force is V1.0." in body


def test_unknown_version_or_department_is_404(client, org_tree, effective_charter):
    client.force_login(org_tree.operator)
    assert client.get(detail_url(org_tree.w1, 7)).status_code == 404
    assert client.get(detail_url(org_tree.w1) + "?version=abc").status_code == 404
    assert client.get(reverse("responsibilities:charter_detail", args=[999999])).status_code == 404


def test_detail_query_count_is_pinned(client, org_tree, in_review, django_assert_max_num_queries):
    client.force_login(org_tree.prod_head)
    with django_assert_max_num_queries(23):
        response = client.get(detail_url(org_tree.w1))
    assert response.status_code == 200
    assert response.context["can_decide"] is True


# New version --------------------------------------------------------------------------------


def test_new_draft_is_post_only(client, org_tree, effective_charter):
    client.force_login(org_tree.hr_user)
    url = reverse("responsibilities:charter_new_draft", args=[org_tree.w1.pk])
    assert client.get(url).status_code == 405
    assert DepartmentCharter.objects.count() == 1


def test_new_draft_anonymous_is_sent_to_log_in(client, org_tree, effective_charter):
    response = client.post(reverse("responsibilities:charter_new_draft", args=[org_tree.w1.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert DepartmentCharter.objects.count() == 1


@pytest.mark.parametrize("who", ["operator", "qa_head", "auditor"])
def test_new_draft_refused_to_non_editors(client, org_tree, effective_charter, who):
    before = snapshot()
    client.force_login(getattr(org_tree, who))
    assert client.post(reverse("responsibilities:charter_new_draft", args=[org_tree.w1.pk])).status_code == 403
    assert snapshot() == before


def test_head_above_starts_a_new_version_from_the_effective_one(client, org_tree, effective_charter):
    client.force_login(org_tree.prod_head)
    response = client.post(reverse("responsibilities:charter_new_draft", args=[org_tree.w1.pk]))
    draft = DepartmentCharter.objects.get(version=2)
    assert response.status_code == 302
    assert response.url == reverse("responsibilities:charter_edit", args=[draft.pk])
    assert draft.status == DocumentStatus.DRAFT
    assert draft.prepared_by == org_tree.prod_head
    assert draft.document_number == "DC-PROD-W1"
    assert [r.text for r in draft.responsibilities.all()] == RESPONSIBILITIES
    assert draft.kpis.count() == 3
    assert draft.history.get().history_user == org_tree.prod_head
    effective_charter.refresh_from_db()
    assert effective_charter.status == DocumentStatus.EFFECTIVE


def test_second_new_draft_is_refused_with_a_message(client, org_tree, draft):
    before = snapshot()
    client.force_login(org_tree.hr_user)
    response = client.post(reverse("responsibilities:charter_new_draft", args=[org_tree.w1.pk]), follow=True)
    assert "Version V2.0 is still in preparation." in messages_of(response)
    assert snapshot() == before


# Editing ------------------------------------------------------------------------------------


def edit_url(charter):
    return reverse("responsibilities:charter_edit", args=[charter.pk])


@pytest.mark.parametrize("who", ["operator", "qa_head", "auditor"])
def test_edit_of_a_draft_is_hidden_from_non_editors(client, org_tree, draft, who):
    before = snapshot()
    client.force_login(getattr(org_tree, who))
    assert client.get(edit_url(draft)).status_code == 404
    assert client.post(edit_url(draft), edit_data(draft)).status_code == 404
    assert snapshot() == before


def test_reader_of_the_effective_charter_may_not_edit_it(client, org_tree, effective_charter):
    before = snapshot()
    client.force_login(org_tree.auditor)
    assert client.get(edit_url(effective_charter)).status_code == 403
    assert client.post(edit_url(effective_charter), edit_data(effective_charter)).status_code == 403
    assert snapshot() == before


def test_effective_charter_is_not_editable_even_for_editors(client, org_tree, effective_charter):
    before = snapshot()
    client.force_login(org_tree.hr_user)
    response = client.post(edit_url(effective_charter), edit_data(effective_charter), follow=True)
    assert "Only a draft can be edited; this version is Effective." in messages_of(response)
    assert snapshot() == before


def test_edit_form_shows_the_draft(client, org_tree, draft):
    client.force_login(org_tree.prod_head)
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    body = text(response)
    assert 'value="the production plan and the work instructions"' in body
    assert 'value="Train and lead the operators"' in body
    assert 'value="Scrap cost"' in body
    assert response.context["form"]["revision"].value() == draft.edit_revision
    assert len(response.context["responsibilities"].forms) == 8


def test_editor_saves_the_draft(client, org_tree, draft):
    client.force_login(org_tree.prod_head)
    responsibilities = [*RESPONSIBILITIES, "Keep the work place safe", ""]
    kpis = [*KPIS, {"dimension": "customer", "name": "", "formula": "", "target": ""}]
    response = client.post(edit_url(draft), edit_data(draft, responsibilities=responsibilities, kpis=kpis))
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.purpose_within, draft.purpose_do, draft.purpose_achieve) == (
        "the production plan",
        "machine the brackets",
        "conforming parts on time",
    )
    assert draft.change_description == "Purpose sharpened."
    assert draft.edit_revision == 1
    assert [r.text for r in draft.responsibilities.all()] == [*RESPONSIBILITIES, "Keep the work place safe"]
    assert sorted(k.name for k in draft.kpis.all()) == ["On-time completion", "Operators qualified", "Scrap cost"]
    record = draft.history.first()
    assert record.history_user == org_tree.prod_head
    assert record.purpose_do == "machine the brackets"


@pytest.mark.parametrize("count", [3, 9])
def test_charter_needs_4_to_8_key_responsibilities(client, org_tree, draft, count):
    before = snapshot()
    client.force_login(org_tree.hr_user)
    responsibilities = [f"Key responsibility {n}" for n in range(1, count + 1)]
    response = client.post(edit_url(draft), edit_data(draft, responsibilities=responsibilities))
    assert response.status_code == 200
    assert f"A department charter has 4 to 8 key responsibilities; this one has {count}." in text(response)
    assert 'value="Key responsibility 3"' in text(response)
    assert snapshot() == before


def test_later_version_needs_a_change_description(client, org_tree, draft):
    before = snapshot()
    client.force_login(org_tree.hr_user)
    response = client.post(edit_url(draft), edit_data(draft, change_description=""))
    assert response.status_code == 200
    assert response.context["form"].errors["change_description"]
    assert snapshot() == before


def test_kpi_row_without_target_is_refused(client, org_tree, draft):
    before = snapshot()
    client.force_login(org_tree.hr_user)
    kpis = [{"dimension": "customer", "name": "Complaints closed on time", "formula": "", "target": ""}]
    response = client.post(edit_url(draft), edit_data(draft, kpis=kpis))
    assert response.status_code == 200
    assert "Give the target." in text(response)
    assert "Please correct the marked fields below." in text(response)
    assert snapshot() == before


def test_concurrent_save_is_refused_and_keeps_the_input(client, org_tree, draft):
    client.force_login(org_tree.hr_user)
    loaded = draft.edit_revision
    # Meanwhile the production manager saves the same draft.
    services.charter_update(
        actor=org_tree.prod_head,
        charter=draft,
        revision=loaded,
        fields={
            "purpose_within": "theirs",
            "purpose_do": "theirs",
            "purpose_achieve": "theirs",
            "change_description": "Their change.",
        },
        responsibilities=RESPONSIBILITIES,
        kpis=[],
    )
    response = client.post(edit_url(draft), edit_data(draft, revision=loaded, purpose_do="my wording"))
    assert response.status_code == 200
    body = text(response)
    assert "saved this draft while you were editing it. Your input is kept below" in body
    assert 'value="my wording"' in body
    draft.refresh_from_db()
    assert draft.purpose_do == "theirs"
    assert draft.kpis.count() == 0


# Submitting and deciding --------------------------------------------------------------------


def submit_url(charter):
    return reverse("responsibilities:charter_submit", args=[charter.pk])


def decide_url(charter):
    return reverse("responsibilities:charter_decide", args=[charter.pk])


def test_submit_is_post_only(client, org_tree, draft):
    client.force_login(org_tree.hr_user)
    assert client.get(submit_url(draft)).status_code == 405


@pytest.mark.parametrize("who", ["operator", "qa_head", "auditor"])
def test_submit_refused_to_non_editors(client, org_tree, draft, who):
    before = snapshot()
    client.force_login(getattr(org_tree, who))
    assert client.post(submit_url(draft)).status_code == 404
    assert snapshot() == before


def test_editor_submits_the_draft(client, org_tree, draft):
    client.force_login(org_tree.hr_user)
    response = client.post(submit_url(draft), follow=True)
    assert "Submitted for approval." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == DocumentStatus.IN_REVIEW
    record = draft.history.first()
    assert (record.status, record.history_user, record.history_change_reason) == (
        "in_review",
        org_tree.hr_user,
        "Submitted for approval",
    )


def test_first_draft_without_responsibilities_cannot_be_submitted(client, org_tree):
    charter = services.charter_new_draft(actor=org_tree.qa_head, department=org_tree.qa)
    client.force_login(org_tree.qa_head)
    response = client.post(submit_url(charter), follow=True)
    assert "A department charter has 4 to 8 key responsibilities; this one has 0." in messages_of(response)
    charter.refresh_from_db()
    assert charter.status == DocumentStatus.DRAFT


def test_head_one_level_up_approves(client, org_tree, in_review, effective_charter):
    client.force_login(org_tree.prod_head)
    assert client.get(decide_url(in_review)).status_code == 200
    response = client.post(decide_url(in_review), {"decision": "approve"}, follow=True)
    assert "Approved: V2.0 is in force." in messages_of(response)
    in_review.refresh_from_db()
    effective_charter.refresh_from_db()
    assert in_review.status == DocumentStatus.EFFECTIVE
    assert in_review.approved_by == org_tree.prod_head
    assert effective_charter.status == DocumentStatus.SUPERSEDED
    assert in_review.history.first().history_change_reason == "Took effect"
    assert response.context["charter"] == in_review


def test_author_never_approves(client, org_tree, effective_charter):
    # The production manager writes V2.0 himself: he may not approve it, and nobody above him
    # can (the general manager's post is vacant), so the approve button is not shown to him.
    draft = write_charter(org_tree.w1, editor=org_tree.prod_head, change="Rewritten.")
    services.charter_submit(actor=org_tree.prod_head, charter=draft)
    before = snapshot()
    client.force_login(org_tree.prod_head)
    assert "Approve or return" not in text(client.get(detail_url(org_tree.w1)))
    assert client.get(decide_url(draft)).status_code == 403
    assert client.post(decide_url(draft), {"decision": "approve"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("hr_user", 403), ("qa_head", 404), ("operator", 404), ("auditor", 404)])
def test_decide_refused_to_others(client, org_tree, in_review, who, status):
    before = snapshot()
    client.force_login(getattr(org_tree, who))
    assert client.get(decide_url(in_review)).status_code == status
    assert client.post(decide_url(in_review), {"decision": "approve"}).status_code == status
    assert snapshot() == before


def test_return_needs_a_comment(client, org_tree, in_review):
    before = snapshot()
    client.force_login(org_tree.prod_head)
    response = client.post(decide_url(in_review), {"decision": "return", "comment": " "})
    assert response.status_code == 200
    assert "Say what has to change." in text(response)
    assert snapshot() == before


def test_return_to_draft_with_comment(client, org_tree, in_review):
    client.force_login(org_tree.prod_head)
    response = client.post(decide_url(in_review), {"decision": "return", "comment": "Add the safety KPI."}, follow=True)
    assert "Returned to draft: V2.0." in messages_of(response)
    in_review.refresh_from_db()
    assert in_review.status == DocumentStatus.DRAFT
    assert in_review.review_comment == "Add the safety KPI."
    assert in_review.reviewed_by == org_tree.prod_head
    # The editor sees the comment on the draft and on the edit form.
    client.force_login(org_tree.hr_user)
    assert "Add the safety KPI." in text(client.get(detail_url(org_tree.w1)))
    assert "Add the safety KPI." in text(client.get(edit_url(in_review)))


def test_decide_on_a_draft_says_it_is_not_in_review(client, org_tree, draft):
    # HR drafted it: the production manager is its approver, but there is nothing to decide yet.
    client.force_login(org_tree.prod_head)
    response = client.get(decide_url(draft), follow=True)
    assert "Only a version in review can be decided." in messages_of(response)


# History ------------------------------------------------------------------------------------


def history_url(charter):
    return reverse("responsibilities:charter_history", args=[charter.pk])


def test_history_of_the_effective_charter_is_readable(client, org_tree, effective_charter):
    client.force_login(org_tree.operator)
    response = client.get(history_url(effective_charter))
    assert response.status_code == 200
    reasons = [e.reason for e in response.context["entries"]]
    assert "Took effect" in reasons and "Submitted for approval" in reasons


def test_history_of_a_draft_is_hidden_from_non_editors(client, org_tree, draft):
    client.force_login(org_tree.operator)
    assert client.get(history_url(draft)).status_code == 404
    client.force_login(org_tree.hr_user)
    assert client.get(history_url(draft)).status_code == 200
