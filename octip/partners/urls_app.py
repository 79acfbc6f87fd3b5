from django.urls import path

from octip.core import views as core_views

from . import views

#: The namespace of the staff pages. The home page (``app:home``, in ``octip.home``) joins it in
#: ``octip/urls.py``: it counts from apps above partners, which partners may not import.
app_name = "app"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:user_id>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("staff/<int:user_id>/password-link/", views.staff_password_link, name="staff_password_link"),
    path("staff/role-requests/", views.role_grants, name="role_grants"),
    path("staff/role-requests/<int:grant_id>/approve/", views.role_grant_approve, name="role_grant_approve"),
    path("staff/role-requests/<int:grant_id>/refuse/", views.role_grant_refuse, name="role_grant_refuse"),
    path("organization/approvals/", views.approval_settings, name="approval_settings"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("audit/export.csv", core_views.audit_export, name="audit_export"),
]
