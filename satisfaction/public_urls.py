"""The public survey link, outside the login-protected site: ``/survey/<token>/``."""

from django.urls import path

from .views import public

urlpatterns = [
    path("<str:token>/", public.SurveyFormView.as_view(), name="survey_form"),
    path("<str:token>/thanks/", public.SurveyThanksView.as_view(), name="survey_thanks"),
]
