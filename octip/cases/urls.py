from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("my-work/", views.my_work, name="my_work"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("emergency-access/", views.emergency_review_list, name="emergency_review_list"),
    path("emergency-access/<int:access_id>/", views.emergency_review, name="emergency_review"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/person/", views.person_edit, name="person_edit"),
    path("<uuid:case_id>/assign/", views.case_assign, name="assign"),
    path("<uuid:case_id>/stage/", views.case_stage, name="stage"),
    path("<uuid:case_id>/closure/", views.closure_request, name="closure_request"),
    path("<uuid:case_id>/closure/<int:request_id>/", views.closure_decide, name="closure_decide"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="reopen"),
    path("<uuid:case_id>/youth/", views.youth_profile, name="youth"),
    path("<uuid:case_id>/duty-to-report/", views.duty_to_report, name="duty_to_report"),
    path("<uuid:case_id>/emergency-access/", views.break_glass, name="break_glass"),
    path("<uuid:case_id>/needs/<slug:domain>/", views.need_edit, name="need_edit"),
    path("<uuid:case_id>/goals/new/", views.goal_add, name="goal_add"),
    path("<uuid:case_id>/goals/<int:goal_id>/status/", views.goal_status, name="goal_status"),
    path("<uuid:case_id>/goals/<int:goal_id>/actions/new/", views.plan_action_add, name="plan_action_add"),
    path("<uuid:case_id>/actions/<int:action_id>/done/", views.plan_action_done, name="plan_action_done"),
    path("<uuid:case_id>/tasks/new/", views.task_add, name="task_add"),
    path("<uuid:case_id>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<uuid:case_id>/notes/new/", views.note_add, name="note_add"),
    path("<uuid:case_id>/safety-plan/", views.safety_plan_edit, name="safety_plan"),
    path("<uuid:case_id>/safety-plan/print/", views.safety_plan_print, name="safety_plan_print"),
    path("<uuid:case_id>/documents/new/", views.document_upload, name="document_upload"),
    path("<uuid:case_id>/documents/<uuid:document_id>/link/", views.document_link, name="document_link"),
    path("<uuid:case_id>/documents/<uuid:document_id>/download/", views.document_download, name="document_download"),
    path("<uuid:case_id>/profile/", views.trafficking_profile_edit, name="trafficking_profile"),
    path("<uuid:case_id>/profile/events/new/", views.trafficking_event_add, name="trafficking_event_add"),
    path("<uuid:case_id>/profile/events/<int:event_id>/", views.trafficking_event_edit, name="trafficking_event_edit"),
    path("<uuid:case_id>/profile/events/<int:event_id>/remove/", views.trafficking_event_remove,
         name="trafficking_event_remove"),
]
