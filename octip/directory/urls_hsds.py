"""The HSDS 3.0 API, mounted at /hsds/ (namespace ``hsds``)."""

from django.urls import path

from . import views_hsds as v

app_name = "hsds"

urlpatterns = [
    path("", v.root, name="root"),
    path("openapi.json", v.openapi, name="openapi"),
    path("services", v.services, name="services"),
    path("services/<str:pk>", v.service, name="service"),
    path("organizations", v.organizations, name="organizations"),
    path("organizations/<str:pk>", v.organization, name="organization"),
    path("service_at_locations", v.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:pk>", v.service_at_location, name="service_at_location"),
    path("taxonomies", v.taxonomies, name="taxonomies"),
    path("taxonomies/<str:pk>", v.taxonomy, name="taxonomy"),
    path("taxonomy_terms", v.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:pk>", v.taxonomy_term, name="taxonomy_term"),
]
