from django.urls import path

from . import export_views, views

app_name = "org"

urlpatterns = [
    path("chart/", views.ChartView.as_view(), name="chart"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", views.DepartmentUpdateView.as_view(), name="department_update"),
    path("departments/<int:pk>/close/", views.DepartmentCloseView.as_view(), name="department_close"),
    path("departments/<int:pk>/access/", views.DepartmentAccessView.as_view(), name="department_access"),
    path("departments/<int:pk>/history/", views.DepartmentHistoryView.as_view(), name="department_history"),
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts.xlsx", views.PostExportView.as_view(), name="post_export"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("posts/<int:pk>/close/", views.PostCloseView.as_view(), name="post_close"),
    path("posts/<int:pk>/history/", views.PostHistoryView.as_view(), name="post_history"),
    path("posts/<int:pk>/dotted-lines/new/", views.PostRelationCreateView.as_view(), name="relation_create"),
    path("dotted-lines/<int:pk>/end/", views.PostRelationEndView.as_view(), name="relation_end"),
    path("posts/<int:pk>/assign/", views.AssignmentCreateView.as_view(), name="assignment_create"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
    path("assignments/<int:pk>/history/", views.AssignmentHistoryView.as_view(), name="assignment_history"),
    path("employees/", views.EmployeeListView.as_view(), name="employee_list"),
    path("employees/new/", views.EmployeeCreateView.as_view(), name="employee_create"),
    path("employees/<int:pk>/", views.EmployeeDetailView.as_view(), name="employee_detail"),
    path("employees/<int:pk>/edit/", views.EmployeeUpdateView.as_view(), name="employee_update"),
    path("employees/<int:pk>/leave/", views.EmployeeLeaveView.as_view(), name="employee_leave"),
    path("employees/<int:pk>/history/", views.EmployeeHistoryView.as_view(), name="employee_history"),
    path("vacancies/", views.VacancyListView.as_view(), name="vacancy_list"),
    path("posts-incumbents.xlsx", export_views.PostIncumbentsExportView.as_view(), name="post_incumbents_export"),
]
