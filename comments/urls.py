from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("reply/<int:pk>/", views.reply, name="reply"),
    path("report/<int:pk>/", views.report, name="report"),
    path("edit/<int:pk>/", views.edit_own, name="edit"),
    path("delete/<int:pk>/", views.delete_own, name="delete"),
    path("moderate/on-page/<int:pk>/", views.moderate_on_page, name="moderate"),
    path("moderate/<str:token>/", views.email_action, name="email_action"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Same path as xtd's "comments-xtd-confirm", so its emailed links land here.
    path("confirm/<str:key>/", views.confirm, name="confirm"),
]
urlpatterns.append(path("c/<int:pk>/", views.locate, name="locate"))
