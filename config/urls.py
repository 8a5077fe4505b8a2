from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.sitemaps import sitemaps
from blog.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ours first: they front django_comments' post view and replace xtd's reply page.
    path("comments/", include("comments.urls")),
    path("comments/", include("django_comments_xtd.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("blog.urls")),
]

handler404 = "blog.views.page_not_found"
handler500 = "blog.views.server_error"
