from django.urls import path

from . import views

app_name = "situations"

urlpatterns = [
    path("", views.situation_list, name="list"),
    path("new/", views.situation_new, name="new"),
    path("<int:situation_id>/", views.situation_detail, name="detail"),
    path("<int:situation_id>/edit/", views.situation_edit, name="edit"),
    path("<int:situation_id>/cases/link/", views.situation_link_case, name="link_case"),
    path("<int:situation_id>/cases/<uuid:case_id>/unlink/", views.situation_unlink_case, name="unlink_case"),
    path("<int:situation_id>/persons-of-interest/new/", views.poi_new, name="poi_new"),
    path("persons-of-interest/<int:poi_id>/", views.poi_detail, name="poi"),
    path("persons-of-interest/<int:poi_id>/edit/", views.poi_edit, name="poi_edit"),
    path("persons-of-interest/<int:poi_id>/cases/link/", views.poi_link_case, name="poi_link_case"),
    path("persons-of-interest/<int:poi_id>/cases/<uuid:case_id>/unlink/", views.poi_unlink_case,
         name="poi_unlink_case"),
    path("case/<uuid:case_id>/link/", views.case_link, name="case_link"),
]
