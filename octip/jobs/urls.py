from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("failed/", views.failed, name="failed"),
    path("failed/<int:failure_id>/retry/", views.retry, name="retry"),
]
