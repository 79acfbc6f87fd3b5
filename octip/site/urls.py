from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("get-help/", views.get_help, name="get_help"),
]
