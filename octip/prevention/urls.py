from django.urls import path

from . import views

app_name = "prevention"

urlpatterns = [
    path("courses/", views.courses, name="courses"),
    path("courses/versions/<int:version_id>/", views.version, name="version"),
    path("certificates/", views.credentials, name="credentials"),
    path("certificates/<uuid:credential_id>/revoke/", views.revoke, name="revoke"),
    path("reports/", views.reports, name="reports"),
    path("reports/training.csv", views.report_csv, name="report_csv"),
    path("reports/training.xlsx", views.report_xlsx, name="report_xlsx"),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/materials/", views.materials, name="materials"),
    path("outreach/materials/files/<int:file_id>/", views.material_download, name="material_download"),
    path("pages/", views.translations, name="translations"),
    path("pages/new/", views.page_new, name="page_new"),
    path("pages/<slug:key>/<str:language>/", views.page_edit, name="page_edit"),
    path("practices/", views.practices, name="practices"),
    path("practices/<int:practice_id>/", views.practices, name="practice_edit"),
]
