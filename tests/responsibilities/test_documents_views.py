"""The PDF and zip downloads of job descriptions (``responsibilities.views.documents``).

A job description PDF follows the reading rules of the job description page (404 for what
the user may not see); a department's set is for HR and administrators, readers of every
document and the editors of that branch (403 for the others). Anonymous users log in first.
"""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from responsibilities import exports, services
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

DUTIES = [
    {
        "title": "巡检",
        "description": "",
        "time_share": 100,
        "tasks": [{"who": "检验员", "what": "按计划巡检", "how": "目视", "when": "每两小时", "result": "记录完整"}],
    }
]
KPIS = [
    {"name": "巡检完成率", "formula": "", "target": "100%", "frequency": "monthly", "weight": 100, "data_source": ""}
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write_draft(post, editor, summary="车间岗位。"):
    jd = services.jd_new_draft(actor=editor, post=post)
    services.jd_update(
        actor=editor, jd=jd, revision=jd.edit_revision, fields={"summary": summary}, duties=DUTIES, kpis=KPIS
    )
    return jd


def issue(jd, tree, capture):
    services.jd_submit(actor=tree.hr_user, jd=jd)
    with capture(execute=True):
        services.jd_approve(actor=tree.prod_head, jd=jd)
    jd.refresh_from_db()
    return jd


@pytest.fixture
def make_posts(org_tree, django_capture_on_commit_callbacks):
    """``make_posts(n)``: n more Workshop 1 posts, each with an effective, issued JD."""
    made = []

    def make(n):
        for _i in range(n):
            post = PostFactory(
                code=f"W1-{10 + len(made):02d}",
                department=org_tree.w1,
                superior=org_tree.w1_head_post,
                valid_from=org_tree.operator_post.valid_from,
            )
            made.append(issue(write_draft(post, org_tree.hr_user), org_tree, django_capture_on_commit_callbacks))
        return made

    return make


@pytest.fixture
def effective_jd(org_tree, django_capture_on_commit_callbacks):
    return issue(write_draft(org_tree.operator_post, org_tree.hr_user), org_tree, django_capture_on_commit_callbacks)


def jd_url(post, version=None):
    url = reverse("responsibilities:jd_pdf", args=[post.pk])
    return f"{url}?version={version}" if version is not None else url


def stored(jd):
    with jd.pdf.open("rb") as file:
        return file.read()


# One job description ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, org_tree):
    for url in (
        jd_url(org_tree.operator_post),
        reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk]),
        reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_holder_downloads_the_issued_copy_of_the_effective_version(client, org_tree, effective_jd):
    client.force_login(org_tree.operator)
    response = client.get(jd_url(org_tree.operator_post))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="JD-W1-02-V1.0.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == stored(effective_jd)


def test_issued_copy_is_served_as_is_after_a_new_draft_changes_the_text(client, org_tree, effective_jd):
    issued = stored(effective_jd)
    write_draft(org_tree.operator_post, org_tree.hr_user, summary="改写后的概述。")
    client.force_login(org_tree.operator)
    assert client.get(jd_url(org_tree.operator_post)).content == issued
    assert client.get(jd_url(org_tree.operator_post, 1)).content == issued


def test_staff_of_another_department_get_404(client, org_tree, effective_jd):
    client.force_login(org_tree.qa_engineer)
    assert client.get(jd_url(org_tree.operator_post)).status_code == 404
    assert client.get(jd_url(org_tree.operator_post, 1)).status_code == 404


def test_staff_do_not_see_a_draft(client, org_tree, effective_jd):
    write_draft(org_tree.operator_post, org_tree.hr_user)
    client.force_login(org_tree.operator)
    assert client.get(jd_url(org_tree.operator_post, 2)).status_code == 404


def test_editor_gets_the_draft_with_its_watermark(client, org_tree, effective_jd):
    write_draft(org_tree.operator_post, org_tree.hr_user, summary="改写后的概述。")
    client.force_login(org_tree.hr_user)
    response = client.get(jd_url(org_tree.operator_post))  # editors see the newest version
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="JD-W1-02-V2.0.pdf"'
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert exports.DRAFT_WATERMARK in text
    assert "改写后的概述" in text
    assert "Hannah HR" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("version", ["abc", "9", "-1", "1.0", "²"])
def test_unknown_or_malformed_version_is_404(client, org_tree, effective_jd, version):
    client.force_login(org_tree.hr_user)
    assert client.get(jd_url(org_tree.operator_post, version)).status_code == 404


def test_unknown_post_is_404(client, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.get(reverse("responsibilities:jd_pdf", args=[999999])).status_code == 404


def test_post_without_a_job_description_is_404(client, org_tree):
    client.force_login(org_tree.operator)
    assert client.get(jd_url(org_tree.operator_post)).status_code == 404


def test_pdf_views_only_answer_get(client, org_tree, effective_jd):
    client.force_login(org_tree.hr_user)
    for url in (
        jd_url(org_tree.operator_post),
        reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk]),
        reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk]),
    ):
        assert client.post(url).status_code == 405


# A department's set -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "qa_engineer", "qa_head", "no_employee_user"])
def test_bundle_and_zip_are_refused_to_others(client, org_tree, who):
    client.force_login(getattr(org_tree, who))
    assert client.get(reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk])).status_code == 403
    assert client.get(reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk])).status_code == 403


def test_head_prints_the_set_of_the_own_branch_only(client, org_tree, effective_jd):
    client.force_login(org_tree.prod_head)
    assert client.get(reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk])).status_code == 200
    assert client.get(reverse("responsibilities:department_jd_pdf", args=[org_tree.prod.pk])).status_code == 200
    assert client.get(reverse("responsibilities:department_jd_pdf", args=[org_tree.qa.pk])).status_code == 403


@pytest.mark.parametrize("who", ["hr_user", "admin_user", "auditor"])
def test_hr_administrators_and_auditors_print_any_set(client, org_tree, effective_jd, who):
    client.force_login(getattr(org_tree, who))
    response = client.get(reverse("responsibilities:department_jd_pdf", args=[org_tree.prod.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="JD-PROD-')
    reader = PdfReader(io.BytesIO(response.content))
    assert [item.title for item in reader.outline][1:] == ["W1-02 Operator"]


def test_zip_download(client, org_tree, effective_jd):
    client.force_login(org_tree.hr_user)
    response = client.get(reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="JD-PROD-W1-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["W1-02.pdf"]
    assert archive.read("W1-02.pdf") == stored(effective_jd)


def test_unknown_department_is_404(client, org_tree):
    client.force_login(org_tree.hr_user)
    assert client.get(reverse("responsibilities:department_jd_pdf", args=[999999])).status_code == 404


def test_bundle_queries_do_not_grow_with_the_number_of_posts(
    client, org_tree, make_posts, django_assert_max_num_queries
):
    client.force_login(org_tree.hr_user)
    url = reverse("responsibilities:department_jd_pdf", args=[org_tree.w1.pk])
    make_posts(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_posts(3)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(PdfReader(io.BytesIO(response.content)).outline) == 1 + 4


def test_zip_queries_do_not_grow_with_the_number_of_posts(client, org_tree, make_posts, django_assert_max_num_queries):
    client.force_login(org_tree.hr_user)
    url = reverse("responsibilities:department_jd_zip", args=[org_tree.w1.pk])
    make_posts(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make_posts(2)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 3


def test_jd_pdf_queries_are_bounded(client, org_tree, effective_jd, django_assert_max_num_queries):
    """Mostly the permission checks and the selector; rendering a draft adds the signatures
    and the live identification, not a query per duty or KPI."""
    client.force_login(org_tree.operator)
    with django_assert_max_num_queries(22):
        assert client.get(jd_url(org_tree.operator_post)).status_code == 200
    draft = write_draft(org_tree.operator_post, org_tree.hr_user)
    five_duties = [duty | {"title": f"巡检{n}", "time_share": 20} for n, duty in enumerate(DUTIES * 5)]
    services.jd_update(actor=org_tree.hr_user, jd=draft, revision=draft.edit_revision, duties=five_duties)
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(19):
        assert client.get(jd_url(org_tree.operator_post)).status_code == 200
