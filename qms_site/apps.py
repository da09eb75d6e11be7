from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class QmsSiteConfig(AppConfig):
    name = "qms_site"
    verbose_name = "QMS"


class QmsAdminConfig(AdminConfig):
    default_site = "qms_site.admin_site.QmsAdminSite"
