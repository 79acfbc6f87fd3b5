from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("expiring/", views.expiring, name="expiring"),
    path("case/<uuid:case_id>/", views.case_consents, name="case_consents"),
    path("case/<uuid:case_id>/new/", views.consent_create, name="consent_create"),
    path("<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
