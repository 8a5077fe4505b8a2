"""The only addresses of django-comments-xtd and django_comments that are routed, each on our views.

Their own URL modules (xtd's REST API under api/, sent/, mute/, like/, flag/, approve/,
delete/, posted/ and the rest) are not included: those views write, reveal or redirect
without the rules, moderation and visibility of comments.posting. These patterns keep
their URL names, because the libraries reverse them:

- "comments-xtd-confirm": xtd's confirmation email links here (comments.views.confirm).
- "comments-url-redirect": Comment.get_absolute_url(), the admin's "View on site"
  (comments.views.content_redirect: a public post's address, else 404).
- "comments-post-comment": django_comments.get_form_target(), our comment form's view.
"""

from django.urls import path

from . import converters, views  # noqa: F401 - converters registers "id"

urlpatterns = [
    path("post/", views.post_comment, name="comments-post-comment"),
    path("confirm/<str:key>/", views.confirm, name="comments-xtd-confirm"),
    path("cr/<id:content_type_id>/<str:object_pk>/", views.content_redirect, name="comments-url-redirect"),
]
