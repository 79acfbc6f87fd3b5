"""The home page joins the ``app`` namespace (``app:home``) that ``partners.urls_app`` opens: see
``octip/urls.py``. partners sits below the apps the home page counts from, so it cannot name it."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
]
