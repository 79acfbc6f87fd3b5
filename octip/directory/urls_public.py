from django.urls import path

from . import views_public

app_name = "services"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<uuid:service_id>/", views_public.detail, name="detail"),
]
