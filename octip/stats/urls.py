from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outreach/", views.outreach, name="outreach"),
    path("tables/<slug:key>.csv", views.table_csv, name="table_csv"),
    path("releases/new/", views.release_create, name="release_create"),
]
