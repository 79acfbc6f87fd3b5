from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:service_id>/", views.detail, name="detail"),
    path("<uuid:service_id>/edit/", views.edit, name="edit"),
]
