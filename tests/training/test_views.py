"""Pages of the training module: who may see and do what (anonymous → login, not visible →
404, visible but not allowed → 403, wrong method → 405), and the happy paths read back."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from pypdf import PdfReader

from org.models import today
from training import services
from training.choices import AttendanceResult, EventStatus, NeedStatus, PlanStatus
from training.models import Attendance, Qualification, TrainingEvent, TrainingNeed, TrainingPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org_tree, catalogue):
    return services.event_create(
        actor=org_tree.hr_user,
        course=catalogue.press,
        title="Press safety refresher",
        date=today() - datetime.timedelta(days=1),
        trainer="Tom Trainer",
        pass_score=Decimal(60),
        attendees=[org_tree.operator.employee, org_tree.qa_engineer.employee],
    )


def test_anonymous_users_are_sent_to_log_in(client, org_tree):
    for url in ("/training/", "/training/plans/", "/training/needs/", "/training/matrix/", "/training/courses/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_cannot_manage_the_catalogue_or_plans(client, org_tree, catalogue):
    client.force_login(org_tree.operator)
    assert client.get("/training/courses/new/").status_code == 403
    assert client.post("/training/courses/new/", {"code": "X", "name": "X"}).status_code == 403
    assert client.get("/training/plans/new/").status_code == 403
    assert client.get("/training/events/new/").status_code == 403
    assert client.get("/training/needs/new/").status_code == 403
    assert client.get("/training/needs/").status_code == 403


def test_hr_adds_a_course(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.post(
        "/training/courses/new/",
        {
            "code": "CRANE",
            "name": "Crane signalling",
            "kind": "qualification",
            "validity_months": "36",
            "default_hours": "8",
            "method": "external",
            "assessment_method": "external_exam",
            "aliases": "Crane signal licence",
        },
    )
    assert response.status_code == 302
    from training.models import Course

    course = Course.objects.get(code="CRANE")
    assert course.validity_months == 36 and "crane signal licence" in course.names()
    assert course.history.get().history_user == org_tree.hr_user


def test_head_submits_a_need_for_their_branch_only(client, org_tree, catalogue):
    client.force_login(org_tree.prod_head)
    response = client.post(
        "/training/needs/new/", {"department": org_tree.qa.pk, "topic": "Gauges", "course": catalogue.press.pk}
    )
    assert response.status_code == 200  # QA is not offered: the form refuses the choice
    assert not TrainingNeed.objects.exists()
    response = client.post("/training/needs/new/", {"department": org_tree.w1.pk, "course": catalogue.press.pk})
    assert response.status_code == 302
    need = TrainingNeed.objects.get()
    assert need.topic == "Press safety" and need.requested_by == org_tree.prod_head
    assert client.get(f"/training/needs/{need.pk}/").status_code == 200


def test_head_does_not_see_the_needs_of_other_departments(client, org_tree):
    need = services.need_create(actor=org_tree.hr_user, department=org_tree.qa, topic="Gauges")
    client.force_login(org_tree.prod_head)
    assert client.get(f"/training/needs/{need.pk}/").status_code == 404
    assert "Gauges" not in client.get("/training/needs/").content.decode()
    client.force_login(org_tree.qa_head)
    assert "Gauges" in client.get("/training/needs/").content.decode()
    assert client.post(f"/training/needs/{need.pk}/close/", {"reason": "x"}).status_code == 403


def test_plan_journey_through_the_pages(client, org_tree, gm, catalogue):
    services.need_create(actor=org_tree.prod_head, department=org_tree.w1, course=catalogue.press, topic="Press")
    client.force_login(org_tree.hr_user)
    response = client.post("/training/plans/new/", {"year": today().year, "title": ""})
    plan = TrainingPlan.objects.get()
    assert response["Location"] == f"/training/plans/{plan.pk}/"
    assert client.get(f"/training/plans/{plan.pk}/draft-from-needs/").status_code == 405
    client.post(f"/training/plans/{plan.pk}/draft-from-needs/")
    assert plan.items.count() == 1
    client.post(f"/training/plans/{plan.pk}/submit/")
    assert client.get(f"/training/plans/{plan.pk}/approve/").status_code == 403  # HR does not approve
    client.force_login(gm)
    assert "Approve" in client.get(f"/training/plans/{plan.pk}/").content.decode()
    client.post(f"/training/plans/{plan.pk}/approve/", {"comment": "OK"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    client.force_login(org_tree.hr_user)
    client.post(f"/training/plans/{plan.pk}/publish/", {"departments": [org_tree.prod.pk, org_tree.w1.pk]})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.distributions.count() == 2
    response = client.get(f"/training/plans/{plan.pk}/plan.xlsx")
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.cell(row=3, column=3).value == "Press safety"
    assert ws.cell(row=3, column=4).value == "Workshop 1"


def test_staff_see_only_approved_plans(client, org_tree):
    plan = services.plan_create(actor=org_tree.hr_user, year=today().year)
    client.force_login(org_tree.operator)
    assert client.get(f"/training/plans/{plan.pk}/").status_code == 404


def test_hr_records_results_and_the_qualification_appears_in_the_file(client, org_tree, event):
    client.force_login(org_tree.hr_user)
    operator = Attendance.objects.get(event=event, employee=org_tree.operator.employee)
    engineer = Attendance.objects.get(event=event, employee=org_tree.qa_engineer.employee)
    response = client.post(
        f"/training/events/{event.pk}/results/",
        {
            f"result-{operator.pk}": "passed",
            f"score-{operator.pk}": "85",
            f"result-{engineer.pk}": "absent",
            f"score-{engineer.pk}": "",
        },
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.result == AttendanceResult.PASSED and operator.score == 85
    client.post(f"/training/events/{event.pk}/complete/")
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    html = client.get(f"/training/employees/{org_tree.operator.employee.pk}/").content.decode()
    assert "Press safety refresher" in html and "Valid" in html


def test_results_with_a_wrong_score_are_reported_and_not_saved(client, org_tree, event):
    client.force_login(org_tree.hr_user)
    operator = Attendance.objects.get(event=event, employee=org_tree.operator.employee)
    response = client.post(
        f"/training/events/{event.pk}/results/",
        {f"result-{operator.pk}": "passed", f"score-{operator.pk}": "30"},
        follow=True,
    )
    assert "does not match" in response.content.decode()
    assert not Qualification.objects.exists()


def test_attendee_confirms_and_gives_feedback_others_get_404(client, org_tree, event):
    mine = Attendance.objects.get(event=event, employee=org_tree.qa_engineer.employee)
    client.force_login(org_tree.operator)
    assert client.post(f"/training/attendance/{mine.pk}/confirm/").status_code == 404
    client.force_login(org_tree.qa_engineer)
    assert client.get(f"/training/attendance/{mine.pk}/confirm/").status_code == 405
    client.post(f"/training/attendance/{mine.pk}/confirm/")
    mine.refresh_from_db()
    assert mine.confirmed_at is not None
    services.attendance_record_result(actor=org_tree.hr_user, attendance=mine, result="passed", score=Decimal(70))
    client.post(f"/training/attendance/{mine.pk}/feedback/", {"rating": "5", "text": "Clear examples"})
    mine.refresh_from_db()
    assert mine.feedback == "Clear examples"


def test_employee_sees_own_file_only_head_sees_staff(client, org_tree):
    operator, engineer = org_tree.operator.employee, org_tree.qa_engineer.employee
    client.force_login(org_tree.operator)
    assert client.get("/training/me/")["Location"] == f"/training/employees/{operator.pk}/"
    assert client.get(f"/training/employees/{operator.pk}/").status_code == 200
    assert client.get(f"/training/employees/{engineer.pk}/").status_code == 404
    assert client.get(f"/training/employees/{engineer.pk}/file.pdf").status_code == 404
    client.force_login(org_tree.prod_head)
    assert client.get(f"/training/employees/{operator.pk}/").status_code == 200
    assert client.get(f"/training/employees/{engineer.pk}/").status_code == 404


def test_training_file_pdf_and_workbook(client, org_tree, event, catalogue, django_assert_max_num_queries):
    attendance = Attendance.objects.get(event=event, employee=org_tree.operator.employee)
    services.attendance_record_result(actor=org_tree.hr_user, attendance=attendance, result="passed", score=Decimal(91))
    client.force_login(org_tree.operator)
    with django_assert_max_num_queries(20):
        response = client.get(f"/training/employees/{org_tree.operator.employee.pk}/file.pdf")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Otto Operator" in text and "Press safety refresher" in text and "91" in text
    assert "not yet" not in text.lower() or "Released for duty" in text
    response = client.get(f"/training/employees/{org_tree.operator.employee.pk}/file.xlsx")
    wb = load_workbook(BytesIO(response.content))
    first, second = wb.worksheets
    assert first.cell(row=3, column=2).value == "Press safety refresher"
    assert second.cell(row=3, column=1).value == "Press safety"


def test_new_hire_is_shown_not_yet_released(client, org_tree, catalogue):
    client.force_login(org_tree.operator)
    html = client.get(f"/training/employees/{org_tree.operator.employee.pk}/").content.decode()
    assert "not yet released for duty" in html


def test_evidence_upload_checks_content_and_download_is_an_attachment(client, org_tree, event):
    client.force_login(org_tree.hr_user)
    fake = SimpleUploadedFile("sheet.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(f"/training/events/{event.pk}/evidence/", {"evidence": fake})
    assert response.status_code == 200 and "PDF, PNG or JPEG" in response.content.decode()
    png = SimpleUploadedFile("sheet.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    assert client.post(f"/training/events/{event.pk}/evidence/", {"evidence": png}).status_code == 302
    response = client.get(f"/training/events/{event.pk}/evidence/download/")
    assert response["Content-Disposition"].startswith('attachment; filename="sheet.png"')
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/png"
    # An attendee may download it, a stranger may not even see the event.
    client.force_login(org_tree.operator)
    assert client.get(f"/training/events/{event.pk}/evidence/download/").status_code == 200
    client.force_login(org_tree.prod_head)
    assert client.get(f"/training/events/{event.pk}/").status_code == 200  # the operator is his staff
    client.force_login(org_tree.qa_head)
    assert client.get(f"/training/events/{event.pk}/").status_code == 200  # the engineer is hers
    other = TrainingEvent.objects.create(
        course=event.course, title="Other", date=today(), trainer="T", created_by=org_tree.hr_user
    )
    assert client.get(f"/training/events/{other.pk}/").status_code == 404


def test_lists_keep_a_constant_query_count(client, org_tree, event, catalogue, django_assert_max_num_queries):
    for i in range(5):
        services.need_create(actor=org_tree.hr_user, department=org_tree.w1, topic=f"Topic {i}")
    client.force_login(org_tree.hr_user)
    for url in ("/training/needs/", "/training/events/", "/training/courses/", "/training/", "/training/plans/"):
        with django_assert_max_num_queries(22):
            assert client.get(url).status_code == 200


def test_home_inbox_shows_kpis_to_hr_and_invitations_to_attendees(client, org_tree, event):
    client.force_login(org_tree.hr_user)
    html = client.get("/").content.decode()
    assert "Employees meeting all post requirements" in html
    client.force_login(org_tree.qa_engineer)
    html = client.get("/").content.decode()
    assert "Confirm your invitation: Press safety refresher" in html
    assert "Employees meeting all post requirements" not in html


def test_need_status_filter(client, org_tree):
    need = services.need_create(actor=org_tree.hr_user, department=org_tree.w1, topic="Closed topic")
    services.need_close(actor=org_tree.hr_user, need=need, reason="Done on the job")
    client.force_login(org_tree.hr_user)
    assert "Closed topic" not in client.get("/training/needs/").content.decode()
    assert "Closed topic" in client.get(f"/training/needs/?status={NeedStatus.CLOSED}").content.decode()


def test_plan_and_event_pages_keep_a_constant_query_count(client, org_tree, catalogue, qualify):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EmployeeFactory

    hr = org_tree.hr_user
    plan = services.plan_create(actor=hr, year=today().year)

    def add_lines(n):
        for i in range(n):
            services.plan_item_save(
                actor=hr,
                plan=plan,
                content=f"Line {i}",
                course=catalogue.press,
                planned_month=1 + i % 12,
                departments=[org_tree.w1],
                posts=[org_tree.operator_post],
                employees=[org_tree.operator.employee],
            )
            services.need_create(actor=hr, department=org_tree.w1, topic=f"Need {i}")

    client.force_login(hr)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    add_lines(2)
    event = qualify([org_tree.operator.employee], catalogue.press)
    small = (count(f"/training/plans/{plan.pk}/"), count(f"/training/events/{event.pk}/"))
    add_lines(6)
    big_event = qualify([EmployeeFactory(name=f"P{i}") for i in range(8)], catalogue.press)
    big = (count(f"/training/plans/{plan.pk}/"), count(f"/training/events/{big_event.pk}/"))
    assert small == big
    assert max(big) <= 20


def test_training_file_marks_renewed_certificates_and_lists_expired_ones(client, org_tree, catalogue, qualify):
    from training.models import add_months

    operator = org_tree.operator.employee
    qualify([operator], catalogue.press, day=add_months(today(), -11))
    qualify([operator], catalogue.press, day=today() - datetime.timedelta(days=2))
    qualify([operator], catalogue.forklift, day=add_months(today(), -30))
    client.force_login(org_tree.hr_user)
    html = client.get(f"/training/employees/{operator.pk}/").content.decode()
    assert html.count(">renewed<") == 1
    assert 'st-expired">Expired<' in html


def test_head_sees_kpis_of_their_branch_only(client, org_tree, catalogue):
    from training.selectors import kpis

    figures = kpis(org_tree.prod_head)
    assert {d["department"].code for d in figures["departments"]} == {"PROD", "PROD-W1"}
    assert not figures["show_company"]
    assert kpis(org_tree.hr_user)["show_company"]
