from django.urls import path

from . import views, views_live

app_name = "hotline"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/respond/", views.contact_respond, name="contact_respond"),
    path("contacts/<int:contact_id>/flag/", views.caller_flag_create, name="caller_flag_create"),
    path("caller-flags/", views.caller_flags, name="caller_flags"),
    path("targets/", views.targets_edit, name="targets_edit"),
    path("caller-flags/<int:flag_id>/lift/", views.caller_flag_lift, name="caller_flag_lift"),
    path("on-call/", views.on_call, name="on_call"),
    path("on-call/shifts/new/", views.shift_create, name="shift_create"),
    path("on-call/shifts/<int:shift_id>/delete/", views.shift_delete, name="shift_delete"),
    path("queue/live/", views_live.queue_live, name="queue_live"),
]
