from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:notification_id>/read/", views.mark_one_read, name="read"),
    path("<int:notification_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
