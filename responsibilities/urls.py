from django.urls import path

from .views import charter, documents, jd, me

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
