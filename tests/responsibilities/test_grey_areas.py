"""Grey areas: the report finds overlaps (two leads on a row; the same duty, after
normalising, in JDs of two departments) and gaps (a row nobody leads, posts without duties,
departments without a charter) by grouping, not pairwise; recorded grey areas move
open → in progress → resolved or void with history; who may see and change what."""

# ruff: noqa: F811
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import DomainError
from responsibilities import matrix_services, services
from responsibilities.choices import CellValue, DocumentStatus, GreyAreaKind, GreyAreaStatus
from responsibilities.matrix_selectors import grey_area_findings, normalise_duty
from responsibilities.models import GreyArea
from tests.factories import PostFactory
from tests.responsibilities.matrix_fixtures import (  # noqa: F401
    CLEAN,
    clauses,
    company_matrix,
    effective_matrix,
    fill,
    gm_user,
    qm_user,
)

pytestmark = pytest.mark.django_db

REPORT = reverse("responsibilities:grey_area_report")
REGISTER = reverse("responsibilities:grey_area_list")


def publish_jd(org_tree, post, duties):
    hr = org_tree.hr_user
    jd = services.jd_new_draft(actor=hr, post=post)
    services.jd_update(
        actor=hr,
        jd=jd,
        revision=jd.edit_revision,
        duties=[{"title": t, "description": "", "time_share": 10, "tasks": []} for t in duties],
    )
    jd.status = DocumentStatus.EFFECTIVE  # the approval chain is tested elsewhere
    jd.save()
    return jd


@pytest.fixture
def planted(company_matrix, org_tree, gm_user):
    """The matrix with 8.4 led twice and 6.3 led by nobody, in force; a duty shared by a
    Quality and a Production post's JDs."""
    marks = dict(CLEAN)
    marks[("8.4", "QA")] = CellValue.LEAD
    marks[("6.3", "QA")] = CellValue.ASSIST
    fill(company_matrix, org_tree.hr_user, marks)
    matrix_services.matrix_submit(actor=org_tree.hr_user, matrix=company_matrix)
    matrix_services.matrix_approve(actor=gm_user, matrix=company_matrix)
    publish_jd(org_tree, org_tree.qa_engineer_post, ["Audit the suppliers", "Write 8D reports"])
    publish_jd(org_tree, org_tree.prod_head_post, ["audit the  suppliers.", "Plan production"])
    publish_jd(org_tree, org_tree.operator_post, ["Audit the suppliers"])  # same department as PROD? no: W1
    return company_matrix


def test_normalise_duty_drops_spaces_punctuation_and_case():
    assert normalise_duty("Audit the  Suppliers.") == normalise_duty("audit the suppliers")
    assert normalise_duty("组织供应商 年度质量审核。") == normalise_duty("组织供应商年度质量审核")
    assert normalise_duty("（１）检验、记录！") == normalise_duty("(1)检验记录")
    assert normalise_duty(" ，。 ") == ""


def test_report_finds_every_kind(planted, org_tree):
    findings = grey_area_findings()
    kinds = {f.kind: f for f in findings}
    two = kinds[GreyAreaKind.TWO_LEADS]
    assert "8.4" in two.description and {d.code for d in two.departments} == {"QA", "PROD"}
    assert "6.3" in kinds[GreyAreaKind.NO_LEAD].description
    shared = [f for f in findings if f.kind == GreyAreaKind.SHARED_DUTY]
    assert len(shared) == 1
    assert {d.code for d in shared[0].departments} == {"QA", "PROD", "PROD-W1"}
    no_duties = {f.key for f in findings if f.kind == GreyAreaKind.POST_WITHOUT_DUTIES}
    assert "post_without_duties:GM-01" in no_duties and "post_without_duties:QA-02" not in no_duties
    no_charter = {f.key for f in findings if f.kind == GreyAreaKind.NO_CHARTER}
    assert no_charter == {"no_charter:GM", "no_charter:QA", "no_charter:PROD", "no_charter:PROD-W1"}


def test_same_duty_in_one_department_is_no_overlap(org_tree):
    publish_jd(org_tree, org_tree.qa_head_post, ["Keep records"])
    publish_jd(org_tree, org_tree.qa_engineer_post, ["Keep records."])
    assert not [f for f in grey_area_findings() if f.kind == GreyAreaKind.SHARED_DUTY]


def test_report_query_count_is_constant_in_posts_and_duties(planted, org_tree, django_assert_max_num_queries):
    counts = []
    for round_ in range(2):
        for i in range(5):
            post = PostFactory(code=f"X{round_}-{i}", department=org_tree.prod)
            publish_jd(org_tree, post, [f"Duty {round_}-{i}", "Audit the suppliers"])
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(12):
            grey_area_findings()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_record_and_close_a_grey_area_with_history(planted, org_tree, qm_user):
    finding = next(f for f in grey_area_findings() if f.kind == GreyAreaKind.TWO_LEADS)
    grey = matrix_services.grey_area_record(
        actor=org_tree.hr_user,
        kind=finding.kind,
        description=finding.description,
        owner=qm_user,
        departments=finding.departments,
        finding_key=finding.key,
    )
    assert next(f for f in grey_area_findings() if f.key == finding.key).recorded == grey
    with pytest.raises(ValidationError):
        matrix_services.grey_area_record(
            actor=org_tree.hr_user, kind=finding.kind, description="again", owner=qm_user, finding_key=finding.key
        )
    matrix_services.grey_area_update(actor=qm_user, grey_area=grey, proposal="Purchasing leads 8.4")
    matrix_services.grey_area_start(actor=qm_user, grey_area=grey)
    with pytest.raises(ValidationError):
        matrix_services.grey_area_resolve(actor=qm_user, grey_area=grey, resolution="")
    matrix_services.grey_area_resolve(actor=qm_user, grey_area=grey, resolution="Matrix V2 gives 8.4 to PROD")
    grey.refresh_from_db()
    assert grey.status == GreyAreaStatus.RESOLVED and grey.closed_at
    statuses = [h.status for h in grey.history.order_by("history_date", "history_id")]
    assert statuses[0] == "open" and statuses[-2:] == ["in_progress", "resolved"]
    assert grey.history.first().history_user == qm_user
    with pytest.raises(DomainError):
        matrix_services.grey_area_void(actor=org_tree.hr_user, grey_area=grey, reason="late")


def test_void_needs_a_reason_and_frees_the_finding(planted, org_tree, qm_user):
    grey = matrix_services.grey_area_record(
        actor=org_tree.hr_user, kind="other", description="d", owner=qm_user, finding_key="no_charter:GM"
    )
    with pytest.raises(ValidationError):
        matrix_services.grey_area_void(actor=org_tree.hr_user, grey_area=grey, reason=" ")
    matrix_services.grey_area_void(actor=org_tree.hr_user, grey_area=grey, reason="Recorded twice")
    assert next(f for f in grey_area_findings() if f.key == "no_charter:GM").recorded is None


@pytest.mark.parametrize("who", ["qa_head", "auditor", "operator"])
def test_only_hr_quality_manager_and_admin_record(org_tree, qm_user, who):
    with pytest.raises(PermissionDenied):
        matrix_services.grey_area_record(actor=getattr(org_tree, who), kind="other", description="d", owner=qm_user)
    assert not GreyArea.objects.exists()


def test_owner_updates_but_cannot_resolve_or_hand_it_over(org_tree, qm_user):
    grey = matrix_services.grey_area_record(actor=qm_user, kind="other", description="d", owner=org_tree.operator)
    matrix_services.grey_area_update(actor=org_tree.operator, grey_area=grey, proposal="Write it into my JD")
    with pytest.raises(PermissionDenied):
        matrix_services.grey_area_update(actor=org_tree.operator, grey_area=grey, owner=org_tree.qa_engineer)
    with pytest.raises(PermissionDenied):
        matrix_services.grey_area_resolve(actor=org_tree.operator, grey_area=grey, resolution="done")
    with pytest.raises(PermissionDenied):
        matrix_services.grey_area_update(actor=org_tree.qa_engineer, grey_area=grey, proposal="mine")
    grey.refresh_from_db()
    assert grey.proposal == "Write it into my JD" and grey.status == GreyAreaStatus.OPEN


# Views ------------------------------------------------------------------------------------------


def test_report_page_for_auditor_403_for_staff_login_for_anonymous(client, planted, org_tree):
    response = client.get(REPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(org_tree.operator)
    assert client.get(REPORT).status_code == 403
    client.force_login(org_tree.auditor)
    response = client.get(REPORT)
    assert response.status_code == 200
    assert {f.kind for f in response.context["findings"]} >= {"two_leads", "no_lead", "shared_duty"}
    assert reverse("responsibilities:grey_area_record") not in response.content.decode()


def test_report_page_query_count_is_pinned(client, planted, org_tree, django_assert_max_num_queries):
    client.force_login(org_tree.hr_user)
    with django_assert_max_num_queries(22):
        client.get(REPORT)


def test_record_from_a_finding_through_the_form(client, planted, org_tree, qm_user):
    finding = next(f for f in grey_area_findings() if f.kind == GreyAreaKind.SHARED_DUTY)
    client.force_login(qm_user)
    url = reverse("responsibilities:grey_area_record")
    form = client.get(url, {"finding": finding.key}).context["form"]
    assert form.initial["kind"] == GreyAreaKind.SHARED_DUTY and form.initial["finding_key"] == finding.key
    response = client.post(
        url,
        {
            "kind": finding.kind,
            "description": finding.description,
            "departments": finding.department_ids,
            "owner": org_tree.prod_head.pk,
            "proposal": "Quality audits suppliers; production takes part",
            "finding_key": finding.key,
        },
    )
    grey = GreyArea.objects.get()
    assert response.status_code == 302 and response["Location"] == grey.get_absolute_url()
    assert grey.owner == org_tree.prod_head and grey.recorded_by == qm_user
    assert set(grey.departments.values_list("code", flat=True)) == {"QA", "PROD", "PROD-W1"}
    assert {h.history_user for h in grey.history.all()} == {qm_user}
    client.force_login(org_tree.operator)
    assert client.get(url).status_code == 403


def test_register_visibility_by_role(client, org_tree, qm_user):
    in_prod = matrix_services.grey_area_record(
        actor=qm_user, kind="other", description="prod", owner=qm_user, departments=[org_tree.prod]
    )
    in_qa = matrix_services.grey_area_record(
        actor=qm_user, kind="other", description="qa", owner=qm_user, departments=[org_tree.qa]
    )
    client.force_login(org_tree.prod_head)
    assert list(client.get(REGISTER).context["grey_areas"]) == [in_prod]
    assert client.get(in_qa.get_absolute_url()).status_code == 404
    assert client.get(in_prod.get_absolute_url()).status_code == 200
    assert client.post(reverse("responsibilities:grey_area_close", args=[in_prod.pk])).status_code == 403
    client.force_login(org_tree.auditor)
    assert set(client.get(REGISTER).context["grey_areas"]) == {in_prod, in_qa}
    client.force_login(org_tree.operator)
    assert list(client.get(REGISTER).context["grey_areas"]) == []
    assert client.get(in_prod.get_absolute_url()).status_code == 404


def test_close_view_resolves_and_405_on_get(client, org_tree, qm_user):
    grey = matrix_services.grey_area_record(actor=qm_user, kind="other", description="d", owner=qm_user)
    client.force_login(qm_user)
    url = reverse("responsibilities:grey_area_close", args=[grey.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"action": "resolve", "note": ""})
    grey.refresh_from_db()
    assert grey.status == GreyAreaStatus.OPEN
    client.post(url, {"action": "resolve", "note": "Charter of QA revised"})
    grey.refresh_from_db()
    assert grey.status == GreyAreaStatus.RESOLVED and grey.resolution == "Charter of QA revised"
    response = client.get(reverse("responsibilities:grey_area_history", args=[grey.pk]))
    assert len(response.context["entries"]) == 2


def test_register_export_shows_only_what_the_user_sees(client, org_tree, qm_user, django_assert_max_num_queries):
    for i in range(3):
        matrix_services.grey_area_record(
            actor=qm_user, kind="other", description=f"=cmd|{i}", owner=qm_user, departments=[org_tree.qa]
        )
    matrix_services.grey_area_record(
        actor=qm_user, kind="other", description="prod only", owner=qm_user, departments=[org_tree.prod]
    )
    client.force_login(org_tree.prod_head)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("responsibilities:grey_area_xlsx"), {"status": "all"})
    ws = load_workbook(io.BytesIO(response.content)).active
    descriptions = [ws.cell(row=r, column=3).value for r in range(3, ws.max_row + 1)]
    assert descriptions == ["prod only"]
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "landscape"
    client.force_login(qm_user)
    ws = load_workbook(io.BytesIO(client.get(reverse("responsibilities:grey_area_xlsx")).content)).active
    cells = [ws.cell(row=r, column=3) for r in range(3, ws.max_row + 1)]
    assert len(cells) == 4 and all(c.data_type == "s" for c in cells)
    assert any(c.value.startswith("=cmd") for c in cells)


def test_inbox_shows_owned_grey_areas_and_matrix_warnings(client, planted, org_tree, qm_user):
    grey = matrix_services.grey_area_record(actor=qm_user, kind="other", description="d", owner=org_tree.hr_user)
    draft = matrix_services.matrix_new_version(actor=org_tree.hr_user, matrix=planted)
    client.force_login(org_tree.hr_user)
    html = client.get("/").content.decode()
    assert grey.get_absolute_url() in html
    assert draft.get_absolute_url() in html
    client.force_login(org_tree.operator)
    assert grey.get_absolute_url() not in client.get("/").content.decode()


def test_register_shows_open_and_in_progress_by_default(client, org_tree, qm_user):
    open_one = matrix_services.grey_area_record(actor=qm_user, kind="other", description="a", owner=qm_user)
    started = matrix_services.grey_area_record(actor=qm_user, kind="other", description="b", owner=qm_user)
    matrix_services.grey_area_start(actor=qm_user, grey_area=started)
    done = matrix_services.grey_area_record(actor=qm_user, kind="other", description="c", owner=qm_user)
    matrix_services.grey_area_resolve(actor=qm_user, grey_area=done, resolution="fixed")
    client.force_login(org_tree.auditor)
    assert set(client.get(REGISTER).context["grey_areas"]) == {open_one, started}
    assert list(client.get(REGISTER, {"status": "resolved"}).context["grey_areas"]) == [done]
    assert list(client.get(REGISTER, {"status": "open"}).context["grey_areas"]) == [open_one]
    assert len(client.get(REGISTER, {"status": "all"}).context["grey_areas"]) == 3


def test_history_page_shows_the_closing_time_in_local_time_to_the_minute(client, org_tree, qm_user, english_pages):
    # 08:30:45.5 in the company's time zone: in UTC it is 00:30, and it has seconds to drop.
    # Recorded an hour before, whatever the hour the test runs at.
    local = timezone.localtime().replace(hour=8, minute=30, second=45, microsecond=500000)
    with time_machine.travel(local - datetime.timedelta(hours=1), tick=False):
        grey = matrix_services.grey_area_record(actor=qm_user, kind="other", description="d", owner=qm_user)
    with time_machine.travel(local, tick=False):
        matrix_services.grey_area_resolve(actor=qm_user, grey_area=grey, resolution="Charter revised")
        client.force_login(qm_user)
        response = client.get(reverse("responsibilities:grey_area_history", args=[grey.pk]))
    resolved = response.context["entries"][0]
    shown = f"{local:%Y-%m-%d} 08:30"
    assert {c.field: c.new for c in resolved.changes}["closed at"] == shown
    body = response.content.decode()
    assert f"<td>{shown}</td>" in body
    assert f"{local.astimezone(datetime.UTC):%Y-%m-%d %H:%M}" not in body and "08:30:45" not in body
