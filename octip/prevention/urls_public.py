"""Public addresses of prevention and education (mounted at the site's root by octip/urls.py)."""

from django.urls import include, path

from . import views_public as views

learn = [
    path("", views.catalogue, name="catalogue"),
    path("register/", views.register, name="register"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("courses/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:slug>/lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("certificates/<uuid:credential_id>.pdf", views.certificate_pdf_download, name="certificate_pdf"),
    path("certificates/<uuid:credential_id>.jwt", views.certificate_jwt_download, name="certificate_jwt"),
]
verify = [
    path("", views.verify, name="verify"),
    path("<str:credential_id>/", views.verify_credential, name="credential"),
]
about = [
    path("", views.awareness_index, name="index"),
    path("<slug:key>/", views.awareness, name="page"),
]
practices = [
    path("", views.practices, name="list"),
    path("<int:practice_id>/", views.practice, name="detail"),
]

urlpatterns = [
    path("learn/", include((learn, "learn"))),
    path("verify/", include((verify, "verify"))),
    path("about/", include((about, "about"))),
    path("practices/", include((practices, "practices"))),
    path(".well-known/jwks.json", views.jwks_json, name="jwks"),
    path("credentials/status/<int:number>", views.status_list, name="credential_status"),
    path("credentials/issuer", views.issuer, name="credential_issuer"),
]
