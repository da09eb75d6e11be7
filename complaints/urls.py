from django.urls import path

from .views import capas, complaints, customers, deadlines
from .views import claims as claim_views
from .views import returns as return_views
from .views import summary as summary_views

app_name = "complaints"

urlpatterns = [
    path("", complaints.ComplaintListView.as_view(), name="list"),
    path("new/", complaints.ComplaintCreateView.as_view(), name="create"),
    path("<int:pk>/", complaints.ComplaintDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", complaints.ComplaintEditView.as_view(), name="edit"),
    path("<int:pk>/step/<slug:action>/", complaints.ComplaintStepView.as_view(), name="step"),
    path("<int:pk>/attach/", complaints.ComplaintAttachView.as_view(), name="attach"),
    path("<int:pk>/void/", complaints.ComplaintVoidView.as_view(), name="void"),
    path("<int:pk>/assign/", complaints.ComplaintAssignView.as_view(), name="assign"),
    path("<int:pk>/record.pdf", complaints.ComplaintPdfView.as_view(), name="pdf"),
    path("<int:pk>/history/", complaints.ComplaintHistoryView.as_view(), name="history"),
    path("files/<int:pk>/", complaints.AttachmentDownloadView.as_view(), name="attachment"),
    path("deadlines/", deadlines.DeadlineRulesView.as_view(), name="deadlines"),
    path("capas/", capas.CapaListView.as_view(), name="capa_list"),
    path("capas/new/", capas.CapaCreateView.as_view(), name="capa_create"),
    path("capas/<int:pk>/", capas.CapaDetailView.as_view(), name="capa_detail"),
    path("capas/<int:pk>/step/<slug:step>/", capas.CapaStepView.as_view(), name="capa_step"),
    path("capas/<int:pk>/car.pdf", capas.CapaPdfView.as_view(), name="capa_pdf"),
    path("capas/<int:pk>/history/", capas.CapaHistoryView.as_view(), name="capa_history"),
    path("capas/evidence/<int:pk>/", capas.EvidenceDownloadView.as_view(), name="evidence"),
    path("customers/", customers.CustomerListView.as_view(), name="customer_list"),
    path("customers/new/", customers.CustomerCreateView.as_view(), name="customer_create"),
    path("customers/<int:pk>/", customers.CustomerDetailView.as_view(), name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.CustomerCreateView.as_view(), name="customer_edit"),
    path("customers/<int:pk>/contacts/", customers.CustomerContactView.as_view(), name="contact_add"),
    path("customers/<int:pk>/contacts/<int:contact_pk>/", customers.CustomerContactView.as_view(), name="contact_edit"),
    path("customers/<int:pk>/end/", customers.CustomerEndView.as_view(), name="customer_end"),
    # Returns and claims.
    path("returns/", return_views.ReturnListView.as_view(), name="return_list"),
    path("returns/new/", return_views.ReturnReceiveView.as_view(), name="return_create"),
    path("returns/<int:pk>/", return_views.ReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/history/", return_views.ReturnHistoryView.as_view(), name="return_history"),
    path("returns/<int:pk>/<slug:action>/", return_views.ReturnActionView.as_view(), name="return_action"),
    path("claims/", claim_views.ClaimListView.as_view(), name="claim_list"),
    path("claims/new/", claim_views.ClaimRegisterView.as_view(), name="claim_create"),
    path("claims/<int:pk>/", claim_views.ClaimDetailView.as_view(), name="claim_detail"),
    path("claims/<int:pk>/history/", claim_views.ClaimHistoryView.as_view(), name="claim_history"),
    path("claims/<int:pk>/<slug:action>/", claim_views.ClaimActionView.as_view(), name="claim_action"),
    # Monthly summary and follow-up list.
    path("summary/", summary_views.SummaryView.as_view(), name="summary"),
    path("summary.xlsx", summary_views.SummaryFileView.as_view(kind="xlsx"), name="summary_xlsx"),
    path("summary.pdf", summary_views.SummaryFileView.as_view(kind="pdf"), name="summary_pdf"),
    path("follow-ups/", summary_views.FollowUpListView.as_view(), name="followup_list"),
    path("follow-ups.pdf", summary_views.FollowUpPdfView.as_view(), name="followup_pdf"),
]
