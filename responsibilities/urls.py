from django.urls import path

from .views import charter, documents, grey_areas, jd, matrix, me, spreadsheets

app_name = "responsibilities"

urlpatterns = [
    # Job descriptions (views/jd.py)
    path("", jd.JdRegisterView.as_view(), name="jd_register"),
    path("posts/<int:post_pk>/jd/", jd.JdDetailView.as_view(), name="jd_detail"),
    path("posts/<int:post_pk>/jd/new/", jd.JdNewDraftView.as_view(), name="jd_new_draft"),
    path("posts/<int:post_pk>/jd/compare/", jd.JdCompareView.as_view(), name="jd_compare"),
    path("posts/<int:post_pk>/editors/", jd.JdEditorsView.as_view(), name="jd_editors"),
    path("jd/<int:pk>/edit/", jd.JdEditView.as_view(), name="jd_edit"),
    path("jd/<int:pk>/submit/", jd.JdSubmitView.as_view(), name="jd_submit"),
    path("jd/<int:pk>/approve/", jd.JdApproveView.as_view(), name="jd_approve"),
    path("jd/<int:pk>/reject/", jd.JdRejectView.as_view(), name="jd_reject"),
    path("jd/<int:pk>/history/", jd.JdHistoryView.as_view(), name="jd_history"),
    # Printed documents (views/documents.py)
    path("posts/<int:post_pk>/jd.pdf", documents.JdPdfView.as_view(), name="jd_pdf"),
    path("departments/<int:pk>/jd.pdf", documents.DepartmentBundlePdfView.as_view(), name="department_jd_pdf"),
    path("departments/<int:pk>/jd.zip", documents.DepartmentZipView.as_view(), name="department_jd_zip"),
    # Acknowledgements (views/me.py; "my job description" itself is at /me/)
    path("acknowledgements/", me.AcknowledgementStatusView.as_view(), name="ack_status"),
    path("acknowledgements/remind/", me.AcknowledgementRemindView.as_view(), name="ack_remind"),
    path("acknowledgements/paper/", me.PaperAcknowledgementView.as_view(), name="ack_paper"),
    path("jd/<int:pk>/acknowledge/", me.AcknowledgeView.as_view(), name="jd_acknowledge"),
    # Department charters (views/charter.py)
    path("departments/<int:pk>/charter/", charter.CharterDetailView.as_view(), name="charter_detail"),
    path("departments/<int:pk>/charter/new/", charter.CharterNewDraftView.as_view(), name="charter_new_draft"),
    path("charters/<int:pk>/edit/", charter.CharterEditView.as_view(), name="charter_edit"),
    path("charters/<int:pk>/submit/", charter.CharterSubmitView.as_view(), name="charter_submit"),
    path("charters/<int:pk>/decide/", charter.CharterDecideView.as_view(), name="charter_decide"),
    path("charters/<int:pk>/history/", charter.CharterHistoryView.as_view(), name="charter_history"),
]

# Responsibility matrices (views/matrix.py) and grey areas (views/grey_areas.py)

urlpatterns += [
    path("matrix/", matrix.CompanyMatrixView.as_view(), name="matrix"),
    path("matrix.xlsx", matrix.MatrixXlsxView.as_view(), name="matrix_xlsx"),
    path("matrix.pdf", matrix.MatrixPdfView.as_view(), name="matrix_pdf"),
    path("matrices/", matrix.MatrixListView.as_view(), name="matrix_list"),
    path("matrices/new/", matrix.MatrixCreateView.as_view(), name="matrix_create"),
    path("matrices/<int:pk>/", matrix.MatrixDetailView.as_view(), name="matrix_detail"),
    path("matrices/<int:pk>/cell/", matrix.MatrixCellView.as_view(), name="matrix_cell"),
    path("matrices/<int:pk>/rows/", matrix.MatrixAddRowView.as_view(), name="matrix_add_row"),
    path("matrices/<int:pk>/columns/", matrix.MatrixAddColumnView.as_view(), name="matrix_add_column"),
    path("matrices/<int:pk>/new-version/", matrix.MatrixNewVersionView.as_view(), name="matrix_new_version"),
    path("matrices/<int:pk>/submit/", matrix.MatrixSubmitView.as_view(), name="matrix_submit"),
    path("matrices/<int:pk>/decide/", matrix.MatrixDecideView.as_view(), name="matrix_decide"),
    path("matrices/<int:pk>/history/", matrix.MatrixHistoryView.as_view(), name="matrix_history"),
    path("matrices/<int:pk>/matrix.xlsx", matrix.MatrixXlsxView.as_view(), name="matrix_detail_xlsx"),
    path("matrices/<int:pk>/matrix.pdf", matrix.MatrixPdfView.as_view(), name="matrix_detail_pdf"),
    path("grey-areas/", grey_areas.GreyAreaListView.as_view(), name="grey_area_list"),
    path("grey-areas.xlsx", grey_areas.GreyAreaExportView.as_view(), name="grey_area_xlsx"),
    path("grey-areas/report/", grey_areas.GreyAreaReportView.as_view(), name="grey_area_report"),
    path("grey-areas/new/", grey_areas.GreyAreaRecordView.as_view(), name="grey_area_record"),
    path("grey-areas/<int:pk>/", grey_areas.GreyAreaDetailView.as_view(), name="grey_area_detail"),
    path("grey-areas/<int:pk>/edit/", grey_areas.GreyAreaEditView.as_view(), name="grey_area_edit"),
    path("grey-areas/<int:pk>/start/", grey_areas.GreyAreaStartView.as_view(), name="grey_area_start"),
    path("grey-areas/<int:pk>/close/", grey_areas.GreyAreaCloseView.as_view(), name="grey_area_close"),
    path("grey-areas/<int:pk>/history/", grey_areas.GreyAreaHistoryView.as_view(), name="grey_area_history"),
]

# Excel import and export (views/spreadsheets.py)

urlpatterns += [
    path("spreadsheets/", spreadsheets.SpreadsheetsView.as_view(), name="spreadsheets"),
    path("import/", spreadsheets.ImportView.as_view(), name="import"),
    path("import/template.xlsx", spreadsheets.ImportTemplateView.as_view(), name="import_template"),
    path("duties.xlsx", spreadsheets.DutiesExportView.as_view(), name="duties_export"),
]
