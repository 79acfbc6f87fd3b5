from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.start, name="start"),
    path("new/section/", views.flow, name="flow"),
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<slug:slug>/publish/", views.framework_publish, name="framework_publish"),
    path("frameworks/<slug:slug>/thresholds/", views.framework_thresholds, name="framework_thresholds"),
    path("<uuid:screening_id>/", views.detail, name="detail"),
]
