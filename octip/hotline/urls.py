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

# Quality review (views_review): the lead's samples and reviews, the operator's own reviews.
from . import views_review  # noqa: E402

urlpatterns += [
    path("reviews/", views_review.review_samples, name="review_samples"),
    path("reviews/summary/", views_review.review_summary, name="review_summary"),
    path("reviews/samples/<int:sample_id>/", views_review.review_sample_detail, name="review_sample_detail"),
    path("reviews/<int:review_id>/", views_review.review_edit, name="review_edit"),
    path("my-reviews/", views_review.my_reviews, name="my_reviews"),
    path("my-reviews/<int:review_id>/", views_review.my_review, name="my_review"),
    path("my-reviews/<int:review_id>/acknowledge/", views_review.review_acknowledge, name="review_acknowledge"),
]

# Scripts (guidance beside the contact form): views_guidance.py.
from . import views_guidance  # noqa: E402

urlpatterns += [
    path("scripts/", views_guidance.guidance_list, name="guidance_list"),
    path("scripts/read/", views_guidance.guidance_read, name="guidance_read"),
    path("scripts/new/", views_guidance.guidance_new, name="guidance_new"),
    path("scripts/<int:script_id>/", views_guidance.guidance_detail, name="guidance_detail"),
    path("scripts/<int:script_id>/history/", views_guidance.guidance_history, name="guidance_history"),
    path("scripts/<int:script_id>/publish/", views_guidance.guidance_publish, name="guidance_publish"),
    path("scripts/<int:script_id>/retire/", views_guidance.guidance_retire, name="guidance_retire"),
]
