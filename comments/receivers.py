"""Keeps django-comments-xtd from writing comments or sending mail on its own.

xtd's `comment_was_posted` receiver creates the comment and renders and sends one email per
follower of the whole post inside the request. Comments here are created by
comments.moderation only (comments.posting calls it), and mail leaves from tasks, so that
receiver is disconnected. A comment xtd still creates by another door gets its moderation
row from comments.moderation.adopt_foreign (registered in comments.moderation.register).
"""

from django_comments.signals import comment_was_posted
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import TmpXtdComment


def connect():
    comment_was_posted.disconnect(xtd_views.on_comment_was_posted, sender=TmpXtdComment)
