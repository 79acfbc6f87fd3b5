from django.urls import path

from . import views

app_name = "justice"

urlpatterns = [
    path("deadlines/", views.deadlines, name="deadlines"),
    path("rules/", views.rules_page, name="rules"),
    path("case/<uuid:case_id>/", views.case_justice, name="case"),
    path("case/<uuid:case_id>/police-choice/", views.police_choice, name="police_choice"),
    path("case/<uuid:case_id>/police-contact/", views.police_contact, name="police_contact"),
    path("police-contact/<int:contact_id>/end-access/", views.end_police_access, name="end_police_access"),
    path("case/<uuid:case_id>/proceedings/new/", views.proceeding_new, name="proceeding_new"),
    path("proceedings/<int:proceeding_id>/court-date/", views.court_date_new, name="court_date_new"),
    path("proceedings/<int:proceeding_id>/aid/", views.aid_new, name="aid_new"),
    path("case/<uuid:case_id>/status/new/", views.status_new, name="status_new"),
    path("case/<uuid:case_id>/cvap/new/", views.cvap_new, name="cvap_new"),
    path("proceedings/<int:proceeding_id>/edit/", views.proceeding_edit, name="proceeding_edit"),
    path("testimonial-aids/<int:aid_id>/decision/", views.aid_decide, name="aid_decide"),
    path("statuses/<int:status_id>/edit/", views.status_edit, name="status_edit"),
    path("cvap/<int:application_id>/edit/", views.cvap_edit, name="cvap_edit"),
    path("case/<uuid:case_id>/letter/", views.letter_new, name="letter_new"),
]
