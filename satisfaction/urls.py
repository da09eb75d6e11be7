from django.urls import path
from django.views.generic import RedirectView

from .views import staff

app_name = "satisfaction"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="satisfaction:campaign_list"), name="index"),
    path("campaigns/", staff.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", staff.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", staff.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/remind/", staff.CampaignRemindView.as_view(), name="campaign_remind"),
    path("campaigns/<int:pk>/close/", staff.CampaignCloseView.as_view(), name="campaign_close"),
    path("campaigns/<int:pk>/reopen/", staff.CampaignReopenView.as_view(), name="campaign_reopen"),
    path("campaigns/<int:pk>/responses/new/", staff.ResponseEnterView.as_view(), name="response_enter"),
    path("campaigns/<int:pk>/report/", staff.ReportView.as_view(), name="report"),
    path("campaigns/<int:pk>/report.xlsx", staff.ReportXlsxView.as_view(), name="report_xlsx"),
    path("campaigns/<int:pk>/report.pdf", staff.ReportPdfView.as_view(), name="report_pdf"),
    path("campaigns/<int:pk>/items/<int:item_pk>/capa/", staff.ItemCapaView.as_view(), name="item_capa"),
    path("responses/<int:pk>/", staff.ResponseDetailView.as_view(), name="response_detail"),
    path("answers/<int:pk>/capa/", staff.AnswerCapaView.as_view(), name="answer_capa"),
    path("templates/", staff.TemplateListView.as_view(), name="template_list"),
    path("templates/new/", staff.TemplateCreateView.as_view(), name="template_create"),
    path("templates/<int:pk>/", staff.TemplateDetailView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", staff.TemplateEditView.as_view(), name="template_edit"),
]
