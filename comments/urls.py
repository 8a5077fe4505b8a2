from django.urls import path, re_path

from . import converters, feeds, views  # noqa: F401 - converters registers "id"

app_name = "comments"
urlpatterns = [
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestCommentsAtomFeed(), name="atom_feed"),
    path("post/", views.post_comment, name="post"),
    path("reply/<id:pk>/", views.reply, name="reply"),
    path("report/<id:pk>/", views.report, name="report"),
    path("edit/<id:pk>/", views.edit_own, name="edit"),
    path("delete/<id:pk>/", views.delete_own, name="delete"),
    path("moderate/on-page/<id:pk>/", views.moderate_on_page, name="moderate"),
    path("moderate/<str:token>/", views.email_action, name="email_action"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Same path as xtd's "comments-xtd-confirm", so its emailed links land here.
    path("confirm/<str:key>/", views.confirm, name="confirm"),
]
urlpatterns.append(path("c/<id:pk>/", views.locate, name="locate"))
# An id too long for the database, under any comments address (ours, and comments.library_urls'
# included after these): 404 here, before a view could overflow into a 500.
urlpatterns.append(re_path(r"(?:^|/)\d{19,}(?:/|$)", views.no_such_comment))
