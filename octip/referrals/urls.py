from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("outbox/", views.outbox, name="outbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("new/", views.refer_to_service, name="refer_to_service"),
    path("case/<uuid:case_id>/", views.case_referrals, name="case_referrals"),
    path("case/<uuid:case_id>/new/", views.referral_create, name="create"),
    path("case/<uuid:case_id>/transfer/", views.transfer_create, name="transfer_create"),
    path("case/<uuid:case_id>/export/", views.export_create, name="export_create"),
    path("transfers/", views.transfer_box, name="transfers"),
    path("transfers/<uuid:transfer_id>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:transfer_id>/<slug:action>/", views.transfer_action, name="transfer_action"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/<slug:action>/", views.referral_action, name="action"),
]
