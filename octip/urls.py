from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from octip.api import api
from octip.core.views import healthz
from octip.home import urls as home_urls
from octip.partners import urls_app

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("i18n/catalog.js", JavaScriptCatalog.as_view(), name="js_catalog"),
    path("accounts/", include("octip.partners.urls_accounts")),
    # One ``app`` namespace: the home page (which counts from every app) and the staff pages of partners.
    path("app/", include(([*home_urls.urlpatterns, *urls_app.urlpatterns], urls_app.app_name))),
    path("app/cases/", include("octip.cases.urls")),
    path("app/consents/", include("octip.consent.urls")),
    path("app/screening/", include("octip.screening.urls")),
    path("app/hotline/", include("octip.hotline.urls")),
    path("app/directory/", include("octip.directory.urls")),
    path("app/referrals/", include("octip.referrals.urls")),
    path("app/notifications/", include("octip.notifications.urls")),
    path("app/jobs/", include("octip.jobs.urls")),
    path("app/stats/", include("octip.stats.urls")),
    path("app/justice/", include("octip.justice.urls")),
    path("app/prevention/", include("octip.prevention.urls")),
    path("app/situations/", include("octip.situations.urls")),
    path("api/v1/", api.urls),
    path("hsds/", include("octip.directory.urls_hsds")),
    path("report/", include("octip.hotline.urls_public")),
    path("services/", include("octip.directory.urls_public")),
    path("", include("octip.prevention.urls_public")),
    path("", include("octip.site.urls")),
]
# The Django admin bypasses scope and audit: it is mounted only where OCTIP_DJANGO_ADMIN asks for it.
if settings.OCTIP_DJANGO_ADMIN:
    urlpatterns.insert(-1, path("django-admin/", admin.site.urls))
