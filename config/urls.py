from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from blog import cache_keys
from blog.views import robots_txt, root_icon
from comments.feeds import PostCommentsAtomFeed, PostCommentsFeed
from comments.sitemaps import sitemaps
from config.error_pages import preview_not_found

POST = r"^(?P<year>[0-9]{4})/(?P<month>0[1-9]|1[0-2])/(?P<slug>[-a-zA-Z0-9_]+)/"

urlpatterns = [
    # The moderation queue's old address, in emails sent before the model was renamed.
    path(
        "admin/comments/heldcomment/",
        RedirectView.as_view(pattern_name="admin:comments_moderatedcomment_changelist", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    # Of django-comments-xtd and django_comments, only the URL names they reverse, on our views.
    path("comments/", include("comments.library_urls")),
    path("subscriptions/", include("subscriptions.urls")),
    path("sitemap.xml", cache_keys.cached_by(cache_keys.SITEMAP)(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", root_icon, {"name": "favicon.ico"}, name="favicon"),
    path("apple-touch-icon.png", root_icon, {"name": "apple-touch-icon.png"}, name="apple_touch_icon"),
    # A post's comment feeds, under the post's own address (blog.urls' post_detail pattern).
    re_path(POST + r"comments/feed/$", PostCommentsFeed(), name="post_comments_feed"),
    re_path(POST + r"comments/feed/atom/$", PostCommentsAtomFeed(), name="post_comments_atom_feed"),
    path("", include("blog.urls")),
]
# Uploaded images from MEDIA_ROOT, under DEBUG only (static() adds nothing otherwise): production
# serves them from nginx or the S3 bucket (README.md, "Images").
urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
if settings.DEBUG:  # DEBUG shows Django's technical 404 instead of ours: a preview of ours, for staff
    urlpatterns.insert(0, path("404/", preview_not_found, name="preview_404"))

handler400 = "config.error_pages.bad_request"
handler404 = "config.error_pages.page_not_found"
handler500 = "config.error_pages.server_error"
