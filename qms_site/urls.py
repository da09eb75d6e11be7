from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from responsibilities.views.me import MyJobDescriptionView

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # Accounts are managed by HR and administrators: no self-service password reset.
    path("accounts/password_reset/", views.no_password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("org/", include("org.urls")),
    path("me/", MyJobDescriptionView.as_view(), name="my_jd"),
    path("responsibilities/", include("responsibilities.urls")),
    path("complaints/", include("complaints.urls")),
    path("training/", include("training.urls")),
    path("satisfaction/", include("satisfaction.urls")),
    path("survey/", include("satisfaction.public_urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.health, name="health"),
]
