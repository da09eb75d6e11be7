from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Catalogue
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", views.CourseCreateView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseUpdateView.as_view(), name="course_update"),
    path("courses/<int:pk>/retire/", views.CourseRetireView.as_view(), name="course_retire"),
    path("courses/<int:pk>/history/", views.CourseHistoryView.as_view(), name="course_history"),
    # Needs
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", views.NeedCreateView.as_view(), name="need_create"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/close/", views.NeedCloseView.as_view(), name="need_close"),
    path("needs/<int:pk>/history/", views.NeedHistoryView.as_view(), name="need_history"),
    # Annual plan
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/plan.xlsx", views.PlanExportView.as_view(), name="plan_xlsx"),
    path("plans/<int:pk>/draft-from-needs/", views.PlanDraftFromNeedsView.as_view(), name="plan_draft_from_needs"),
    path("plans/<int:pk>/items/new/", views.PlanItemCreateView.as_view(), name="plan_item_create"),
    path("plans/<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/approve/", views.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/return/", views.PlanReturnView.as_view(), name="plan_return"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan_publish"),
    path("plans/<int:pk>/revise/", views.PlanReviseView.as_view(), name="plan_revise"),
    path("plans/<int:pk>/history/", views.PlanHistoryView.as_view(), name="plan_history"),
    path("plan-items/<int:pk>/edit/", views.PlanItemUpdateView.as_view(), name="plan_item_update"),
    path("plan-items/<int:pk>/remove/", views.PlanItemRemoveView.as_view(), name="plan_item_remove"),
    # Events
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventCreateView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", views.EventUpdateView.as_view(), name="event_update"),
    path("events/<int:pk>/invite/", views.EventInviteView.as_view(), name="event_invite"),
    path("events/<int:pk>/results/", views.EventResultsView.as_view(), name="event_results"),
    path("events/<int:pk>/complete/", views.EventCompleteView.as_view(), name="event_complete"),
    path("events/<int:pk>/cancel/", views.EventCancelView.as_view(), name="event_cancel"),
    path("events/<int:pk>/evidence/", views.EventEvidenceView.as_view(), name="event_evidence"),
    path(
        "events/<int:pk>/evidence/download/", views.EventEvidenceDownloadView.as_view(), name="event_evidence_download"
    ),
    path("events/<int:pk>/history/", views.EventHistoryView.as_view(), name="event_history"),
    path("attendance/<int:pk>/confirm/", views.AttendanceConfirmView.as_view(), name="attendance_confirm"),
    path("attendance/<int:pk>/feedback/", views.AttendanceFeedbackView.as_view(), name="attendance_feedback"),
    # Files, qualifications, matrix
    path("me/", views.MyFileView.as_view(), name="my_file"),
    path("employees/<int:pk>/", views.EmployeeFileView.as_view(), name="employee_file"),
    path("employees/<int:pk>/file.pdf", views.EmployeeFilePdfView.as_view(), name="employee_file_pdf"),
    path("employees/<int:pk>/file.xlsx", views.EmployeeFileXlsxView.as_view(), name="employee_file_xlsx"),
    path("qualifications/expiring/", views.ExpiringView.as_view(), name="expiring"),
    path("qualifications/<int:pk>/void/", views.QualificationVoidView.as_view(), name="qualification_void"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("matrix.xlsx", views.MatrixExportView.as_view(), name="matrix_xlsx"),
]
