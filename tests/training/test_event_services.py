"""Training events: results recorded by HR issue qualifications automatically; attendees
confirm and give feedback themselves, and only when they attended."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from org.models import today
from training import services
from training.choices import AttendanceResult, EventStatus, RecordedVia
from training.models import Attendance, Qualification, add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org_tree, catalogue):
    return services.event_create(
        actor=org_tree.hr_user,
        course=catalogue.forklift,
        title="Forklift exam",
        date=today() - datetime.timedelta(days=3),
        trainer="City exam centre",
        pass_score=Decimal(60),
        attendees=[org_tree.operator.employee, org_tree.qa_engineer.employee],
    )


def attendance_of(event, user):
    return Attendance.objects.get(event=event, employee=user.employee)


def test_a_pass_issues_the_qualification_with_its_validity_end(org_tree, event):
    attendance = attendance_of(event, org_tree.operator)
    services.attendance_record_result(
        actor=org_tree.hr_user, attendance=attendance, result=AttendanceResult.PASSED, score=Decimal(88)
    )
    qualification = Qualification.objects.get(employee=org_tree.operator.employee)
    assert qualification.attendance == attendance
    assert qualification.issued_on == event.date
    assert qualification.valid_until == add_months(event.date, 24)
    assert qualification.history.first().history_user == org_tree.hr_user


def test_a_fail_issues_nothing_and_correcting_a_pass_voids_the_qualification(org_tree, event):
    attendance = attendance_of(event, org_tree.operator)
    hr = org_tree.hr_user
    services.attendance_record_result(
        actor=hr, attendance=attendance, result=AttendanceResult.PASSED, score=Decimal(70)
    )
    services.attendance_record_result(
        actor=hr, attendance=attendance, result=AttendanceResult.FAILED, score=Decimal(40)
    )
    qualification = Qualification.objects.get(attendance=attendance)
    assert qualification.voided and "Failed" in qualification.void_reason
    other = attendance_of(event, org_tree.qa_engineer)
    services.attendance_record_result(actor=hr, attendance=other, result=AttendanceResult.FAILED, score=Decimal(30))
    assert not Qualification.objects.filter(attendance=other).exists()


def test_a_score_below_the_pass_mark_cannot_be_a_pass(org_tree, event):
    attendance = attendance_of(event, org_tree.operator)
    with pytest.raises(services.DomainError, match="pass mark"):
        services.attendance_record_result(
            actor=org_tree.hr_user, attendance=attendance, result=AttendanceResult.PASSED, score=Decimal(50)
        )
    attendance.refresh_from_db()
    assert attendance.result == AttendanceResult.PENDING
    assert not Qualification.objects.exists()


def test_only_hr_records_results(org_tree, event):
    attendance = attendance_of(event, org_tree.operator)
    with pytest.raises(PermissionDenied):
        services.attendance_record_result(
            actor=org_tree.operator, attendance=attendance, result=AttendanceResult.PASSED, score=Decimal(90)
        )


def test_attendance_of_people_without_login_is_recorded_from_the_sign_sheet(org_tree, event):
    attendance = attendance_of(event, org_tree.operator)
    services.attendance_record_result(
        actor=org_tree.hr_user, attendance=attendance, result=AttendanceResult.PASSED, score=Decimal(75)
    )
    attendance.refresh_from_db()
    assert attendance.recorded_via == RecordedVia.SIGN_SHEET


def test_event_is_held_only_when_every_result_is_in(org_tree, event):
    hr = org_tree.hr_user
    services.attendance_record_result(
        actor=hr, attendance=attendance_of(event, org_tree.operator), result=AttendanceResult.PASSED, score=Decimal(75)
    )
    with pytest.raises(services.DomainError, match="Erin Engineer"):
        services.event_complete(actor=hr, event=event)
    services.attendance_record_result(
        actor=hr, attendance=attendance_of(event, org_tree.qa_engineer), result=AttendanceResult.ABSENT
    )
    services.event_complete(actor=hr, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    with pytest.raises(services.DomainError, match="final"):
        services.attendance_record_result(
            actor=hr, attendance=attendance_of(event, org_tree.qa_engineer), result=AttendanceResult.PASSED
        )


def test_results_cannot_be_recorded_before_the_event(org_tree, catalogue):
    event = services.event_create(
        actor=org_tree.hr_user,
        course=catalogue.press,
        title="Press",
        date=today() + datetime.timedelta(days=2),
        trainer="T",
        attendees=[org_tree.operator.employee],
    )
    with pytest.raises(services.DomainError, match="from the day"):
        services.attendance_record_result(
            actor=org_tree.hr_user, attendance=event.attendances.get(), result=AttendanceResult.PASSED
        )


def test_attendee_confirms_own_invitation_only(org_tree, event):
    mine = attendance_of(event, org_tree.operator)
    with pytest.raises(PermissionDenied):
        services.attendance_confirm(actor=org_tree.qa_engineer, attendance=mine)
    with pytest.raises(PermissionDenied):
        services.attendance_confirm(actor=org_tree.hr_user, attendance=mine)
    services.attendance_confirm(actor=org_tree.operator, attendance=mine)
    mine.refresh_from_db()
    assert mine.confirmed_at is not None


def test_only_people_who_attended_give_feedback_once(org_tree, event):
    hr = org_tree.hr_user
    mine = attendance_of(event, org_tree.operator)
    with pytest.raises(services.DomainError, match="attended"):
        services.attendance_feedback(actor=org_tree.operator, attendance=mine, rating=4)
    services.attendance_record_result(actor=hr, attendance=mine, result=AttendanceResult.PASSED, score=Decimal(80))
    absent = attendance_of(event, org_tree.qa_engineer)
    services.attendance_record_result(actor=hr, attendance=absent, result=AttendanceResult.ABSENT)
    with pytest.raises(services.DomainError):
        services.attendance_feedback(actor=org_tree.qa_engineer, attendance=absent, rating=5)
    with pytest.raises(PermissionDenied):
        services.attendance_feedback(actor=org_tree.qa_engineer, attendance=mine, rating=5)
    services.attendance_feedback(actor=org_tree.operator, attendance=mine, rating=4, text="Useful")
    mine.refresh_from_db()
    assert (mine.feedback_rating, mine.feedback) == (4, "Useful")
    with pytest.raises(services.DomainError, match="already"):
        services.attendance_feedback(actor=org_tree.operator, attendance=mine, rating=1)


def test_cancel_needs_a_reason_and_is_final(org_tree, event):
    with pytest.raises(services.DomainError):
        services.event_cancel(actor=org_tree.hr_user, event=event, reason="")
    services.event_cancel(actor=org_tree.hr_user, event=event, reason="Trainer ill")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    with pytest.raises(services.DomainError):
        services.event_complete(actor=org_tree.hr_user, event=event)


def test_inviting_someone_not_employed_on_the_day_is_refused(org_tree, catalogue):
    from tests.factories import EmployeeFactory

    newcomer = EmployeeFactory(name="Nina New", hire_date=today())
    with pytest.raises(services.DomainError, match="Nina New"):
        services.event_create(
            actor=org_tree.hr_user,
            course=catalogue.press,
            title="Press",
            date=today() - datetime.timedelta(days=10),
            trainer="T",
            attendees=[newcomer],
        )


def test_evidence_is_checked_by_content(org_tree, event):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("sheet.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF, PNG or JPEG"):
        services.event_attach_evidence(actor=org_tree.hr_user, event=event, uploaded=fake)
    real = SimpleUploadedFile("sheet.pdf", b"%PDF-1.4\n%test\n", content_type="text/plain")
    services.event_attach_evidence(actor=org_tree.hr_user, event=event, uploaded=real)
    event.refresh_from_db()
    assert event.evidence.name.endswith(".pdf") and event.evidence_name == "sheet.pdf"
